/**
 * Timeouts for node:test, so that a test or hook that hangs fails (and the run goes on, and
 * ends) instead of hanging CI with the stack up. node:test's own `--test-timeout` cannot do this
 * here: with `--test` (Node 20) it bounds each whole FILE, in the parent runner, and is not
 * passed to the file's process. Tests pass TIMEOUT to node:test's own `it` (so that a failure
 * still points at its file): `it(name, TIMEOUT, async (t) => ...)`; scripts/test.mjs sets
 * VCB_TEST_TIMEOUT_MS (default 120 s); a test that is long by design (many calls, the soak)
 * passes its own. The hooks here (`before`, `after`, `afterEach`) have one too.
 */
import * as nodeTest from 'node:test';

/** Each test's timeout: VCB_TEST_TIMEOUT_MS, default 120 s. */
export const TEST_TIMEOUT_MS = Number(process.env.VCB_TEST_TIMEOUT_MS) || 120_000;

/** node:test options for a test: `it(name, TIMEOUT, fn)`. */
export const TIMEOUT = { timeout: TEST_TIMEOUT_MS } as const;

/** Each hook's timeout (start a browser, close pages, ...). */
export const HOOK_TIMEOUT_MS = 60_000;

type Hook = (fn: () => Promise<void> | void) => void;
const bounded =
  (hook: typeof nodeTest.before): Hook =>
  (fn) =>
    hook(fn, { timeout: HOOK_TIMEOUT_MS });

export const before: Hook = bounded(nodeTest.before);
export const after: Hook = bounded(nodeTest.after);
export const afterEach: Hook = bounded(nodeTest.afterEach);
