/**
 * Carries out one call: opens the microphone and the gateway session, dials, follows the call,
 * and releases everything before reporting how it ended. It holds no state between calls and
 * knows nothing of the element: the controller gives it a plan and hooks, and moves the state
 * machine when the hooks fire. Loaded with `import()` on the first call, together with the Janus
 * adapter, the in-call panel, the ringback and quality code and the English text shown during
 * and after a call, so a page that only shows the button never downloads any of them.
 */
import { VoipError, type EndReason, type VoipErrorCode } from './errors.js';
import { createVoipEvent, type ReconnectCause } from './events.js';
import { enCall } from './i18n/en-call.js';
import { addBuiltInTranslation, type MessageKey } from './i18n/index.js';
import type { CallController } from './call-controller.js';
import { janusConnector } from './janus/janus-session.js';

import { definePanel } from './call-panel.js';
import { MediaWatch, mediaTiming, receivedBytes } from './media-watch.js';
import { nextWarning, sampleQuality, type QualityCounters } from './quality.js';
import { resolveRingback, startRingback } from './ringback.js';
import { sanitizeDisplayName } from './sip/display-name.js';
import type { DtmfMode, SessionEvent, SipConnector, SipSession } from './sip/session.js';

/** What to call, validated by the controller. */
export interface CallPlan {
  readonly uri: string;
  readonly servers: readonly string[];
  readonly sipDomain: string;
  /** As the page gave it; made safe for a SIP header here. */
  readonly displayName?: string;
  /** Microphone constraints; `undefined`: echo cancellation, noise suppression, auto gain. */
  readonly audioConstraints: MediaTrackConstraints | boolean | undefined;
  readonly iceServers: readonly RTCIceServer[];
  /** The `ringback` attribute (a preset, `off`, or empty for the language's preset). */
  readonly ringback: string;
  /** The element's language, for the default ringback. */
  readonly language: string;
  /** How keypad tones travel. */
  readonly dtmfMode: DtmfMode;
  /** Where to fetch a Janus token before connecting (the `token-url` attribute). */
  readonly tokenUrl?: string;
  /** The longest a call may last, ms (the `max-duration` attribute, in seconds). */
  readonly maxDurationMs?: number;
  /** How long an unanswered call may ring, ms (the `ring-timeout` attribute, in seconds). */
  readonly ringTimeoutMs?: number;
  /**
   * How long to wait for the visitor to answer the microphone permission prompt, ms (the
   * `permission-timeout` attribute, in seconds).
   */
  readonly permissionTimeoutMs?: number;
  /** Replaces the built-in Janus connector. */
  readonly connector?: SipConnector;
}

/** How the runner reports progress. Each hook fires at most once per call, in this order. */
export interface CallHooks {
  /** Aborted when the visitor hangs up (or the element goes away). */
  readonly signal: AbortSignal;
  readonly onInviteSent: () => void;
  readonly onRinging: () => void;
  readonly onAnswered: () => void;
  /** The answered call lost its gateway connection or its media path; it is being recovered. */
  readonly onInterrupted: (cause: ReconnectCause) => void;
  /** The interrupted call recovered, after `downtimeMs`. */
  readonly onRecovered: (cause: ReconnectCause, downtimeMs: number) => void;
  /** The call has an outcome; releasing starts now. */
  readonly onEnding: () => void;
  /** The local or remote media changed (null once released). */
  readonly onMedia: (local: MediaStream | null, remote: MediaStream | null) => void;
  /** The controls of this call, given once, right at the start. */
  readonly onControls: (controls: CallControls) => void;
  /** Something the page shows changed (muted, on hold). */
  readonly onUpdate: () => void;
  /** Fires a `voip-*` event on the element. */
  readonly emit: (event: Event) => void;
  /** The visitor-facing message for a key, in the element's language. */
  readonly localize: (key: MessageKey) => string;
}

/**
 * What a page can do during the call. Each change fires its `voip-*` event; an action refused
 * (before the answer: `not-in-call`; bad digits: `invalid-digits`) or failed fires `voip-error`
 * and leaves the call as it was.
 */
export interface CallControls {
  readonly muted: boolean;
  readonly onHold: boolean;
  /** Whether the "poor connection" warning is showing. */
  readonly poorQuality: boolean;
  /** Mutes or unmutes the microphone: its track is disabled, the call stays up. Any time. */
  mute(on: boolean): void;
  /** Puts the call on hold (re-INVITE a=sendonly; the microphone is silenced) or resumes it. */
  hold(on: boolean): Promise<void>;
  /** Sends keypad tones (0-9, *, #). */
  sendDtmf(digits: string): Promise<void>;
  /** Switches to another microphone mid-call (the track is replaced; the call stays up). */
  useMicrophone(deviceId: string): Promise<void>;
}

/** Tokens fetched from a `token-url`, by URL: in memory only, never in storage or events. */
const tokens = new Map<string, { token: string; expiresAt: number }>();
/** A token is fetched again when less than this is left of its life (or of max-duration). */
const TOKEN_MARGIN_MS = 60_000;
/** A call ends this long before its token expires, while Janus still accepts the hangup. */
const TOKEN_END_MARGIN_MS = 5_000;
/** Below this, a token with no max-duration set earns the site owner a console warning. */
const SHORT_TOKEN_MS = 3_600_000;

/**
 * The Janus token for a call: the one in memory while it will outlive the call's limit, else a
 * new one. Janus checks the token on every request, keepalives included, so a call must end
 * before its token does.
 */
async function fetchToken(
  url: string,
  maxDurationMs = 0,
): Promise<{ token: string; expiresAt: number }> {
  const held = tokens.get(url);
  if (held && held.expiresAt - Date.now() > Math.max(TOKEN_MARGIN_MS, maxDurationMs)) return held;
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
  } catch (error) {
    throw new VoipError('server-unreachable', `token-url: ${String(error)}`);
  }
  if (!response.ok) throw new VoipError('unauthorized', `token-url answered ${response.status}`);
  const body = (await response.json().catch(() => null)) as {
    token?: unknown;
    expiresAt?: unknown;
  } | null;
  if (typeof body?.token !== 'string' || typeof body.expiresAt !== 'number') {
    throw new VoipError('unauthorized', 'token-url did not answer { token, expiresAt }');
  }
  if (body.expiresAt - Date.now() <= TOKEN_END_MARGIN_MS) {
    throw new VoipError('unauthorized', 'token-url gave a token that has expired');
  }
  const fetched = { token: body.token, expiresAt: body.expiresAt };
  tokens.set(url, fetched);
  const life = fetched.expiresAt - Date.now();
  if (maxDurationMs ? life < maxDurationMs : life < SHORT_TOKEN_MS) {
    // For the site owner: never the token itself.
    console.warn(
      `<voip-call-button> token-url gave a token that expires in ${Math.round(life / 1000)} s` +
        (maxDurationMs ? `, less than max-duration (${maxDurationMs / 1000} s)` : '') +
        ': calls will end before it does (reason "max-duration"). Mint longer tokens.',
    );
  }
  return fetched;
}

/** Where the visitor's device choices are remembered for the site. */
export const DEVICE_STORAGE_KEY = 'voip-call-button.audio-devices';

/** The remembered device choices, if any. */
export function rememberedDevices(): { microphone?: string; speaker?: string } {
  try {
    return JSON.parse(localStorage.getItem(DEVICE_STORAGE_KEY) ?? '{}') as {
      microphone?: string;
      speaker?: string;
    };
  } catch {
    return {}; // storage blocked or unreadable: no memory, no failure
  }
}

/** Remembers a device choice for the site. */
export function rememberDevice(kind: 'microphone' | 'speaker', deviceId: string): void {
  try {
    localStorage.setItem(
      DEVICE_STORAGE_KEY,
      JSON.stringify({ ...rememberedDevices(), [kind]: deviceId }),
    );
  } catch {
    // storage blocked: the choice lasts for this call only
  }
}

/** Default microphone processing: what a phone call wants (echo, noise, gain). */
const DEFAULT_AUDIO: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

/** The microphone constraints with a device: `exact` when chosen now, `ideal` when remembered. */
function withDevice(
  given: MediaTrackConstraints | boolean | undefined,
  deviceId: string | undefined,
  exact: boolean,
): MediaTrackConstraints | boolean {
  const constraints = given ?? DEFAULT_AUDIO;
  if (!deviceId || constraints === false) return constraints;
  const base = constraints === true ? {} : constraints;
  return { ...base, deviceId: exact ? { exact: deviceId } : { ideal: deviceId } };
}

/** How long an unanswered call rings before the element cancels it (`ring-timeout`). */
const DEFAULT_RING_TIMEOUT_MS = 60_000;

/** How long the microphone permission prompt may stay unanswered (`permission-timeout`). */
const DEFAULT_PERMISSION_TIMEOUT_MS = 30_000;

/** How often call quality is sampled while connected. */
const QUALITY_INTERVAL_MS = 3000;

/** Keypad digits a call can send: one or more of 0-9, * and #. */
const DIGITS = /^[0-9*#]{1,32}$/;

/** How a call ended, once everything it opened is released. */
export type CallResult =
  | {
      readonly kind: 'ended';
      readonly reason: EndReason;
      readonly sipCode?: number;
      readonly durationMs: number;
    }
  | { readonly kind: 'error'; readonly code: VoipErrorCode; readonly detail: string };

/** How long to wait for the gateway to confirm a hangup before tearing the session down anyway. */
const HANGUP_CONFIRM_MS = 2000;
/** How long releasing waits for setup steps still in flight (a connect, a permission prompt). */
const SETTLE_MS = 3000;

type Outcome =
  | { kind: 'ended'; reason: EndReason; sipCode?: number }
  | { kind: 'error'; code: VoipErrorCode; detail: string };

/**
 * Places the call for its controller: moves the controller's state machine as the call goes,
 * fires `voip-connected`, and finally `voip-ended` or `voip-error`, once everything is released.
 */
export async function driveCall(
  owner: CallController,
  plan: CallPlan,
  signal: AbortSignal,
): Promise<void> {
  // The in-call panel ships in this chunk: defining it here keeps it off the first load.
  definePanel();
  // max-duration (seconds) is read here, at the start of each call, to keep it off the first load.
  const maxDuration = Number(owner.host.getAttribute('max-duration'));
  if (maxDuration > 0) plan = { ...plan, maxDurationMs: maxDuration * 1000 };
  const ringTimeout = Number(owner.host.getAttribute('ring-timeout'));
  if (ringTimeout > 0) plan = { ...plan, ringTimeoutMs: ringTimeout * 1000 };
  const permissionTimeout = Number(owner.host.getAttribute('permission-timeout'));
  if (permissionTimeout > 0) plan = { ...plan, permissionTimeoutMs: permissionTimeout * 1000 };
  addBuiltInTranslation('en', enCall);
  const host = owner.host;
  const update = () => host.requestUpdate();
  const result = await runCall(plan, {
    signal,
    onInviteSent: () => owner.move('invite-sent'),
    onRinging: () => owner.move('ringing'),
    onAnswered: () => {
      owner.answeredAt = performance.now();
      owner.move('answered');
      host.dispatchEvent(createVoipEvent('voip-connected', {}));
    },
    onInterrupted: (cause) => {
      owner.move('interrupted');
      host.dispatchEvent(createVoipEvent('voip-reconnecting', { cause }));
    },
    onRecovered: (cause, downtimeMs) => {
      owner.move('recovered');
      host.dispatchEvent(createVoipEvent('voip-reconnected', { cause, downtimeMs }));
    },
    onEnding: () => owner.move('end'),
    onMedia: (local, remote) => {
      owner.localStream = local;
      owner.remoteStream = remote;
      update();
    },
    onControls: (controls) => (owner.controls = controls),
    onUpdate: update,
    emit: (event) => host.dispatchEvent(event),
    localize: (key) => owner.localize(key),
  });
  owner.released();
  if (result.kind === 'error') {
    owner.fail(result.code, result.detail);
    return;
  }
  const { kind, reason, ...detail } = result;
  owner.lastOutcome = { kind, reason };
  update();
  host.dispatchEvent(createVoipEvent('voip-ended', { reason, ...detail }));
}

/** Places the call described by `plan`; resolves once it is over and released. Never rejects. */
export async function runCall(plan: CallPlan, hooks: CallHooks): Promise<CallResult> {
  let session: SipSession | undefined;
  let stream: MediaStream | undefined;
  let remote: MediaStream | null = null;
  let released = false;
  let inviteSent = false as boolean; // set from event callbacks, which narrowing cannot see
  let ringing = false;
  let muted = false;
  let held = false;
  let earlyMedia = false;
  let poorQuality = false;
  let qualityTimer: ReturnType<typeof setInterval> | undefined;
  let mediaTimer: ReturnType<typeof setInterval> | undefined;
  /** What is broken while the answered call is reconnecting. */
  let signalingDown = false;
  /** Why and since when the call is reconnecting; undefined while it is not. */
  let reconnecting: { cause: ReconnectCause; since: number } | undefined;
  let stopTone: (() => void) | undefined;
  let answeredAt: number | undefined;
  let endedAt = 0;
  let outcome: Outcome | undefined;
  let endedByUs = false as boolean; // set in settle(), from callbacks
  let settled!: () => void;
  const done = new Promise<void>((resolve) => (settled = resolve));
  const gaveUp = new AbortController();

  const silenceTone = () => {
    stopTone?.();
    stopTone = undefined;
  };
  /** The microphone sends only when neither muted nor on hold. */
  const applyMicrophone = () => {
    for (const track of stream?.getAudioTracks() ?? []) track.enabled = !muted && !held;
  };
  /** Runs an action that needs the answered call; reports a refusal or failure as voip-error. */
  const inCall = async (action: (s: SipSession) => Promise<void>) => {
    try {
      if (answeredAt === undefined || outcome || !session) {
        throw new VoipError('not-in-call', 'the call is not answered');
      }
      if (reconnecting) throw new VoipError('not-in-call', 'the call is reconnecting');
      await action(session);
    } catch (error) {
      const cause = toVoipError(error);
      // A refusal keeps its code; anything else that went wrong mid-call is `action-failed`.
      const e =
        cause.code === 'not-in-call' || cause.code === 'invalid-digits'
          ? cause
          : new VoipError('action-failed', cause.message, { cause });
      console.warn(`<voip-call-button> ${e.code}: ${e.message}`);
      hooks.emit(
        createVoipEvent('voip-error', { code: e.code, message: hooks.localize(`error.${e.code}`) }),
      );
    }
    hooks.onUpdate();
  };
  hooks.onControls({
    get muted() {
      return muted;
    },
    get onHold() {
      return held;
    },
    get poorQuality() {
      return poorQuality;
    },
    mute(on) {
      if (muted === on) return;
      muted = on;
      applyMicrophone();
      hooks.onUpdate();
      hooks.emit(createVoipEvent('voip-mute', { muted: on }));
    },
    hold: (on) =>
      inCall(async (s) => {
        if (held === on) return;
        await s.hold(on);
        held = on;
        applyMicrophone();
        hooks.emit(createVoipEvent('voip-hold', { onHold: on }));
      }),
    useMicrophone: (deviceId) =>
      inCall(async (s) => {
        const next = await navigator.mediaDevices.getUserMedia({
          audio: withDevice(plan.audioConstraints, deviceId, true),
          video: false,
        });
        const track = next.getAudioTracks().at(0);
        if (!track || outcome) {
          stopTracks(next);
          return;
        }
        await s.replaceAudioTrack(track);
        const old = stream;
        stream = next;
        applyMicrophone();
        if (old) stopTracks(old);
        rememberDevice('microphone', deviceId);
        hooks.onMedia(stream, remote);
      }),
    sendDtmf: (digits) =>
      inCall(async (s) => {
        if (!DIGITS.test(digits)) {
          throw new VoipError('invalid-digits', `not keypad digits: ${JSON.stringify(digits)}`);
        }
        await s.sendDtmf(digits, plan.dtmfMode);
        hooks.emit(createVoipEvent('voip-dtmf', { digits }));
      }),
  });

  /** Samples call quality every few seconds once answered: voip-quality, and the warning. */
  const watchQuality = () => {
    let counters: QualityCounters | undefined;
    const recent: number[] = [];
    qualityTimer = setInterval(() => {
      // On hold the far end sends nothing, and a reconnecting call has its own notice.
      if (held || reconnecting) {
        counters = undefined;
        return;
      }
      void session?.getStats().then((report) => {
        const result = report && !outcome ? sampleQuality(report, counters) : undefined;
        if (!result) return;
        counters = result.counters;
        recent.push(result.sample.mos);
        const warn = nextWarning(recent, poorQuality);
        if (warn !== poorQuality) {
          poorQuality = warn;
          hooks.onUpdate();
        }
        hooks.emit(createVoipEvent('voip-quality', { ...result.sample, poor: poorQuality }));
      });
    }, QUALITY_INTERVAL_MS);
  };

  /** Reports the call as reconnecting (once, whatever broke first). */
  const interrupt = (cause: ReconnectCause) => {
    if (reconnecting || outcome) return;
    reconnecting = { cause, since: performance.now() };
    hooks.onInterrupted(cause);
  };
  /** Back to `in-call` once both the gateway connection and the media path are up. */
  const recoverIfWhole = () => {
    if (!reconnecting || signalingDown || media?.down || outcome) return;
    const { cause, since } = reconnecting;
    reconnecting = undefined;
    hooks.onRecovered(cause, Math.round(performance.now() - since));
  };

  let iceState = 'new';
  let media: MediaWatch | undefined;
  let restartInFlight = false;
  /** ICE restart (the gateway renegotiates the media path); never while signalling is down. */
  const restartIce = () => {
    if (restartInFlight || signalingDown || outcome || !session) return;
    restartInFlight = true;
    media?.restarted(performance.now());
    session
      .restartMedia()
      .catch((error: unknown) => console.warn('<voip-call-button> ICE restart failed:', error))
      .finally(() => (restartInFlight = false));
  };
  /** Once answered, samples the media path and acts on what the watchdog says (media-watch.ts). */
  const watchMedia = (answered: number) => {
    const watch = (media = new MediaWatch(answered));
    mediaTimer = setInterval(() => {
      void session?.getStats().then((report) => {
        if (outcome) return;
        switch (watch.next(performance.now(), receivedBytes(report), iceState, held)) {
          case 'broke':
            interrupt('media');
            restartIce();
            break;
          case 'restart':
            restartIce();
            break;
          case 'recovered':
            recoverIfWhole();
            break;
          case 'failed':
            settle({ kind: 'ended', reason: 'media-failed' }, true);
            break;
          case 'none':
            break;
        }
      });
    }, mediaTiming.checkMs);
  };

  /** Records the first outcome; `byUs` when the element ends the call (it sends BYE/CANCEL). */
  const settle = (next: Outcome, byUs = false) => {
    if (outcome) return;
    endedByUs = byUs;
    clearInterval(qualityTimer);
    clearInterval(mediaTimer);
    clearTimeout(limitTimer);
    clearTimeout(ringTimer);
    silenceTone();
    outcome = next;
    endedAt = performance.now();
    gaveUp.abort();
    hooks.onEnding();
    settled();
  };
  const fail = (error: unknown) => {
    const e = toVoipError(error);
    settle(
      inviteSent
        ? { kind: 'ended', reason: 'failed' }
        : { kind: 'error', code: e.code, detail: e.message },
    );
  };

  const onAbort = () =>
    settle(
      { kind: 'ended', reason: answeredAt !== undefined ? 'local-hangup' : 'cancelled' },
      true,
    );
  if (hooks.signal.aborted) onAbort();
  else hooks.signal.addEventListener('abort', onAbort, { once: true });

  const onEvent = (event: SessionEvent) => {
    if (outcome) return;
    switch (event.type) {
      case 'calling':
        if (!inviteSent) {
          inviteSent = true;
          // Nobody answers: give up after ring-timeout, with a CANCEL.
          ringTimer = setTimeout(
            () => settle({ kind: 'ended', reason: 'no-answer' }, true),
            plan.ringTimeoutMs ?? DEFAULT_RING_TIMEOUT_MS,
          );
          hooks.onInviteSent();
        }
        break;
      case 'ringing':
        if (!inviteSent || answeredAt !== undefined) break;
        if (!ringing) {
          ringing = true;
          hooks.onRinging();
        }
        // Early media (183 with SDP) is the far end's own sound: no local tone over it.
        earlyMedia ||= event.earlyMedia === true;
        if (earlyMedia) silenceTone();
        else stopTone ??= startRingback(resolveRingback(plan.ringback, plan.language));
        break;
      case 'accepted':
        if (inviteSent && answeredAt === undefined) {
          clearTimeout(ringTimer);
          silenceTone();
          watchQuality();
          answeredAt = performance.now();
          watchMedia(answeredAt);
          hooks.onAnswered();
        }
        break;
      case 'remote-stream':
        remote = event.stream;
        hooks.onMedia(stream ?? null, remote);
        break;
      case 'hangup':
        if (!inviteSent)
          settle({
            kind: 'error',
            code: 'failed',
            detail: `hangup before INVITE: ${event.sipCode ?? ''}`,
          });
        else if (answeredAt !== undefined)
          settle({
            kind: 'ended',
            // The gateway hung up on its own: when the media path was down, that is why (its
            // "ICE failed" may come before or after this hangup).
            reason: !event.byGateway
              ? 'remote-hangup'
              : !media?.up || media.down
                ? 'media-failed'
                : 'failed',
            ...sip(event.sipCode),
          });
        else
          settle({ kind: 'ended', reason: reasonForSipCode(event.sipCode), ...sip(event.sipCode) });
        break;
      case 'connection-interrupted':
      case 'connection-lost':
        // Only an answered call waits for the gateway to come back: before the answer, the
        // events Janus drops while the connection is down (the answer among them) are lost.
        if (event.type === 'connection-interrupted' && answeredAt !== undefined) {
          signalingDown = true;
          interrupt('signaling');
        } else if (inviteSent) settle({ kind: 'ended', reason: 'connection-lost' });
        else settle({ kind: 'error', code: 'server-unreachable', detail: 'connection lost' });
        break;
      case 'connection-restored':
        signalingDown = false;
        // A media path that broke meanwhile could not be restarted without signalling.
        if (media?.down) restartIce();
        recoverIfWhole();
        break;
      case 'ice-state':
        iceState = event.state;
        break;
      case 'media-failed':
        settle({ kind: 'ended', reason: 'media-failed' });
        break;
    }
  };

  // Both in parallel: the gateway handshake hides behind the permission prompt.
  const opened = navigator.mediaDevices
    .getUserMedia({
      audio: withDevice(plan.audioConstraints, rememberedDevices().microphone, false),
      video: false,
    })
    .then(
      (s) => {
        if (released) stopTracks(s);
        else {
          stream = s;
          applyMicrophone();
          hooks.onMedia(s, remote);
        }
        return s;
      },
      (error: unknown) => {
        throw new VoipError(micErrorCode(error), String(error), { cause: error });
      },
    );
  // A permission prompt nobody answers would keep the call connecting forever: the wait is
  // bounded (a late "allow" then only opens and stops the microphone).
  const permissionMs = plan.permissionTimeoutMs ?? DEFAULT_PERMISSION_TIMEOUT_MS;
  const microphone = withDeadline(
    opened,
    permissionMs,
    () => new VoipError('mic-denied', `microphone prompt not answered within ${permissionMs} ms`),
    gaveUp.signal,
  );
  const displayName = sanitizeDisplayName(plan.displayName);
  let limitTimer: ReturnType<typeof setTimeout> | undefined;
  let ringTimer: ReturnType<typeof setTimeout> | undefined;
  /** The call ends (BYE or CANCEL) at `at` (epoch ms): max-duration, or before its token expires. */
  const limitAt = (at: number) => {
    clearTimeout(limitTimer);
    if (outcome) return; // a token that arrives after the call ended
    limitTimer = setTimeout(
      () => settle({ kind: 'ended', reason: 'max-duration' }, true),
      Math.max(0, at - Date.now()),
    );
  };
  if (plan.maxDurationMs) limitAt(Date.now() + plan.maxDurationMs);
  const connecting = (
    plan.tokenUrl ? fetchToken(plan.tokenUrl, plan.maxDurationMs) : Promise.resolve(undefined)
  )
    .then((held) => {
      if (held) {
        const tokenEnd = held.expiresAt - TOKEN_END_MARGIN_MS;
        if (!plan.maxDurationMs || tokenEnd < Date.now() + plan.maxDurationMs) limitAt(tokenEnd);
      }
      return held?.token;
    })
    .then((token) =>
      (plan.connector ?? janusConnector).connect({
        ...(token ? { token } : {}),
        servers: plan.servers,
        sipDomain: plan.sipDomain,
        iceServers: plan.iceServers,
        ...(displayName ? { displayName } : {}),
        signal: gaveUp.signal,
        onEvent,
      }),
    )
    .then((s) => {
      if (released) void s.close();
      else session = s;
      return s;
    });
  const pending = [microphone, connecting];

  try {
    // A microphone failure is reported first: it is the one the visitor can fix.
    const [mic, s] = await unlessSettled(done, Promise.all([microphone, connecting]), [
      microphone,
      connecting,
    ]);
    await unlessSettled(done, s.call(plan.uri, mic), []);
    await done;
  } catch (error) {
    if (!(error instanceof GaveUp)) fail(error);
  }

  // Release: wait (bounded) for setup steps still in flight, hang up if we ended it, close.
  await withTimeout(Promise.allSettled(pending), SETTLE_MS);
  const final = outcome ?? { kind: 'ended', reason: 'failed' };
  if (session) {
    if (endedByUs && inviteSent) await withTimeout(session.hangup(), HANGUP_CONFIRM_MS);
    await session.close();
  }
  if (stream) stopTracks(stream);
  released = true;
  hooks.signal.removeEventListener('abort', onAbort);
  hooks.onMedia(null, null);
  if (final.kind === 'error') return final;
  return { ...final, durationMs: answeredAt === undefined ? 0 : Math.round(endedAt - answeredAt) };
}

/** Thrown out of setup when the call got an outcome meanwhile. */
class GaveUp extends Error {}

/**
 * Awaits `step`, or throws {@link GaveUp} as soon as `done` settles. For a combined step, the
 * first rejection in `order` wins, so errors are reported in a stable order.
 */
async function unlessSettled<T>(
  done: Promise<void>,
  step: Promise<T>,
  order: Promise<unknown>[],
): Promise<T> {
  step.catch(() => undefined);
  const ordered = step.catch(async (error: unknown) => {
    const results = await Promise.allSettled(order);
    const first = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    throw first ? first.reason : error;
  });
  return Promise.race([ordered, done.then(() => Promise.reject(new GaveUp()))]);
}

/**
 * How a SIP final response (or a Janus SIP plugin error, 9xx) to our INVITE ends an unanswered
 * call.
 */
export function reasonForSipCode(code: number | undefined): EndReason {
  switch (code) {
    case 486:
    case 600:
      return 'busy';
    case 603:
    case 607:
      return 'declined';
    case 404:
    case 604:
      return 'not-found';
    case 410:
    case 480:
      return 'unavailable';
    case 408:
      return 'no-answer';
    case 487:
      return 'cancelled';
    case 500:
    case 502:
    case 503:
    case 504:
      return 'service-unavailable';
    default:
      return 'failed';
  }
}

/** Maps a `getUserMedia` rejection onto an error code. */
export function micErrorCode(error: unknown): VoipErrorCode {
  const name = error instanceof Error ? error.name : ''; // DOMException is an Error
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'mic-denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'no-microphone';
  return 'mic-unavailable';
}

function sip(code: number | undefined): { sipCode?: number } {
  return code === undefined ? {} : { sipCode: code };
}

function toVoipError(error: unknown): VoipError {
  return error instanceof VoipError
    ? error
    : new VoipError('failed', String(error), { cause: error });
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

/**
 * `promise`, or a rejection with `error()` after `ms`. The timer never outlives the race, nor
 * `signal` (the call gave up meanwhile: the outcome is settled elsewhere).
 */
function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  error: () => Error,
  signal: AbortSignal,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => clearTimeout(timer);
  signal.addEventListener('abort', stop, { once: true });
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(error()), ms))),
  ]).finally(() => {
    stop();
    signal.removeEventListener('abort', stop);
  });
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
  ]).finally(() => clearTimeout(timer));
}
