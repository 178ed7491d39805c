/**
 * `callbackHandler`: the site's endpoint for the element's "Request a callback" form (the page's
 * `callback-url`). It checks the body with the same rules as the form (`src/callback/request.ts`),
 * hands each request to the site's own `onRequest` once, and limits each client. Node only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkCallbackRequest, type CallbackRequest } from '../callback/request.js';
import { verifyJanusToken } from './token.js';

export type { CallbackField, CallbackRequest } from '../callback/request.js';

/** Options of {@link callbackHandler}. */
export interface CallbackHandlerOptions {
  /**
   * The site's own function: store the request, send an email... Awaited; a throw/rejection
   * answers 500 and the request is NOT remembered (the visitor's retry is handed over again).
   * Log your own errors in it: the handler does not print them (they may contain the request).
   */
  readonly onRequest: (
    request: CallbackRequest,
    client: { readonly key: string; readonly request: IncomingMessage },
  ) => void | Promise<void>;
  /** Requests per client per window; default `{ max: 5, windowMs: 10 * 60_000 }`. Over it: 429. */
  readonly rateLimit?: { readonly max: number; readonly windowMs: number };
  /**
   * Who a client is, for the rate limit. Default: the socket's remote address. Behind a reverse
   * proxy every visitor has the proxy's address: return the address your proxy reports instead.
   */
  readonly clientKey?: (request: IncomingMessage) => string;
  /**
   * When set, requests must carry `Authorization: Bearer <token>` minted by `createJanusToken`
   * with this secret and not expired: 401 otherwise. Passing the key with an empty value (an unset
   * environment variable) throws, rather than silently accepting every request.
   */
  readonly tokenSecret?: string;
  /** Largest body, bytes; default 8192: 413 beyond (the rest is not read). */
  readonly maxBodyBytes?: number;
  /** Clock for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** How long an accepted id is remembered: a visitor's retries come within minutes, not days. */
const REMEMBER_MS = 24 * 60 * 60_000;
/** At most this many remembered ids and rate-limit buckets: memory stays bounded under a flood. */
const MAX_ENTRIES = 10_000;
const DEFAULT_RATE_LIMIT = { max: 5, windowMs: 10 * 60_000 };

type Answer = readonly [status: number, body: object, headers?: Record<string, string>];

/**
 * Drops entries older than `ttl` from the front of `map` (insertion order is age order), then, if
 * it is still full, the oldest one, so one more fits. Under a flood of more than `MAX_ENTRIES`
 * clients or ids, the oldest are forgotten: a bounded memory wins over a perfect count.
 */
function makeRoom<V>(map: Map<string, V>, startOf: (v: V) => number, ttl: number, now: number) {
  for (const [key, value] of map) {
    if (now - startOf(value) < ttl) break;
    map.delete(key);
  }
  if (map.size >= MAX_ENTRIES) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}

/** Whether a `content-type` header is JSON (`application/json`, UTF-8 if a charset is given). */
function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type = '', ...params] = header.split(';');
  if (type.trim().toLowerCase() !== 'application/json') return false;
  return params.every((param) => {
    const [name = '', value = ''] = param.split('=');
    if (name.trim().toLowerCase() !== 'charset') return true;
    // JSON is UTF-8 (RFC 8259); a body declared in another charset would be misread.
    return value.trim().replace(/^"|"$/g, '').toLowerCase() === 'utf-8';
  });
}

/**
 * Reads the body, stopping at `limit` bytes: `null` when it is larger. Rejects when the client
 * goes away before the end.
 */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (): void => {
      request.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        finish();
        request.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      finish();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error): void => {
      finish();
      reject(error);
    };
    const onClose = (): void => {
      finish();
      reject(new Error('callbackHandler: the client went away before the end of the body'));
    };
    request.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/**
 * A Node `http` request handler for the element's `callback-url`: checks a "Request a callback"
 * POST, hands it to `onRequest` once per id, and answers JSON (`cache-control: no-store`):
 *
 * | status | body                                         | when                                  |
 * | ------ | -------------------------------------------- | ------------------------------------- |
 * | 200    | `{"ok":true,"id":ID}`                        | `onRequest` resolved                  |
 * | 200    | `{"ok":true,"id":ID,"duplicate":true}`       | that id was already accepted          |
 * | 400    | `{"error":"invalid","field":F}`              | not JSON (`body`) or a field refused  |
 * | 401    | `{"error":"unauthorized"}`                   | `tokenSecret` set, no valid token     |
 * | 405    | `{"error":"method"}` (+ `Allow: POST`)       | not POST                              |
 * | 413    | `{"error":"too-large"}`                      | body over `maxBodyBytes`              |
 * | 415    | `{"error":"content-type"}`                   | not `application/json` (UTF-8)        |
 * | 429    | `{"error":"rate-limited"}` (+ `Retry-After`) | the client's budget is spent          |
 * | 500    | `{"error":"failed"}`                         | `onRequest` threw or rejected         |
 *
 * Order of checks: method, token, content-type, size, JSON, fields, duplicate, rate limit, then
 * `onRequest`. Why: the token comes before the body is read, so an unauthenticated client costs
 * no read or parse. The fields come before the duplicate check, so only a well-formed body is
 * ever answered 200. The duplicate check comes before the rate limit, so a visitor's retry of an
 * accepted request (a lost answer) never spends their budget or gets 429. The rate limit comes
 * last, right before `onRequest`: it guards the site's function (mail, storage), and counts only
 * requests that would reach it, so a malformed body neither spends a visitor's budget nor makes
 * anything happen. Invalid bodies cost only a bounded read and a parse.
 *
 * A second request with the id of one still in `onRequest` waits for it, and gets its outcome
 * (200 `duplicate`, or 500) without calling `onRequest` again or spending budget.
 */
export function callbackHandler(
  options: CallbackHandlerOptions,
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const { onRequest, tokenSecret, maxBodyBytes = 8192, now = Date.now } = options;
  const { max, windowMs } = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (typeof onRequest !== 'function') throw new Error('callbackHandler: onRequest is required');
  if ('tokenSecret' in options && !tokenSecret) {
    throw new Error('callbackHandler: tokenSecret is empty (leave it out to accept any request)');
  }
  if (!Number.isInteger(max) || max < 1 || !(windowMs > 0)) {
    throw new Error('callbackHandler: rateLimit needs a positive integer max and windowMs > 0');
  }
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new Error('callbackHandler: maxBodyBytes must be a positive integer');
  }
  const clientKey =
    options.clientKey ?? ((request: IncomingMessage) => request.socket.remoteAddress ?? 'unknown');

  /** Accepted ids → when they were accepted. */
  const accepted = new Map<string, number>();
  /** Ids in `onRequest` → whether it succeeded. */
  const inFlight = new Map<string, Promise<boolean>>();
  /** Client keys → their current window. */
  const buckets = new Map<string, { start: number; count: number }>();

  /** 0 when the client may go on (and it is counted), else the seconds until its next window. */
  const takeBudget = (key: string, time: number): number => {
    let bucket = buckets.get(key);
    if (bucket && time - bucket.start >= windowMs) {
      buckets.delete(key);
      bucket = undefined;
    }
    if (!bucket) {
      makeRoom(buckets, (b) => b.start, windowMs, time);
      bucket = { start: time, count: 0 };
      buckets.set(key, bucket);
    }
    if (bucket.count >= max) return Math.max(1, Math.ceil((bucket.start + windowMs - time) / 1000));
    bucket.count++;
    return 0;
  };

  const isAccepted = (id: string, time: number): boolean => {
    const at = accepted.get(id);
    if (at === undefined) return false;
    if (time - at < REMEMBER_MS) return true;
    accepted.delete(id);
    return false;
  };

  const handle = async (request: IncomingMessage): Promise<Answer> => {
    if (request.method !== 'POST') return [405, { error: 'method' }, { allow: 'POST' }];
    if (tokenSecret) {
      const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
      if (!match?.[1] || !verifyJanusToken(match[1], tokenSecret, now())) {
        return [401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer' }];
      }
    }
    if (!isJsonContentType(request.headers['content-type']))
      return [415, { error: 'content-type' }];
    // A declared length over the limit is refused before reading a byte; a chunked body is
    // counted as it comes. Either way the connection is closed, so the rest is never read.
    const tooLarge: Answer = [413, { error: 'too-large' }, { connection: 'close' }];
    if (Number(request.headers['content-length'] ?? 0) > maxBodyBytes) return tooLarge;
    const bytes = await readBody(request, maxBodyBytes);
    if (bytes === null) return tooLarge;

    let body: unknown;
    try {
      // fatal: bytes that are not UTF-8 are refused rather than turned into U+FFFD.
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      return [400, { error: 'invalid', field: 'body' }];
    }
    const checked = checkCallbackRequest(body);
    if (!checked.ok) return [400, { error: 'invalid', field: checked.field }];
    const callback = checked.request;
    const { id } = callback;

    const duplicate: Answer = [200, { ok: true, id, duplicate: true }];
    if (isAccepted(id, now())) return duplicate;
    const pending = inFlight.get(id);
    if (pending) return (await pending) ? duplicate : [500, { error: 'failed' }];

    const key = clientKey(request);
    const retryAfter = takeBudget(key, now());
    if (retryAfter > 0) {
      return [429, { error: 'rate-limited' }, { 'retry-after': String(retryAfter) }];
    }
    // Registered before onRequest runs (it is called on the next microtask), so a concurrent
    // request with this id finds it and waits instead of calling onRequest a second time.
    const outcome = Promise.resolve()
      .then(() => onRequest(callback, { key, request }))
      .then(
        () => true,
        () => false,
      );
    inFlight.set(id, outcome);
    try {
      if (!(await outcome)) return [500, { error: 'failed' }];
      const time = now();
      makeRoom(accepted, (at) => at, REMEMBER_MS, time);
      accepted.set(id, time);
      return [200, { ok: true, id }];
    } finally {
      inFlight.delete(id);
    }
  };

  return async (request, response) => {
    let answer: Answer;
    try {
      answer = await handle(request);
    } catch {
      // The client went away mid-body, or the site's clientKey threw: nothing was handed over.
      answer = [500, { error: 'failed' }];
    }
    const [status, body, headers] = answer;
    if (response.headersSent || response.destroyed) return;
    response
      .writeHead(status, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        ...headers,
      })
      .end(JSON.stringify(body));
  };
}
