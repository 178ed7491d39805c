// The demo's web server: serves demo/ at / and the built dist/ at /dist/, on 127.0.0.1 only,
// under a strict Content-Security-Policy. `npm start` runs it inside the local stack; the
// end-to-end tests start it on a free port with startDemoServer().
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
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
 * SIP plugin, valid 10 minutes, signed with the stack's Janus secret (VCB_JANUS_TOKEN_SECRET).
 * With `testTokens`, also tokens for the tests: expired, tampered, for another plugin, one that
 * lives only 15 s, and one that lives an hour (the soak test's long call).
 */
async function tokenRoutes(secret, testTokens) {
  const { createJanusToken, janusTokenHandler } = await import('../dist/lib/server/index.js');
  const send = (res, body) =>
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify(body));
  const routes = new Map([['/token', janusTokenHandler({ secret, ttlSeconds: 600 })]]);
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

/**
 * Starts the demo server on 127.0.0.1:`port` (0 picks a free port). Resolves with
 * `{ url, close() }`. It serves `/token` when VCB_JANUS_TOKEN_SECRET is set (inside the stack).
 */
export async function startDemoServer({
  port = 8080,
  // Both Janus instances of the local stack (the second one for failover).
  janusOrigins = [
    'ws://127.0.0.1:8188',
    'http://127.0.0.1:8088',
    'ws://127.0.0.1:8189',
    'http://127.0.0.1:8089',
  ],
  testTokens = false,
} = {}) {
  const csp = contentSecurityPolicy(janusOrigins);
  const secret = process.env.VCB_JANUS_TOKEN_SECRET;
  const tokens = secret ? await tokenRoutes(secret, testTokens) : new Map();
  const server = createServer((req, res) => {
    const token = tokens.get((req.url ?? '/').split('?')[0]);
    if (token) {
      void token(req, res);
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
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  const { url, close } = await startDemoServer({ port });
  console.log(`[demo] serving ${url}`);
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
