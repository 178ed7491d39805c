// npm run bench: call set-up latency on the real local stack (bench/call-latency.ts inside
// stack/with-stack.sh). Prints numbers; it is a measurement, not a test.
//   BENCH_PAGES=3 BENCH_CALLS_PER_PAGE=4 npm run bench
import { build, ensureNodeModules, ensureSystemPackages } from './lib/prepare.mjs';
import { run } from './lib/run.mjs';

await ensureNodeModules();
await ensureSystemPackages();
await build();
await run('bash', [
  'stack/with-stack.sh',
  '--',
  process.execPath,
  '--import',
  'tsx',
  'bench/call-latency.ts',
]);
