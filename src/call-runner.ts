/**
 * Carries out one call: opens the microphone and the gateway session, dials, follows the call,
 * and releases everything before reporting how it ended. It holds no state between calls and
 * knows nothing of the element: the controller gives it a plan and hooks, and moves the state
 * machine when the hooks fire. Loaded with `import()` on the first call, together with the Janus
 * adapter and the English text of call outcomes, so a page that only shows the button never
 * downloads any of them.
 */
import { VoipError, type EndReason, type VoipErrorCode } from './errors.js';
import { janusConnector } from './janus/janus-session.js';

export { enOutcomes } from './i18n/en-outcomes.js';
import { sanitizeDisplayName } from './sip/display-name.js';
import type { SessionEvent, SipConnector, SipSession } from './sip/session.js';

/** What to call, validated by the controller. */
export interface CallPlan {
  readonly uri: string;
  readonly servers: readonly string[];
  readonly sipDomain: string;
  /** As the page gave it; made safe for a SIP header here. */
  readonly displayName?: string;
  readonly audioConstraints: MediaTrackConstraints | boolean;
  readonly iceServers: readonly RTCIceServer[];
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
  /** The call has an outcome; releasing starts now. */
  readonly onEnding: () => void;
  /** The local or remote media changed (null once released). */
  readonly onMedia: (local: MediaStream | null, remote: MediaStream | null) => void;
}

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

/** Places the call described by `plan`; resolves once it is over and released. Never rejects. */
export async function runCall(plan: CallPlan, hooks: CallHooks): Promise<CallResult> {
  let session: SipSession | undefined;
  let stream: MediaStream | undefined;
  let remote: MediaStream | null = null;
  let released = false;
  let inviteSent = false as boolean; // set from event callbacks, which narrowing cannot see
  let ringing = false;
  let answeredAt: number | undefined;
  let endedAt = 0;
  let outcome: Outcome | undefined;
  let settled!: () => void;
  const done = new Promise<void>((resolve) => (settled = resolve));
  const gaveUp = new AbortController();

  const settle = (next: Outcome) => {
    if (outcome) return;
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
    settle({ kind: 'ended', reason: answeredAt !== undefined ? 'local-hangup' : 'cancelled' });
  if (hooks.signal.aborted) onAbort();
  else hooks.signal.addEventListener('abort', onAbort, { once: true });

  const onEvent = (event: SessionEvent) => {
    if (outcome) return;
    switch (event.type) {
      case 'calling':
        if (!inviteSent) {
          inviteSent = true;
          hooks.onInviteSent();
        }
        break;
      case 'ringing':
        if (inviteSent && !ringing && answeredAt === undefined) {
          ringing = true;
          hooks.onRinging();
        }
        break;
      case 'accepted':
        if (inviteSent && answeredAt === undefined) {
          answeredAt = performance.now();
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
          settle({ kind: 'ended', reason: 'remote-hangup', ...sip(event.sipCode) });
        else
          settle({ kind: 'ended', reason: reasonForSipCode(event.sipCode), ...sip(event.sipCode) });
        break;
      case 'connection-lost':
        if (inviteSent) settle({ kind: 'ended', reason: 'connection-lost' });
        else settle({ kind: 'error', code: 'server-unreachable', detail: 'connection lost' });
        break;
    }
  };

  // Both in parallel: the gateway handshake hides behind the permission prompt.
  const microphone = navigator.mediaDevices
    .getUserMedia({ audio: plan.audioConstraints, video: false })
    .then(
      (s) => {
        if (released) stopTracks(s);
        else {
          stream = s;
          hooks.onMedia(s, remote);
        }
        return s;
      },
      (error: unknown) => {
        throw new VoipError(micErrorCode(error), String(error), { cause: error });
      },
    );
  const displayName = sanitizeDisplayName(plan.displayName);
  const connecting = (plan.connector ?? janusConnector)
    .connect({
      servers: plan.servers,
      sipDomain: plan.sipDomain,
      iceServers: plan.iceServers,
      ...(displayName ? { displayName } : {}),
      signal: gaveUp.signal,
      onEvent,
    })
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
    const weEnded =
      final.kind === 'ended' && (final.reason === 'local-hangup' || final.reason === 'cancelled');
    if (weEnded && inviteSent) await withTimeout(session.hangup(), HANGUP_CONFIRM_MS);
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

function withTimeout(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
  ]).finally(() => clearTimeout(timer));
}
