/**
 * The failure vocabulary, in one place: the codes of `voip-error` (a call that could not start)
 * and the reasons of `voip-ended` (how a started call ended), each with the translation key of
 * the message a visitor sees. Messages never come from the network.
 */

/**
 * Codes carried by `voip-error`: why a call could not start, or (from `invalid-digits` on) why
 * an in-call action (hold, tones, a device switch, a text message, the camera, screen sharing)
 * was refused or failed; those do not end the call.
 */
export const ERROR_CODES = [
  'invalid-number',
  'invalid-config',
  'insecure-context',
  'unsupported-browser',
  'load-failed',
  'server-unreachable',
  'server-error',
  'unauthorized',
  'mic-denied',
  'no-microphone',
  'mic-unavailable',
  'failed',
  'closed',
  'invalid-digits',
  'not-in-call',
  'action-failed',
  'invalid-message',
  'rate-limited',
  'message-failed',
  'camera-denied',
  'no-camera',
  'camera-unavailable',
  'screen-denied',
] as const;

/** A code carried by `voip-error`. */
export type VoipErrorCode = (typeof ERROR_CODES)[number];

/** Reasons carried by `voip-ended`: how a call that was started ended. */
export const END_REASONS = [
  'local-hangup',
  'remote-hangup',
  'busy',
  'declined',
  'not-found',
  'unavailable',
  'no-answer',
  'cancelled',
  'service-unavailable',
  'connection-lost',
  'media-failed',
  'max-duration',
  'failed',
] as const;

/** A reason carried by `voip-ended`. */
export type EndReason = (typeof END_REASONS)[number];

/** The one error type of the SDK: a stable code, an optional SIP status, and the cause. */
export class VoipError extends Error {
  constructor(
    readonly code: VoipErrorCode,
    /** For developers only (console, logs); visitors see the translated message for `code`. */
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ?? code, options);
    this.name = 'VoipError';
  }
}

/** Whether `value` is a {@link VoipError}. */
export function isVoipError(value: unknown): value is VoipError {
  return value instanceof VoipError;
}
