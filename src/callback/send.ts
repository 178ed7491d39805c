/**
 * Sending a callback request to the page's `callback-url`: a JSON POST, with a bearer token from
 * `token-url` when the page set one and the URL is the page's own origin. No DOM here besides `fetch`; the form turns the outcome into
 * text. Nothing is retried automatically: the visitor decides (the request's id makes a retry
 * safe, the server sees the same id for the same content).
 */
import type { CallbackRequest } from './request.js';

/** How long a send may take, token included, before it counts as not sent. */
export const SEND_TIMEOUT_MS = 15_000;

/**
 * What came of a send. `sent`: the server answered 2xx. `retry`: it may be sent again as it is
 * (network error, timeout, no token, 5xx). `refused`: any other status; `field` is the request
 * field a 400 answer named (`{ "field": "phone" }`), when it named one.
 */
export type SendOutcome = 'sent' | 'retry' | { readonly refused: number; readonly field?: string };

/**
 * POSTs `request` to `url` (absolute, http(s): the form checked it). With a `tokenUrl`, a token
 * is fetched first, every time: a callback is rare, and a cached token could have expired. The
 * token opens sessions at the site's Janus: it goes only to a `url` of the page's own origin,
 * never to another site's.
 */
export async function sendCallback(
  url: string,
  tokenUrl: string,
  request: CallbackRequest,
  timeoutMs = SEND_TIMEOUT_MS,
): Promise<SendOutcome> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (tokenUrl && new URL(url, location.href).origin === location.origin) {
      const answer = await fetch(tokenUrl, {
        credentials: 'same-origin',
        cache: 'no-store',
        signal,
      });
      const token: unknown = answer.ok ? ((await answer.json()) as { token?: unknown }).token : '';
      // No token, no request: the server would refuse it, and the visitor may try again later.
      if (typeof token !== 'string' || !token) return 'retry';
      headers.authorization = `Bearer ${token}`;
    }
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers,
      body: JSON.stringify(request),
      signal,
    });
    if (response.ok) return 'sent';
    if (response.status >= 500) return 'retry';
    const field =
      response.status === 400
        ? ((await response.json().catch(() => null)) as { field?: unknown } | null)?.field
        : undefined;
    return typeof field === 'string'
      ? { refused: response.status, field }
      : { refused: response.status };
  } catch {
    // The network failed, the timeout struck, or the token's answer was not JSON.
    return 'retry';
  }
}
