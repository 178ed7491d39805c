/**
 * The unit suite runs in Chromium and in Firefox (web-test-runner.config.mjs, VCB_BROWSER).
 * A test that only one of them can run says so here, with the reason at the call site:
 * `chromiumOnly('why')('does something', async () => …)` is mocha's `it` in Chromium and
 * `it.skip` in Firefox (reported as skipped, never as passed).
 */

/** Whether this page runs in Firefox. */
export const inFirefox = navigator.userAgent.includes('Firefox/');

/**
 * `it`, or `it.skip` in Firefox. `reason` is why Firefox cannot run the test (a browser or
 * test-driver limit, not the element's): it documents the call site.
 */
export function chromiumOnly(reason: string): Mocha.TestFunction | Mocha.PendingTestFunction {
  return reason && inFirefox ? it.skip : it;
}

/** `describe`, or `describe.skip` in Firefox; see `chromiumOnly`. */
export function chromiumOnlySuite(
  reason: string,
): Mocha.SuiteFunction | Mocha.PendingSuiteFunction {
  return reason && inFirefox ? describe.skip : describe;
}
