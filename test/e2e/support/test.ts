/**
 * node:test's `it`, `before`, `after` and `afterEach` with a timeout on each test and hook, so
 * that a test that hangs fails (and the run goes on, and ends) instead of hanging CI with the
 * stack up. node:test's own `--test-timeout` cannot do this here: with `--test` it bounds each
 * whole file, not each test. scripts/test.mjs sets VCB_TEST_TIMEOUT_MS (default 120 s); a
 * test that is long by design (many calls, the soak) passes its own.
 */
import * as nodeTest from 'node:test';
import type { TestContext } from 'node:test';

/** Each test's timeout: VCB_TEST_TIMEOUT_MS, default 120 s. */
export const TEST_TIMEOUT_MS = Number(process.env.VCB_TEST_TIMEOUT_MS) || 120_000;

/** Each hook's timeout (start a browser, close pages, ...). */
export const HOOK_TIMEOUT_MS = 60_000;

/** A test that fails after `timeout` ms (default TEST_TIMEOUT_MS). */
export function it(
  name: string,
  fn: (t: TestContext) => Promise<void> | void,
  { timeout = TEST_TIMEOUT_MS }: { timeout?: number } = {},
): void {
  void nodeTest.it(name, { timeout }, fn);
}

type Hook = (fn: () => Promise<void> | void) => void;
const bounded =
  (hook: typeof nodeTest.before): Hook =>
  (fn) =>
    hook(fn, { timeout: HOOK_TIMEOUT_MS });

export const before: Hook = bounded(nodeTest.before);
export const after: Hook = bounded(nodeTest.after);
export const afterEach: Hook = bounded(nodeTest.afterEach);
