/**
 * The Janus token cache: tokens fetched from a `token-url`, by URL, in memory only (never in
 * storage or events). Janus checks the token on every request, keepalives included, so a call
 * must end before its token does (see `tokenEnd`).
 */
import { VoipError } from '../errors.js';

/** A token and when it expires (epoch ms). */
export interface HeldToken {
  readonly token: string;
  readonly expiresAt: number;
}

const tokens = new Map<string, HeldToken>();
/** A token is fetched again when less than this is left of its life (or of max-duration). */
const TOKEN_MARGIN_MS = 60_000;
/** A call ends this long before its token expires, while Janus still accepts the hangup. */
const TOKEN_END_MARGIN_MS = 5_000;
/** Below this, a token with no max-duration set earns the site owner a console warning. */
const SHORT_TOKEN_MS = 3_600_000;
/**
 * How long the `token-url` may take to answer (the whole body): past it the call ends with
 * `server-unreachable` instead of staying on "Connecting…". Tests shorten it.
 */
export const tokenTiming = { timeoutMs: 10_000 };

/** When a call holding `token` must end (epoch ms). */
export function tokenEnd(token: HeldToken): number {
  return token.expiresAt - TOKEN_END_MARGIN_MS;
}

/**
 * The Janus token for a call: the one in memory while it will outlive the call's limit, else a
 * new one. `signal` aborts the fetch when the visitor hangs up meanwhile; an endpoint that
 * does not answer within `tokenTiming.timeoutMs` gives `server-unreachable`.
 */
export async function fetchToken(
  url: string,
  maxDurationMs: number | undefined,
  signal: AbortSignal,
): Promise<HeldToken> {
  const limit = maxDurationMs ?? 0;
  const held = tokens.get(url);
  if (held && held.expiresAt - Date.now() > Math.max(TOKEN_MARGIN_MS, limit)) return held;
  const late = AbortSignal.timeout(tokenTiming.timeoutMs);
  let response: Response;
  let body: { token?: unknown; expiresAt?: unknown } | null;
  try {
    response = await fetch(url, {
      credentials: 'same-origin',
      cache: 'no-store',
      // Without AbortSignal.any (before Safari 17.4), no time limit rather than no call.
      signal: (AbortSignal as Partial<typeof AbortSignal>).any?.([signal, late]) ?? signal,
    });
    body = response.ok ? ((await response.json().catch(() => null)) as typeof body) : null;
  } catch (error) {
    throw new VoipError(
      'server-unreachable',
      late.aborted && !signal.aborted
        ? `token-url: no answer in ${tokenTiming.timeoutMs} ms`
        : `token-url: ${String(error)}`,
    );
  }
  if (!response.ok) throw new VoipError('unauthorized', `token-url answered ${response.status}`);
  if (typeof body?.token !== 'string' || typeof body.expiresAt !== 'number') {
    throw new VoipError('unauthorized', 'token-url did not answer { token, expiresAt }');
  }
  const fetched = { token: body.token, expiresAt: body.expiresAt };
  if (tokenEnd(fetched) <= Date.now()) {
    throw new VoipError('unauthorized', 'token-url gave a token that has expired');
  }
  tokens.set(url, fetched);
  const life = fetched.expiresAt - Date.now();
  if (limit ? life < limit : life < SHORT_TOKEN_MS) {
    // For the site owner: never the token itself.
    console.warn(
      `<voip-call-button> token-url gave a token that expires in ${Math.round(life / 1000)} s` +
        (limit ? `, less than max-duration (${limit / 1000} s)` : '') +
        ': calls will end before it does (reason "max-duration"). Mint longer tokens.',
    );
  }
  return fetched;
}
