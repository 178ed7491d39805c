/**
 * One call, from the click to the release. Its life follows the state machine of
 * `call-state.ts`, which the controller holds: the call feeds it inputs (`move`) and reads
 * `host.state` instead of keeping flags of its own. It opens the microphone and the gateway
 * session in parallel, dials, follows the gateway's events, and on any outcome releases
 * everything it opened before reporting how the call ended. The timers live in the modules that
 * own them: limits.ts (ring timeout, max duration), recovery.ts (media watchdog, ICE restart),
 * the capabilities (quality sampling), media/ringback.ts (the tone).
 *
 * Every field is set in the constructor, so an outcome can arrive at any instant of set-up (a
 * hang-up before the chunk had loaded, during the permission prompt, ...) and find them ready.
 */
import type {
  CallContext,
  CallHost,
  CallPlan,
  CallResult,
  CallView,
  Capability,
  CapabilityFactory,
  ChatMessage,
  PanelSection,
} from '../call-contract.js';
import type { CallInput, CallState } from '../call-state.js';
import { VoipError, type EndReason, type VoipErrorCode } from '../errors.js';
import { createVoipEvent, type VoipVideoDetail } from '../events.js';
import type { MessageKey } from '../i18n/index.js';
import { janusConnector } from '../janus/index.js';
import { openMicrophone, rememberDevice, stopTracks } from '../media/devices.js';
import { resolveRingback, startRingback } from '../media/ringback.js';
import { reasonForSipCode } from '../sip/codes.js';
import { sanitizeDisplayName } from '../sip/display-name.js';
import { codecOrder } from '../sip/codecs.js';
import type { CallOptions, SessionEvent, SipSession } from '../sip/session.js';
import { rejectAfter, settleWithin, unlessAborted } from '../util/time.js';
import { CallLimits, toMs } from './limits.js';
import { Recovery } from './recovery.js';
import { fetchToken, tokenEnd } from './token.js';

/** How long the microphone permission prompt may stay unanswered (`permission-timeout`). */
const DEFAULT_PERMISSION_TIMEOUT_MS = 30_000;
/** How long to wait for the gateway to confirm a hangup before tearing the session down anyway. */
const HANGUP_CONFIRM_MS = 2000;
/** How long releasing waits for setup steps still in flight (a connect, a permission prompt). */
const SETTLE_MS = 3000;
/**
 * A far end that hangs up this soon after a transfer it asked for failed ends the call with the
 * target's reason (baresip, like many phones, hangs up the transferred call whatever happens).
 */
const TRANSFER_AFTERMATH_MS = 10_000;

type Outcome =
  | { readonly kind: 'ended'; readonly reason: EndReason; readonly sipCode?: number }
  | { readonly kind: 'error'; readonly code: VoipErrorCode; readonly detail: string };

export class Call implements CallView, CallContext {
  localStream: MediaStream | null = null;
  remoteStream: MediaStream | null = null;
  muted = false;
  onHold = false;
  /** The far end holds the call (its re-INVITE made its media sendonly or inactive). */
  remoteHold = false;
  answeredAt: number | undefined;
  session: SipSession | undefined;
  readonly sections: readonly PanelSection[];
  /** The transferor's session while a transfer is followed; its call may still be up. */
  private previous: SipSession | undefined;
  /** Settles the transfer being followed: whether the target answered. */
  private transferred: ((failure: EndReason | undefined) => void) | undefined;
  /** How the last transfer failed, and when: the far end's hang-up soon after ends with it. */
  private transferFailure: { outcome: Outcome; at: number } | undefined;
  /** Whether the transferor's side held the call when its transfer began (restored on return). */
  private remoteHoldBefore = false;
  /** The Janus token the call connected with (a transfer's new session reuses it). */
  private token: string | undefined;
  private readonly capabilities: readonly Capability[];
  private readonly limits: CallLimits;
  private readonly recovery: Recovery;
  /** Aborted once the call has an outcome: set-up steps still in flight stop. */
  private readonly over = new AbortController();
  private outcome: Outcome | undefined;
  /** The state the call was in when it got its outcome. */
  private endedIn: CallState = 'connecting';
  /** Whether the element ended the call (then it sends the BYE or CANCEL). */
  private endedByUs = false;
  private endedAt = 0;
  /** The microphones the call used (device ids; only their number leaves the call). */
  private readonly microphones = new Set<string>();
  private released = false;
  private earlyMedia = false;
  private stopTone: (() => void) | undefined;
  /** The `max-duration` and `permission-timeout` settings, in ms. */
  private readonly maxDurationMs: number | undefined;
  private readonly permissionMs: number;
  private readonly decided: Promise<void>;
  private decide!: () => void;

  constructor(
    readonly plan: CallPlan,
    readonly host: CallHost,
    capabilities: readonly CapabilityFactory[],
  ) {
    this.decided = new Promise((resolve) => (this.decide = resolve));
    this.maxDurationMs = toMs(plan.attribute('max-duration'));
    this.permissionMs = toMs(plan.attribute('permission-timeout')) ?? DEFAULT_PERMISSION_TIMEOUT_MS;
    this.limits = new CallLimits(toMs(plan.attribute('ring-timeout')), (reason) => {
      // A transfer's target that rings too long fails the transfer, not the call.
      if (this.transferred && reason === 'no-answer') this.targetFailed({ kind: 'ended', reason });
      else this.settle({ kind: 'ended', reason }, true);
    });
    this.recovery = new Recovery(this, () =>
      this.settle({ kind: 'ended', reason: 'media-failed' }, true),
    );
    this.capabilities = capabilities.map((make) => make(this));
    this.sections = this.capabilities.flatMap((c) => (c.section ? [c.section] : []));
  }

  get poorQuality(): boolean {
    return this.capabilities.some((c) => c.poorQuality === true);
  }

  /** What the first capability that offers `key` has there (its action, its view state). */
  private find<K extends keyof Capability>(key: K): Capability[K] | undefined {
    return this.capabilities.find((c) => c[key] !== undefined)?.[key];
  }

  get status(): MessageKey | undefined {
    const held =
      this.host.state === 'in-call' &&
      (this.remoteHold ? 'state.remote-hold' : this.onHold && 'state.on-hold');
    return this.find('status') ?? (held || undefined);
  }

  get messages(): readonly ChatMessage[] {
    return this.find('messages') ?? [];
  }

  sendMessage(text: string): Promise<void> {
    return this.find('sendMessage')?.(text) ?? Promise.resolve();
  }

  get video(): VoipVideoDetail {
    return this.find('video') ?? { local: 'off', remote: false };
  }

  /** The video capability's figures for `voip-quality` (none in a voice call). */
  videoFigures(report: RTCStatsReport) {
    return this.find('videoFigures')?.(report);
  }

  camera(on: boolean): Promise<void> {
    return this.find('camera')?.(on) ?? this.videoOff();
  }

  shareScreen(on: boolean): Promise<void> {
    return this.find('shareScreen')?.(on) ?? this.videoOff();
  }

  /** The camera or the screen asked for in a voice-only call (`video` off): refused. */
  private async videoOff(): Promise<void> {
    const refused = new VoipError('invalid-config', 'video is off: set video="optional" or "on"');
    throw (
      (await this.act(() => {
        throw refused;
      })) ?? refused
    );
  }

  /** Places the call; resolves once it is over and everything is released. Never rejects. */
  async run(): Promise<CallResult> {
    const { signal } = this.host;
    // A call being transferred was answered already: hanging up is not cancelling.
    const onAbort = () =>
      this.settle(
        { kind: 'ended', reason: this.answeredAt === undefined ? 'cancelled' : 'local-hangup' },
        true,
      );
    signal.addEventListener('abort', onAbort);
    if (signal.aborted) onAbort();
    const pending = this.outcome ? [] : this.setUp();
    await this.decided;
    signal.removeEventListener('abort', onAbort);
    return this.release(pending);
  }

  /** Feeds the state machine and tells the capabilities. */
  move(input: CallInput): void {
    this.host.move(input);
    for (const c of this.capabilities) c.onState?.(this.host.state);
  }

  mute(on: boolean): void {
    if (this.muted === on) return;
    this.muted = on;
    this.applyMicrophone();
    this.host.update();
    this.host.emit(createVoipEvent('voip-mute', { muted: on }));
  }

  async hold(on: boolean): Promise<void> {
    await this.act(async (session) => {
      if (this.onHold === on) return;
      await session.hold(on);
      this.onHold = on;
      this.applyMicrophone();
      for (const c of this.capabilities) c.onHold?.(on);
      this.host.emit(createVoipEvent('voip-hold', { onHold: on, by: 'local' }));
    });
  }

  sendDtmf(digits: string): Promise<void> {
    return this.find('sendDtmf')?.(digits) ?? Promise.resolve();
  }

  async useMicrophone(deviceId: string): Promise<void> {
    await this.act(async (session) => {
      const next = await openMicrophone(this.plan.audioConstraints, deviceId);
      const track = next.getAudioTracks().at(0);
      if (!track || this.outcome) {
        stopTracks(next);
        return;
      }
      await session.replaceAudioTrack(track).catch((error: unknown) => {
        stopTracks(next); // the gateway kept the old microphone
        throw error;
      });
      if (this.released) {
        stopTracks(next);
        return;
      }
      const old = this.localStream;
      this.localStream = next;
      this.applyMicrophone();
      if (old) stopTracks(old);
      this.microphones.add(deviceId);
      rememberDevice('microphone', deviceId);
    });
  }

  async act(action: (session: SipSession) => Promise<void>): Promise<VoipError | undefined> {
    let failure: VoipError | undefined;
    try {
      const state = this.host.state;
      if (this.outcome || state !== 'in-call' || !this.session) {
        throw new VoipError('not-in-call', state); // the state it is in
      }
      await action(this.session);
    } catch (error) {
      const cause = toVoipError(error);
      // An action cut short by the end of the call is no error of its own.
      if (this.outcome && cause.code !== 'not-in-call') return;
      // A refusal (or a camera or screen failure) keeps its code; anything else that went wrong
      // mid-call is `action-failed`.
      const refusal = /^(not-in-call|invalid|camera|no-camera|screen)/.test(cause.code);
      failure = refusal ? cause : new VoipError('action-failed', cause.message, { cause });
      this.host.refused(failure.code, failure.message);
    }
    this.host.update();
    return failure;
  }

  private get answered(): boolean {
    const state = this.host.state;
    return state === 'in-call' || state === 'reconnecting';
  }

  /** Starts the microphone and the gateway connection, then dials; returns what is in flight. */
  private setUp(): Promise<unknown>[] {
    const { plan } = this;
    if (this.maxDurationMs) this.limits.endBy(Date.now() + this.maxDurationMs);
    // Both in parallel: the gateway handshake hides behind the permission prompt.
    const opened = openMicrophone(plan.audioConstraints).then((stream) => {
      if (this.released) stopTracks(stream);
      else {
        this.localStream = stream;
        this.microphones.add(stream.getAudioTracks().at(0)?.getSettings().deviceId ?? '');
        this.applyMicrophone();
        this.host.update();
      }
      return stream;
    });
    // A prompt nobody answers would keep the call connecting forever: the wait is bounded (a
    // late "allow" then only opens and stops the microphone).
    const permissionMs = this.permissionMs;
    const microphone = rejectAfter(
      opened,
      permissionMs,
      () => new VoipError('mic-denied', `microphone prompt not answered within ${permissionMs} ms`),
      this.over.signal,
    );
    const connecting = this.connect();
    void this.dial(microphone, connecting);
    return [microphone, connecting];
  }

  /** Fetches a token if the page has a token URL, then opens the gateway session. */
  private async connect(): Promise<SipSession> {
    const { plan } = this;
    if (plan.tokenUrl) {
      const held = await fetchToken(plan.tokenUrl, this.maxDurationMs, this.over.signal);
      this.limits.endBy(tokenEnd(held));
      this.token = held.token;
    }
    const session = await this.open();
    if (!this.released) this.session = session;
    return session;
  }

  /**
   * Opens a gateway session. Its events reach `onEvent` while it is the call's session (or
   * before it is known); the transferor's session, once replaced, is only watched for its end.
   */
  private async open(): Promise<SipSession> {
    const { plan, token } = this;
    const displayName = sanitizeDisplayName(plan.displayName);
    // Set once connected: the events that come before are the call's own.
    const opened: { session?: SipSession } = {};
    const session = await (plan.connector ?? janusConnector).connect({
      ...(token ? { token } : {}),
      servers: plan.servers,
      sipDomain: plan.sipDomain,
      iceServers: plan.iceServers,
      ...(displayName ? { displayName } : {}),
      // With `preconnect`, the session stays ready for a call back (see docs/reference.md).
      keep: plan.attribute('preconnect') !== null,
      signal: this.over.signal,
      onEvent: (event) => {
        const from = opened.session;
        if (!from || from === this.session) this.onEvent(event);
        else if (from === this.previous && !this.outcome) {
          if (/hangup|lost/.test(event.type)) this.leftBy(from);
          // The transferor asks for another transfer meanwhile: declined, as one is followed.
          else if (event.type === 'transfer')
            void from.declineTransfer(event.referId).catch(() => 0);
        }
      },
    });
    opened.session = session;
    if (this.released) void session.close();
    return session;
  }

  /**
   * Follows a transfer: the same microphone, a new gateway session dialling the target with the
   * transfer's id (the gateway tells the transferor how it goes). See `CallContext.follow`.
   */
  async follow(uri: string, referId: number): Promise<EndReason | undefined> {
    const stream = this.localStream;
    if (this.outcome || this.host.state !== 'in-call' || !stream) return 'failed';
    const done = new Promise<EndReason | undefined>((resolve) => (this.transferred = resolve));
    // The new call starts afresh: not held by its far end, no early media, no failure to recall.
    const held = this.remoteHold;
    this.remoteHoldBefore = held;
    if (held) this.heldByRemote(false);
    this.earlyMedia = false;
    this.transferFailure = undefined;
    // From now on the transferor's session is only watched for its end (an earlier transferor
    // still hanging up is let go).
    void this.previous?.close();
    this.previous = this.session;
    this.session = undefined;
    this.recovery.pause(); // no media is expected until the target answers
    this.move('transfer');
    try {
      const session = (this.session = await this.open());
      if (this.over.signal.aborted) return 'failed'; // the call ended meanwhile
      this.limits.ringing();
      await session.call(uri, stream, { referId });
    } catch (error) {
      console.warn('<voip-call-button> transfer not followed:', error);
      this.targetFailed({ kind: 'ended', reason: 'failed' });
    }
    return done;
  }

  /** The transfer's target did not answer: back to the transferor's call, or end with why. */
  private targetFailed(outcome: Outcome): void {
    const target = this.session;
    this.transferred?.(outcome.kind === 'ended' ? outcome.reason : 'failed');
    this.transferred = undefined;
    if (this.outcome) return; // the visitor hung up meanwhile: release() closes both sessions
    if (!this.previous) {
      this.settle(outcome); // the transferor hung up already: the call ends with the target's reason
      return;
    }
    // The transferor's call is still up: the visitor is back on it.
    this.transferFailure = { outcome, at: performance.now() };
    this.session = this.previous;
    this.previous = undefined;
    if (this.remoteHoldBefore) this.heldByRemote(true);
    this.silenceTone();
    this.limits.answered();
    this.recovery.start(performance.now());
    void target?.close();
    this.move('answered');
  }

  /** The far end holds the call or resumed it: the status line and `voip-hold`. */
  private heldByRemote(onHold: boolean): void {
    this.remoteHold = onHold;
    this.host.update();
    this.host.emit(createVoipEvent('voip-hold', { onHold, by: 'remote' }));
  }

  /** The transferor's call ended while its transfer was followed (as asked): release it. */
  private leftBy(session: SipSession): void {
    this.previous = undefined;
    void session.close();
  }

  private async dial(microphone: Promise<MediaStream>, connecting: Promise<SipSession>) {
    try {
      // A microphone failure is reported first: it is the one the visitor can fix.
      const both = Promise.all([microphone, connecting]);
      const [stream, session] = await unlessAborted(
        both,
        [microphone, connecting],
        this.over.signal,
      );
      // What the capabilities add to the INVITE (headers, the camera); none rejects.
      const options = await unlessAborted(
        Promise.all(this.capabilities.map(async (c) => c.callOptions)),
        [],
        this.over.signal,
      );
      await unlessAborted(
        session.call(
          this.plan.uri,
          stream,
          options.reduce<CallOptions>((all, more) => ({ ...all, ...more }), {
            codecs: codecOrder(this.plan.attribute('codecs')),
          }),
        ),
        [],
        this.over.signal,
      );
    } catch (error) {
      // A call that already has an outcome keeps it (settle() takes the first one only).
      const e = toVoipError(error);
      this.settle(
        this.host.state === 'connecting'
          ? { kind: 'error', code: e.code, detail: e.message }
          : { kind: 'ended', reason: 'failed' },
      );
    }
  }

  private onEvent(event: SessionEvent): void {
    if (this.outcome || this.capabilities.some((c) => c.onEvent?.(event))) return;
    const state = this.host.state;
    switch (event.type) {
      case 'calling':
        if (state !== 'connecting') break;
        this.limits.ringing();
        this.move('invite-sent');
        break;
      case 'ringing':
        if (state !== 'calling' && state !== 'ringing') break;
        if (state === 'calling') this.move('ringing');
        if (this.host.state === 'ending') break; // a voip-state-change listener hung up
        // Early media (183 with SDP) is the far end's own sound: no local tone over it.
        this.earlyMedia ||= event.earlyMedia === true;
        if (this.earlyMedia) this.silenceTone();
        else
          this.stopTone ??= startRingback(resolveRingback(this.plan.ringback, this.plan.language));
        break;
      case 'accepted':
        if (state !== 'calling' && state !== 'ringing') break;
        this.limits.answered();
        this.silenceTone();
        // A transferred call counts from the first answer.
        this.answeredAt ??= performance.now();
        this.recovery.start(performance.now());
        this.move('answered');
        if (this.previous) {
          // The transfer's target answered: the transferor's call is done with.
          void this.previous.hangup().then(() => this.previous?.close());
        }
        this.transferred?.(undefined);
        this.transferred = undefined;
        if (this.host.state === 'in-call') this.host.emit(createVoipEvent('voip-connected', {}));
        break;
      case 'remote-hold':
        this.heldByRemote(event.onHold);
        break;
      case 'remote-stream':
        this.remoteStream = event.stream;
        this.host.update();
        break;
      case 'hangup':
        if (this.transferred) this.targetFailed(this.hangupOutcome(event));
        else this.settle(this.hangupOutcome(event));
        break;
      case 'connection-interrupted':
      case 'connection-lost':
        // Only an answered call waits for the gateway to come back: before the answer, the
        // events Janus drops while the connection is down (the answer among them) are lost.
        if (event.type === 'connection-interrupted' && this.answered) {
          this.recovery.signalingLost();
        } else if (state !== 'connecting') {
          this.settle({ kind: 'ended', reason: 'connection-lost' });
        } else {
          this.settle({ kind: 'error', code: 'server-unreachable', detail: 'connection lost' });
        }
        break;
      case 'connection-restored':
        this.recovery.signalingRestored();
        break;
      case 'ice-state':
        this.recovery.iceState = event.state;
        break;
      case 'media-failed':
        this.settle({ kind: 'ended', reason: 'media-failed' });
        break;
    }
  }

  /** How a hangup from the gateway ends the call, given where the call is. */
  private hangupOutcome(event: Extract<SessionEvent, { type: 'hangup' }>): Outcome {
    const sip = event.sipCode === undefined ? {} : { sipCode: event.sipCode };
    if (this.host.state === 'connecting') {
      return {
        kind: 'error',
        code: 'failed',
        detail: `hangup before INVITE: ${event.sipCode ?? ''}`,
      };
    }
    if (!this.answered) return { kind: 'ended', reason: reasonForSipCode(event.sipCode), ...sip };
    const failure = this.transferFailure;
    if (!event.byGateway && failure && performance.now() - failure.at < TRANSFER_AFTERMATH_MS) {
      return failure.outcome;
    }
    // The gateway hung up on its own: when the media path was down, that is why (its "ICE
    // failed" may come before or after this hangup).
    const reason = !event.byGateway
      ? 'remote-hangup'
      : this.recovery.mediaBroken
        ? 'media-failed'
        : 'failed';
    return { kind: 'ended', reason, ...sip };
  }

  /** Records the first outcome; `byUs` when the element ends the call (it sends BYE/CANCEL). */
  private settle(outcome: Outcome, byUs = false): void {
    if (this.outcome) return;
    this.outcome = outcome;
    this.endedByUs = byUs;
    this.endedIn = this.host.state;
    this.endedAt = performance.now();
    this.limits.clear();
    this.recovery.stop();
    for (const c of this.capabilities) c.stop();
    this.silenceTone();
    this.over.abort();
    this.move('end');
    this.decide();
  }

  /** Waits (bounded) for set-up steps in flight, hangs up if the element ended it, closes. */
  private async release(pending: readonly Promise<unknown>[]): Promise<CallResult> {
    await settleWithin(Promise.allSettled(pending), SETTLE_MS);
    this.released = true;
    this.silenceTone(); // a tone started by an event handled during the hang-up
    // A transfer still followed ends with the call (the visitor hung up, most likely).
    this.transferred?.(this.outcome?.kind === 'ended' ? this.outcome.reason : 'failed');
    for (const session of [this.session, this.previous]) {
      if (!session) continue;
      if (this.endedByUs && this.endedIn !== 'connecting') {
        await settleWithin(session.hangup(), HANGUP_CONFIRM_MS);
      }
      await session.close();
    }
    if (this.localStream) stopTracks(this.localStream);
    this.localStream = this.remoteStream = null;
    this.host.update();
    const outcome = this.outcome ?? { kind: 'ended', reason: 'failed' };
    if (outcome.kind === 'error') return outcome;
    const durationMs =
      this.answeredAt === undefined ? 0 : Math.round(this.endedAt - this.answeredAt);
    const figures = this.answeredAt === undefined ? undefined : this.find('figures')?.();
    if (figures) {
      const { reason, sipCode } = outcome;
      // After `voip-ended`, which the element fires as soon as this resolves.
      setTimeout(() =>
        this.host.emit(
          createVoipEvent('voip-call-summary', {
            reason,
            ...(sipCode === undefined ? {} : { sipCode }),
            durationMs,
            ...figures,
            microphones: this.microphones.size,
          }),
        ),
      );
    }
    return { ...outcome, durationMs, messages: this.messages.length };
  }

  /** The microphone sends only when neither muted nor on hold. */
  private applyMicrophone(): void {
    for (const track of this.localStream?.getAudioTracks() ?? []) {
      track.enabled = !this.muted && !this.onHold;
    }
  }

  private silenceTone(): void {
    this.stopTone?.();
    this.stopTone = undefined;
  }
}

function toVoipError(error: unknown): VoipError {
  return error instanceof VoipError
    ? error
    : new VoipError('failed', String(error), { cause: error });
}
