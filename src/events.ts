/**
 * Every `voip-*` event the element fires, with its detail type. All are `CustomEvent`s that bubble
 * and are composed, so a page can listen on the element or on any ancestor, across shadow roots.
 */
import type { CallState } from './call-state.js';
import type { CallbackRequest } from './callback/request.js';
import type { EndReason, VoipErrorCode } from './errors.js';

/** What a call is for: the `number` (`call`), or leaving a message at the `voicemail` box. */
export type CallPurpose = 'call' | 'voicemail';

/** Detail of `voip-state-change`: fired on every state change. */
export interface VoipStateChangeDetail {
  readonly state: CallState;
  readonly previous: CallState;
  /** What the call is for (a call to the voicemail box has the same states). */
  readonly purpose: CallPurpose;
}

/**
 * Detail of `voip-hours`: whether the business is open now by its `hours` (always open without
 * them), fired once they are first evaluated and at each change.
 */
export interface VoipHoursDetail {
  readonly open: boolean;
  /** When it next opens or closes, epoch milliseconds; `null` when that never changes. */
  readonly nextChange: number | null;
}

/** Detail of `voip-connected`: the callee answered. Empty for now; fields may be added. */
export type VoipConnectedDetail = Record<string, never>;

/**
 * Detail of `voip-ended`: how a started call ended (after the INVITE, or cancelled by the
 * visitor). Every accepted `call()` ends with exactly one `voip-ended` or one `voip-error`.
 */
export interface VoipEndedDetail {
  /** How the call ended. */
  readonly reason: EndReason;
  /** The SIP status that ended it, where there was one (486, 404, ...). */
  readonly sipCode?: number;
  /** Time from the answer to the end; 0 when the call was never answered. */
  readonly durationMs: number;
  /** How many text messages the conversation held (sent and received). */
  readonly messages: number;
}

/**
 * Detail of `voip-call-summary`, fired after `voip-ended` for every answered call: the figures a
 * support team needs to tell how it went, with nothing personal (no number, name, text, device
 * name or address). Averages are over the quality samples (`voip-quality`, every 3 s): a call
 * shorter than one sample has none, and those fields are absent.
 */
export interface VoipCallSummaryDetail {
  /** How the call ended, as in `voip-ended`. */
  readonly reason: EndReason;
  readonly sipCode?: number;
  /** Time from the answer to the end. */
  readonly durationMs: number;
  /** The voice codec and its sample rate, as last seen in the statistics. */
  readonly codec?: string;
  readonly sampleRateHz?: number;
  /** How many quality samples the figures below come from. */
  readonly samples: number;
  /** The estimated MOS: mean and worst sample. */
  readonly mos?: { readonly mean: number; readonly worst: number };
  /** Means over the samples: packet loss (%), jitter and round-trip time (ms). */
  readonly lossPct?: number;
  readonly jitterMs?: number;
  readonly rttMs?: number;
  /** How often the call went to `reconnecting`, and how long it spent there in all (ms). */
  readonly reconnects: number;
  readonly reconnectingMs: number;
  /** How many microphones the call used (1, more when the visitor switched). */
  readonly microphones: number;
}

/**
 * A problem the visitor ticked in the rating form (`feedback`): they could not hear the far end,
 * the far end could not hear them, the audio was choppy, there was an echo, the call dropped.
 */
export type FeedbackProblem =
  'could-not-hear' | 'could-not-be-heard' | 'choppy-audio' | 'echo' | 'dropped-call';

/**
 * Detail of `voip-feedback`: the visitor's rating of an answered call, sent from the form that
 * the `feedback` attribute shows after it.
 */
export interface VoipFeedbackDetail {
  /** 1 (bad) to 5 (excellent). */
  readonly rating: 1 | 2 | 3 | 4 | 5;
  /** What went wrong, in the form's order; always empty for a rating of 4 or 5. */
  readonly problems: readonly FeedbackProblem[];
  /** The call's `voip-call-summary` detail, as it was fired. */
  readonly summary: VoipCallSummaryDetail;
}

/** A step of the pre-call check, in the order it runs. */
export type PreflightCheckName = 'microphone' | 'speaker' | 'gateway' | 'media';

/** How a step of the pre-call check went (`skipped`: not run, or not answered; it counts as neither). */
export type PreflightStatus = 'ok' | 'warning' | 'failed' | 'skipped';

/**
 * One step of the pre-call check. `detail` is a stable code: microphone `ok`, `silent` (nothing
 * heard), `denied`, `not-found`, `unavailable`; speaker `heard`, `not-heard`, `no-answer`;
 * gateway `ok`, `some-unreachable`, `unreachable`, `token-failed`, `unauthorized`; media `ok`,
 * `poor`, `no-relay`, `no-echo`, `not-allowed`, `not-run`. The figures come with the steps that
 * measure them.
 */
export interface PreflightCheck {
  readonly name: PreflightCheckName;
  readonly status: PreflightStatus;
  readonly detail: string;
  /** Microphone and speaker: the device in use, as the browser names it (empty when it does not). */
  readonly device?: string;
  /** Microphone: the loudest level heard, 0 to 1. */
  readonly level?: number;
  /** Gateway: each `server` and the time to its answer (ms; absent when it did not answer). */
  readonly servers?: ReadonlyArray<{ readonly url: string; readonly ms?: number }>;
  /** Gateway: the time the `token-url` took (ms), when there is one. */
  readonly tokenMs?: number;
  /** Media: means over the echo (ms, %, ms), the MOS they give, as for `voip-quality`. */
  readonly rttMs?: number;
  readonly lossPct?: number;
  readonly jitterMs?: number;
  readonly mos?: number;
  /** Media, with `iceServers` set: whether a relay (TURN) candidate was gathered. */
  readonly relay?: boolean;
}

/**
 * Detail of `voip-preflight`, the result of the pre-call check (`preflight()`): `failed` when a
 * step failed (a call would not work as it is), `warning` when one had a problem, else `ok`.
 */
export interface VoipPreflightDetail {
  readonly verdict: 'ok' | 'warning' | 'failed';
  readonly checks: readonly PreflightCheck[];
  /** The MOS estimated from the media step, when it ran. */
  readonly mos?: number;
}

/**
 * Detail of `voip-error`: why a call could not start (misconfiguration, microphone, gateway), or
 * why an in-call action was refused or failed (`not-in-call`, `invalid-digits`,
 * `action-failed`; those do not end the call).
 */
export interface VoipErrorDetail {
  /** A stable code to branch on. */
  readonly code: VoipErrorCode;
  /** The localized message shown to the visitor. */
  readonly message: string;
  /** For `invalid-config` found at the first render: the attribute at fault (`hours` ...). */
  readonly attribute?: string;
}

/**
 * What broke in an answered call: `signaling`, the connection to the gateway (the call's audio
 * may still flow); `media`, the audio path itself.
 */
export type ReconnectCause = 'signaling' | 'media';

/** Detail of `voip-reconnecting`: the call is being recovered (state `reconnecting`). */
export interface VoipReconnectingDetail {
  readonly cause: ReconnectCause;
}

/** Detail of `voip-reconnected`: the call recovered (back to `in-call`). */
export interface VoipReconnectedDetail {
  readonly cause: ReconnectCause;
  /** How long the call was reconnecting, ms. */
  readonly downtimeMs: number;
}

/** Detail of `voip-mute`: the microphone was muted or unmuted. */
export interface VoipMuteDetail {
  readonly muted: boolean;
}

/**
 * Detail of `voip-hold`: the call was put on hold or resumed, by the visitor (`local`: the far
 * end confirmed) or by the far end (`remote`: its re-INVITE made its media sendonly/inactive).
 */
export interface VoipHoldDetail {
  readonly onHold: boolean;
  readonly by: 'local' | 'remote';
}

/** Detail of `voip-message`: a text message was sent (`out`) or received (`in`). */
export interface VoipMessageDetail {
  /** Unique within the element's life; `voip-message-status` refers to it. */
  readonly id: string;
  readonly direction: 'in' | 'out';
  /** The text as sent or received (an incoming text over 2,000 characters is cut). */
  readonly text: string;
  /** When it was sent or received, epoch milliseconds. */
  readonly at: number;
}

/** Detail of `voip-message-status`: the far end's answer to an outgoing message. */
export interface VoipMessageStatusDetail {
  readonly id: string;
  readonly status: 'delivered' | 'failed';
  /** The far end's SIP status, when it answered (a failure without one timed out or was not sent). */
  readonly sipCode?: number;
}

/**
 * Detail of `voip-transfer`: the far end transferred the call. `following` when the element
 * dials the target, then `connected` or `failed`; `declined` when it refused to follow.
 */
export interface VoipTransferDetail {
  /** The target as the far end gave it (its Refer-To URI). */
  readonly target: string;
  readonly outcome: 'following' | 'connected' | 'failed' | 'declined';
}

/** Detail of `voip-dtmf`: keypad tones were sent. */
export interface VoipDtmfDetail {
  readonly digits: string;
}

/**
 * Detail of `voip-video`: what video the call carries now. `local`: what the visitor sends
 * (`camera`, `screen`, or `off`); `remote`: whether the far end's video is showing.
 */
export interface VoipVideoDetail {
  readonly local: 'off' | 'camera' | 'screen';
  readonly remote: boolean;
}

/** Video figures of one direction of a call, from WebRTC statistics. */
export interface VideoFigures {
  /** Frames per second. */
  readonly fps: number;
  readonly width: number;
  readonly height: number;
}

/** Detail of `voip-quality`: a call-quality sample, every few seconds while connected. */
export interface VoipQualityDetail {
  /** Estimated mean opinion score, 1.0 (bad) to 4.5 (best). */
  readonly mos: number;
  readonly rttMs: number;
  readonly jitterMs: number;
  readonly lossPct: number;
  /** Whether the "poor connection" warning is showing. */
  readonly poor: boolean;
  /** The voice codec in use (`opus`, `g722`, `pcmu`, `pcma`...), when the browser tells. */
  readonly codec?: string;
  /** Its audio sample rate, Hz: 48,000 for Opus, 16,000 for G.722, 8,000 for G.711. */
  readonly sampleRateHz?: number;
  /** The video that flows in each direction, when the call has video (`video` attribute). */
  readonly video?: { readonly sent?: VideoFigures; readonly received?: VideoFigures };
}

/**
 * Detail of `voip-callback-request`: the visitor asked to be called back; the detail is the exact
 * body the form is about to POST to `callback-url`. Cancelable: a page that calls
 * `preventDefault()` handles the request itself and nothing is sent.
 */
export type VoipCallbackRequestDetail = CallbackRequest;

/**
 * Detail of `voip-callback-sent`: a callback request is done, either handled by the page
 * (`voip-callback-request` was cancelled) or accepted by the server (a 2xx answer).
 */
export interface VoipCallbackSentDetail {
  /** The request's id (its idempotency key). */
  readonly id: string;
  readonly handledBy: 'page' | 'server';
}

/** Event name → event type, for every event of the element. */
export interface VoipEventMap {
  'voip-reconnecting': CustomEvent<VoipReconnectingDetail>;
  'voip-reconnected': CustomEvent<VoipReconnectedDetail>;
  'voip-quality': CustomEvent<VoipQualityDetail>;
  'voip-mute': CustomEvent<VoipMuteDetail>;
  'voip-hold': CustomEvent<VoipHoldDetail>;
  'voip-dtmf': CustomEvent<VoipDtmfDetail>;
  'voip-message': CustomEvent<VoipMessageDetail>;
  'voip-message-status': CustomEvent<VoipMessageStatusDetail>;
  'voip-transfer': CustomEvent<VoipTransferDetail>;
  'voip-video': CustomEvent<VoipVideoDetail>;
  'voip-state-change': CustomEvent<VoipStateChangeDetail>;
  'voip-hours': CustomEvent<VoipHoursDetail>;
  'voip-connected': CustomEvent<VoipConnectedDetail>;
  'voip-ended': CustomEvent<VoipEndedDetail>;
  'voip-call-summary': CustomEvent<VoipCallSummaryDetail>;
  'voip-feedback': CustomEvent<VoipFeedbackDetail>;
  'voip-preflight': CustomEvent<VoipPreflightDetail>;
  'voip-error': CustomEvent<VoipErrorDetail>;
  'voip-callback-request': CustomEvent<VoipCallbackRequestDetail>;
  'voip-callback-sent': CustomEvent<VoipCallbackSentDetail>;
}

/** The name of a `voip-*` event. */
export type VoipEventName = keyof VoipEventMap;

/** The detail type of a `voip-*` event. */
export type VoipEventDetail<K extends VoipEventName> =
  VoipEventMap[K] extends CustomEvent<infer D> ? D : never;

/** Creates a bubbling, composed `voip-*` event. */
export function createVoipEvent<K extends VoipEventName>(
  name: K,
  detail: VoipEventDetail<K>,
): VoipEventMap[K] {
  return new CustomEvent(name, { bubbles: true, composed: true, detail }) as VoipEventMap[K];
}

declare global {
  // Typed listeners: el.addEventListener('voip-ended', (e) => e.detail.reason)
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface GlobalEventHandlersEventMap extends VoipEventMap {}
}
