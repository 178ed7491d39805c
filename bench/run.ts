/**
 * `npm run bench` inside the stack: the call latencies of the element (call-latency.ts), then the
 * element against a raw janus.js client (versus-raw.ts). `node bench/run.ts latency|versus` runs
 * one of them; `load` runs the load benches (registrations.ts: set-ups per second of one Janus
 * without browsers; load.ts: calls at once; `npm run bench:load`), never by default.
 */
const only = process.argv[2];
if (!only || only === 'latency') await import('./call-latency.js');
if (!only || only === 'versus') await import('./versus-raw.js');
if (only === 'load') {
  await import('./registrations.js');
  await import('./load.js');
}
export {};
