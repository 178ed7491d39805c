// The demo's web server: serves demo/ at / and the built dist/ at /dist/, on 127.0.0.1 only,
// under a strict Content-Security-Policy. `npm start` runs it inside the local stack; the
// end-to-end tests start it on a free port with startDemoServer().
import { appendFileSync, createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * The page may talk to itself and to the local Janus (websockets and http transports); no inline
 * script, no eval, and Trusted Types for every DOM sink, with Lit's own policy the only one.
 */
export function contentSecurityPolicy(janusOrigins) {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${janusOrigins.join(' ')}`,
    "img-src 'self' data:",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types lit-html',
  ].join('; ');
}

function resolveFile(urlPath) {
  const clean = decodeURIComponent(urlPath.split('?')[0]);
  const [base, rel] = clean.startsWith('/dist/')
    ? [path.join(root, 'dist'), clean.slice('/dist/'.length)]
    : [path.join(root, 'demo'), clean.slice(1) || 'index.html'];
  const file = path.resolve(base, rel);
  if (!file.startsWith(base + path.sep)) return null; // no escaping the served folders
  if (existsSync(file) && statSync(file).isDirectory()) return path.join(file, 'index.html');
  return file;
}

/**
 * The token endpoint for the element's `token-url`, with voip-call-button/server: tokens for the
 * SIP and EchoTest plugins, valid 10 minutes, signed with the stack's Janus secret (VCB_JANUS_TOKEN_SECRET).
 * With `testTokens`, also tokens for the tests: expired, tampered, for another plugin, one that
 * lives only 15 s, and one that lives an hour (the soak test's long call).
 */
async function tokenRoutes(secret, testTokens) {
  const { createJanusToken, janusTokenHandler } = await import('../dist/lib/server/index.js');
  const send = (res, body) =>
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify(body));
  // The SIP plugin for calls, EchoTest for the pre-call check ("Test my connection").
  const plugins = ['janus.plugin.sip', 'janus.plugin.echotest'];
  const routes = new Map([['/token', janusTokenHandler({ secret, ttlSeconds: 600, plugins })]]);
  if (testTokens) {
    routes.set('/token/expired', (req, res) =>
      send(res, createJanusToken({ secret, ttlSeconds: 60, now: () => Date.now() - 3_600_000 })),
    );
    routes.set('/token/tampered', (req, res) => {
      const { token, expiresAt } = createJanusToken({ secret });
      send(res, { token: token.replace(/^(\d+)/, (n) => String(Number(n) + 3600)), expiresAt });
    });
    routes.set('/token/short', (req, res) =>
      send(res, createJanusToken({ secret, ttlSeconds: 15 })),
    );
    routes.set('/token/hour', (req, res) =>
      send(res, createJanusToken({ secret, ttlSeconds: 3600 })),
    );
    routes.set('/token/other-plugin', (req, res) =>
      send(res, createJanusToken({ secret, plugins: ['janus.plugin.echotest'] })),
    );
  }
  return routes;
}

/** The JSON answer of a test route. */
const sendJson = (res, status, body) =>
  res
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));

/** The `id` of a callback request's raw body, or null when it has none (not JSON, no id). */
function idOf(bytes) {
  try {
    const id = JSON.parse(bytes.toString('utf8'))?.id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/**
 * The endpoint for the page's `callback-url` ("Request a callback"), with voip-call-button/server:
 * each request `callbackHandler` accepts is appended as one JSON line to `logFile` and kept in
 * `received`. No `tokenSecret`: the demo's form posts from the page itself (the same origin), and
 * a callback request is not a call, so it needs no Janus token; a site that wants one sets it.
 * The rate limit is generous, for the tests' many requests from one address.
 *
 * With `testing`, also the tests' controls: `GET /test/callbacks` answers
 * `{ received, attempts }` (the requests handed to onRequest, and every POST to /callback with
 * its id and the status answered), and `POST /test/callbacks/fail?count=N&status=S` answers the
 * next N POSTs to /callback with S without reaching callbackHandler (counted as attempts).
 */
async function callbackRoutes(logFile, testing) {
  const { callbackHandler } = await import('../dist/lib/server/index.js');
  /** The requests handed to onRequest, in order. */
  const received = [];
  /** Every POST to /callback: `{ id, status, injected }`, in order. */
  const attempts = [];
  let failures = { count: 0, status: 503 };
  const handler = callbackHandler({
    onRequest: (request) => {
      appendFileSync(logFile, `${JSON.stringify(request)}\n`);
      received.push(request);
    },
    rateLimit: { max: 100, windowMs: 10 * 60_000 },
  });
  const routes = new Map();
  routes.set('/callback', (req, res) => {
    if (!testing) return handler(req, res);
    // Tap the body (the handler reads it too) to record the attempt's id with its status.
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    const attempt = { id: null, status: 0, injected: false };
    attempts.push(attempt);
    if (req.method === 'POST' && failures.count > 0) {
      failures.count -= 1;
      attempt.injected = true;
      req.on('end', () => {
        attempt.id = idOf(Buffer.concat(chunks));
        attempt.status = failures.status;
        sendJson(res, failures.status, { error: 'injected' });
      });
      return undefined;
    }
    res.on('finish', () => {
      attempt.id = idOf(Buffer.concat(chunks));
      attempt.status = res.statusCode;
    });
    return handler(req, res);
  });
  if (testing) {
    routes.set('/test/callbacks', (req, res) => sendJson(res, 200, { received, attempts }));
    routes.set('/test/callbacks/fail', (req, res) => {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'method' });
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      failures = {
        count: Number(query.get('count') ?? 1),
        status: Number(query.get('status') ?? 503),
      };
      return sendJson(res, 200, failures);
    });
  }
  return routes;
}

/**
 * Starts the demo server on 127.0.0.1:`port` (0 picks a free port). Resolves with
 * `{ url, callbackLog, close() }`. It serves `/token` when VCB_JANUS_TOKEN_SECRET is set (inside
 * the stack), and `/callback` always, appending each request to `callbackLog` (VCB_CALLBACK_LOG,
 * default voip-call-button-callbacks.jsonl in the temp dir).
 */
export async function startDemoServer({
  port = 8080,
  // Both Janus instances of the local stack (the second one for failover), and the pool
  // (HAProxy in front of both).
  janusOrigins = [
    'ws://127.0.0.1:8188',
    'http://127.0.0.1:8088',
    'ws://127.0.0.1:8189',
    'http://127.0.0.1:8089',
    'ws://127.0.0.1:8190',
  ],
  testTokens = false,
  // The tests' routes (bad tokens, callback controls); `testTokens` is its older name.
  testing = testTokens,
  callbackLog = process.env.VCB_CALLBACK_LOG ||
    path.join(tmpdir(), 'voip-call-button-callbacks.jsonl'),
  // More files to serve, by path (`npm run bench` serves its raw janus.js client here).
  extra = {},
} = {}) {
  const csp = contentSecurityPolicy(janusOrigins);
  const secret = process.env.VCB_JANUS_TOKEN_SECRET;
  const routes = new Map([
    ...(secret ? await tokenRoutes(secret, testing) : []),
    ...(await callbackRoutes(callbackLog, testing)),
    ...Object.entries(extra).map(([at, { type, body }]) => [
      at,
      (req, res) =>
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body),
    ]),
  ]);
  const server = createServer((req, res) => {
    const route = routes.get((req.url ?? '/').split('?')[0]);
    if (route) {
      void route(req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const file = resolveFile(req.url ?? '/');
    if (!file || !existsSync(file) || path.basename(file) === 'server.mjs') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://127.0.0.1:${actual}/`,
        callbackLog,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  const { url, callbackLog, close } = await startDemoServer({ port });
  console.log(`[demo] serving ${url}`);
  console.log(`[demo] callback requests go to ${callbackLog}`);
  if (process.argv.includes('--announce')) {
    const ns = process.env.VCB_NETNS;
    console.log(
      ns
        ? `[demo] The stack runs in network namespace ${ns}; open the page with a browser inside it:\n` +
            `[demo]   ip netns exec ${ns} chromium ${process.getuid?.() === 0 ? '--no-sandbox ' : ''}--user-data-dir="$(mktemp -d)" ${url}\n` +
            `[demo] (or on a desktop, stop this and run: npm start -- --network host)`
        : `[demo] Open ${url} in your browser and click "Call reservations".`,
    );
    console.log('[demo] Ctrl-C stops the demo and the stack.');
  }
  const stop = () => close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
