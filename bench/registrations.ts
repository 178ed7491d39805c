/**
 * How fast one Janus sets up sessions for the SIP plugin, without browsers: a signalling-only
 * client in Node drives Janus's WebSocket API as the element does (create, attach to
 * janus.plugin.sip, register as a guest), N sessions at once, and prints how long each waited
 * for "registered". Janus's SIP plugin handles every request of every session in one thread,
 * and registering a new handle sleeps there while its SIP stack starts (>= 100 ms): this is the
 * gateway's own limit on set-ups per second, with no media and no test browser in the way. Run
 * by `npm run bench:load` (BENCH_REG_N sets the sizes, default "1 5 10 20 40"). Prints numbers;
 * asserts nothing.
 */
import WebSocket from 'ws';
import { startDemoServer } from '../demo/server.mjs';
import { stack } from '../test/e2e/support/stack.js';

const SIZES = (process.env.BENCH_REG_N ?? '1 5 10 20 40').trim().split(/\s+/).map(Number);

interface JanusReply {
  janus: string;
  transaction?: string;
  data?: { id: number };
  plugindata?: { data?: { result?: { event?: string } } };
}

/** One Janus session over its own WebSocket; resolves with ms from the socket open to "registered". */
function registerOne(token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(stack.janusWs, 'janus-protocol');
    const pending = new Map<string, (reply: JanusReply) => void>();
    let n = 0;
    const request = (body: Record<string, unknown>) =>
      new Promise<JanusReply>((done) => {
        const transaction = `t${++n}`;
        pending.set(transaction, done);
        ws.send(JSON.stringify({ ...body, transaction, token }));
      });
    let registered: (() => void) | undefined;
    ws.on('message', (data) => {
      const reply = JSON.parse(String(data)) as JanusReply;
      if (reply.plugindata?.data?.result?.event === 'registered') registered?.();
      else if (reply.janus !== 'ack' && reply.transaction) {
        pending.get(reply.transaction)?.(reply);
        pending.delete(reply.transaction);
      }
    });
    ws.on('error', reject);
    ws.on('open', () => {
      const started = performance.now();
      void (async () => {
        const session = (await request({ janus: 'create' })).data?.id;
        if (!session) throw new Error('create refused');
        const handle = (
          await request({ janus: 'attach', session_id: session, plugin: 'janus.plugin.sip' })
        ).data?.id;
        if (!handle) throw new Error('attach refused');
        await new Promise<void>((done) => {
          registered = done;
          ws.send(
            JSON.stringify({
              janus: 'message',
              session_id: session,
              handle_id: handle,
              transaction: `t${++n}`,
              token,
              body: {
                request: 'register',
                type: 'guest',
                username: `sip:bench@${stack.sipDomain}`,
              },
            }),
          );
        });
        const took = performance.now() - started;
        await request({ janus: 'destroy', session_id: session });
        ws.close();
        resolve(took);
      })().catch(reject);
    });
  });
}

const pct = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

const demo = await startDemoServer({ port: 0 });
try {
  const { token } = (await (await fetch(new URL('/token', demo.url))).json()) as { token: string };
  console.log('\nJanus SIP plugin set-ups (create, attach, guest register), N at once, no media');
  console.log(
    `${'N'.padStart(4)} ${'p50 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'per second'.padStart(11)}`,
  );
  for (const size of SIZES) {
    const started = performance.now();
    const times = await Promise.all(Array.from({ length: size }, () => registerOne(token)));
    const wall = (performance.now() - started) / 1000;
    console.log(
      `${String(size).padStart(4)} ${pct(times, 0.5).toFixed(0).padStart(8)} ${Math.max(...times)
        .toFixed(0)
        .padStart(8)} ${(size / wall).toFixed(1).padStart(11)}`,
    );
    await new Promise((r) => setTimeout(r, 1000));
  }
} finally {
  await demo.close();
}
