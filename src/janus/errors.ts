/** How Janus's failures become the SDK's error codes. */
import { VoipError } from '../errors.js';
import { rejectAfter } from '../util/time.js';

/** Gives up on a plugin request (attach, register, call) after this long. */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * A Janus error as a VoipError: refusals for a missing, wrong or expired token (403
 * "Unauthorized request") and for a token that does not list the SIP plugin (405 "Provided
 * token can't access plugin") are `unauthorized`. janus.js puts the code in the text.
 */
export function janusError(
  detail: string,
  otherwise: 'server-error' | 'server-unreachable',
): VoipError {
  const refused = /unauthori[sz]ed|can't access plugin|\b40[35]\b/i.test(detail);
  return new VoipError(refused ? 'unauthorized' : otherwise, detail);
}

/** `promise`, or a {@link VoipError} with `code` when Janus has not answered `what` in `ms`. */
export function answerWithin<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  code: 'server-unreachable' | 'server-error' = 'server-error',
): Promise<T> {
  return rejectAfter(promise, ms, () => new VoipError(code, `${what}: no answer in ${ms} ms`));
}
