// npm test: installs what is missing, builds, then runs lint, type checks, the size budgets,
// the unit tests (headless Chromium and Firefox, fake session) and the end-to-end tests (real
// Chromium, and Firefox for a core subset; Janus, Kamailio and baresip, started by
// stack/with-stack.sh). Exits non-zero on any failure and closes with one line counting the
// tests of both suites.
//   node scripts/test.mjs [--only unit|e2e|soak]
// --only soak runs only the long-call soak test (npm run test:soak; VCB_SOAK_SECONDS, default
// 600), which the default run leaves out.
// Every node:test run has timeouts (TIMEOUTS below): a test that hangs fails, and the run goes
// on and ends (then the stack is torn down), instead of hanging CI.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { build, ensureNodeModules, ensureSystemPackages } from './lib/prepare.mjs';
import { run } from './lib/run.mjs';

const only = process.argv.includes('--only')
  ? process.argv[process.argv.indexOf('--only') + 1]
  : undefined;
const bin = path.resolve('node_modules/.bin');
const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };

/** Runs a command, streaming its output, and returns the output for counting. */
function runCounted(cmd, args, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('exit', (code, signal) => resolve({ ok: code === 0, code: code ?? signal, out }));
  });
}

/**
 * Timeouts (ms), generous. node:test's --test-timeout bounds each test FILE as a whole when run
 * with --test (Node 20), so it is only a backstop here (`file`); each end-to-end test and hook
 * has its own timeout (test/e2e/support/test.ts), `e2eTest` (VCB_TEST_TIMEOUT_MS) unless the
 * test sets a longer one (many calls: 5 min; the soak: its length plus 5 min).
 */
const soakSeconds = Number(process.env.VCB_SOAK_SECONDS ?? 600);
const TIMEOUTS = {
  nodeFile: 60_000,
  e2eTest: 120_000,
  e2eFile: 15 * 60_000,
  soakFile: (soakSeconds + 600) * 1000,
};

const counts = { passed: 0, failed: 0 };
let failedSteps = [];

async function step(name, fn) {
  console.log(`\n[test] ── ${name}`);
  try {
    await fn();
  } catch (error) {
    console.error(`[test] ${name} failed: ${error.message}`);
    failedSteps.push(name);
  }
}

await ensureNodeModules();
await ensureSystemPackages();
await build();

if (!only) {
  await step('lint', () => run('npm', ['run', '--silent', 'lint']));
  await step('type check', () => run('npm', ['run', '--silent', 'typecheck']));
  await step('size budgets', () => run('node', ['scripts/size.mjs']));
}

if (!only || only === 'unit') {
  // One browser after the other: both at once on two cores made timing-bound tests flaky.
  for (const [browser, name] of [
    ['chromium', 'Chrome'],
    ['firefox', 'Firefox'],
  ]) {
    if (process.env.VCB_BROWSER && process.env.VCB_BROWSER !== browser) continue;
    await step(`unit tests (headless ${name}, fake session)`, async () => {
      const { ok, out } = await runCounted('web-test-runner', [], { VCB_BROWSER: browser });
      const last = [...out.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1);
      if (last) {
        counts.passed += Number(last[1]);
        counts.failed += Number(last[2]);
      }
      if (!ok || !last) throw new Error('web-test-runner reported failures');
    });
  }
}

/**
 * Runs the node:test files of `dir` (optionally through `wrapper`, e.g. the stack) and adds their
 * counts; throws when any failed.
 */
async function nodeTests(dir, wrapper = [], extra = [], extraEnv = {}) {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => `${dir}/${f}`);
  const args = ['--import', 'tsx', '--test', '--test-reporter=spec', ...extra, ...files];
  const [cmd, ...rest] = [...wrapper, process.execPath, ...args];
  const { ok, out } = await runCounted(cmd, rest, extraEnv);
  const pass = out.match(/ℹ pass (\d+)/);
  const fail = out.match(/ℹ fail (\d+)/);
  counts.passed += Number(pass?.[1] ?? 0);
  counts.failed += Number(fail?.[1] ?? 0);
  if (!ok || !pass) throw new Error(`${dir}: tests failed`);
}

if (!only || only === 'unit') {
  await step('Node tests (server helper, SSR, manifest, the packed package)', () =>
    nodeTests('test/node', [], [`--test-timeout=${TIMEOUTS.nodeFile}`]),
  );
}

if (!only || only === 'e2e') {
  await step('end-to-end tests (real Chromium and Firefox, Janus, Kamailio, baresip)', () =>
    nodeTests(
      'test/e2e',
      ['bash', 'stack/with-stack.sh', '--'],
      // --test-force-exit: a test that timed out may leave a handle behind; the run still ends.
      ['--test-concurrency=1', `--test-timeout=${TIMEOUTS.e2eFile}`, '--test-force-exit'],
      { VCB_TEST_TIMEOUT_MS: String(TIMEOUTS.e2eTest) },
    ),
  );
}

if (only === 'soak') {
  await step(`soak: one ${soakSeconds} s call on the real stack`, () =>
    nodeTests(
      'test/e2e/soak',
      ['bash', 'stack/with-stack.sh', '--'],
      [`--test-timeout=${TIMEOUTS.soakFile}`, '--test-force-exit'],
      {
        VCB_SOAK_SECONDS: String(soakSeconds),
        // The answering line's greeting must outlast the call (baresip hangs up at its end).
        VCB_GREETING_SECONDS: String(soakSeconds + 120),
      },
    ),
  );
}

console.log('');
if (failedSteps.length > 0) console.log(`[test] failed steps: ${failedSteps.join(', ')}`);
console.log(`total: ${counts.passed} passed, ${counts.failed} failed`);
process.exit(failedSteps.length > 0 || counts.failed > 0 ? 1 : 0);
