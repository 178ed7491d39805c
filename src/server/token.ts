/**
 * Short-lived Janus tokens, minted on the site's backend so that the page never holds a
 * long-lived secret. Node only; no dependency beyond `node:crypto`.
 *
 * Janus (`general.token_auth = true`, `token_auth_secret = S`) accepts a token
 * `EXPIRY,janus,PLUGIN[,PLUGIN...]:SIGNATURE`, where EXPIRY is a Unix time in seconds and
 * SIGNATURE is base64(HMAC-SHA1(S, "EXPIRY,janus,PLUGIN...")). It checks the token on every
 * request, keepalives included, and allows only the plugins the token lists.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** How to mint a token. */
export interface JanusTokenOptions {
  /** Janus's `token_auth_secret`. */
  readonly secret: string;
  /** How long the token is valid, in seconds. Default 600 (10 minutes). */
  readonly ttlSeconds?: number;
  /** Plugins the token allows. Default: only the SIP plugin. */
  readonly plugins?: readonly string[];
  /** The clock, in milliseconds since the epoch (for tests). Default `Date.now`. */
  readonly now?: () => number;
}

/** What a token endpoint returns to the element: the token and when it expires (ms epoch). */
export interface JanusToken {
  readonly token: string;
  readonly expiresAt: number;
}

/** Mints a signed Janus token limited to `plugins` and valid for `ttlSeconds`. */
export function createJanusToken(options: JanusTokenOptions): JanusToken {
  const { secret, ttlSeconds = 600, plugins = ['janus.plugin.sip'], now = Date.now } = options;
  if (!secret) throw new Error('createJanusToken: a secret is required');
  if (!(ttlSeconds > 0)) throw new Error('createJanusToken: ttlSeconds must be positive');
  if (plugins.length === 0 || plugins.some((p) => !/^[a-z0-9._-]+$/i.test(p))) {
    throw new Error('createJanusToken: plugins must be plugin package names');
  }
  const expiry = Math.floor(now() / 1000) + Math.floor(ttlSeconds);
  const data = `${expiry},janus,${plugins.join(',')}`;
  const signature = createHmac('sha1', secret).update(data).digest('base64');
  return { token: `${data}:${signature}`, expiresAt: expiry * 1000 };
}

/**
 * Whether `token` was minted by {@link createJanusToken} with `secret` and has not expired at
 * `now` (ms since the epoch). For the site's own endpoints that accept the element's token (such
 * as `callbackHandler`); Janus checks its tokens itself. The signature is compared in constant
 * time, so a guess learns nothing from how long the refusal took.
 */
export function verifyJanusToken(token: string, secret: string, now: number = Date.now()): boolean {
  // An empty secret would make every HMAC forgeable by anyone who knows that; a huge token is
  // not one of ours and is not worth hashing.
  if (typeof token !== 'string' || typeof secret !== 'string' || !secret || token.length > 1024) {
    return false;
  }
  const colon = token.lastIndexOf(':');
  const data = token.slice(0, colon);
  const match = /^([0-9]{1,15}),janus,[a-z0-9._-]+(,[a-z0-9._-]+)*$/i.exec(data);
  if (colon < 0 || !match) return false;
  const expected = Buffer.from(createHmac('sha1', secret).update(data).digest('base64'));
  const given = Buffer.from(token.slice(colon + 1));
  // timingSafeEqual needs equal lengths; the length of a base64 HMAC-SHA1 is public (28).
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  return Number(match[1]) * 1000 > now;
}

/** Options of {@link janusTokenHandler}. */
export interface JanusTokenHandlerOptions extends JanusTokenOptions {
  /**
   * Decides whether this request may have a token (your own authentication, rate limits per
   * visitor). Default: every request. Return `false` to answer 403.
   */
  readonly allow?: (request: IncomingMessage) => boolean | Promise<boolean>;
}

/**
 * A Node `http` request handler for the element's `token-url`: answers `GET` (or `POST`) with
 * `{ token, expiresAt }` as JSON, never cached; 403 when `allow` refuses, 405 for other methods.
 */
export function janusTokenHandler(
  options: JanusTokenHandlerOptions,
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' };
    if (request.method !== 'GET' && request.method !== 'POST') {
      response.writeHead(405, { ...headers, allow: 'GET, POST' }).end('{"error":"method"}');
      return;
    }
    if (options.allow && !(await options.allow(request))) {
      response.writeHead(403, headers).end('{"error":"forbidden"}');
      return;
    }
    response.writeHead(200, headers).end(JSON.stringify(createJanusToken(options)));
  };
}
