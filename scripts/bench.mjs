// npm run bench: call set-up latency on the real local stack (bench/call-latency.ts), then the
// element against a raw janus.js client (bench/versus-raw.ts), inside stack/with-stack.sh. Prints
// numbers; it is a measurement, not a test.
//   BENCH_PAGES=3 BENCH_CALLS_PER_PAGE=4 BENCH_ROUNDS=7 npm run bench [-- latency|versus]
//   BENCH_LOAD_N="5 10 20" BENCH_LOAD_BROWSERS=4 BENCH_LOAD_HOLD=30 npm run bench:load
import { build, ensureNodeModules, ensureSystemPackages } from './lib/prepare.mjs';
import { run } from './lib/run.mjs';

await ensureNodeModules();
await ensureSystemPackages();
await build();
// The load bench needs the answering extension to take many calls at once.
const load = process.argv[2] === 'load';
await run(
  'bash',
  [
    'stack/with-stack.sh',
    '--',
    process.execPath,
    '--import',
    'tsx',
    'bench/run.ts',
    ...process.argv.slice(2),
  ],
  load ? { env: { VCB_ANSWER_MAX_CALLS: process.env.VCB_ANSWER_MAX_CALLS ?? '50' } } : {},
);
