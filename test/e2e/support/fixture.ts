/**
 * What every end-to-end test file needs, started once per file: the demo server (serving the
 * built bundle), a Chromium with a fake microphone, and a connection to the answering baresip's
 * control socket. Call `useStackFixture()` at the top of a test file.
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { after, afterEach, before } from './test.js';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { startDemoServer } from '../../../demo/server.mjs';
import {
  addButton,
  events,
  launchBrowser,
  receivedAudio,
  waitForEvent,
  waitForState,
  type ButtonOptions,
} from './browser.js';
import { holdings, installProbe, type Holdings } from './probe.js';
import { Baresip, stack, untilNoJanusSessions } from './stack.js';

/**
 * A 100 ms window louder than this is "not silence" (RMS, full scale = 1). Measured on this
 * stack: silence (a muted caller, no RTP) is below 0.001; the greeting never drops below its
 * 440 Hz bed, about 0.035; the caller's tone is about 0.35.
 */
export const AUDIBLE = 0.01;

/** Sustained audio: at least this share of the 100 ms windows is AUDIBLE. */
export const SUSTAINED = 0.8;

/**
 * Asserts that `windows` (RMS levels of consecutive 100 ms windows) hold sustained audio: at
 * least `share` of them above `floor`, and at least `least` windows at all. Returns a summary
 * for diagnostics.
 */
export function assertSustained(
  windows: readonly number[],
  what: string,
  { floor = AUDIBLE, share = SUSTAINED, least = 5 } = {},
): string {
  const loud = windows.filter((w) => w > floor).length;
  const sorted = [...windows].sort((a, b) => a - b);
  const summary = `${loud}/${windows.length} windows above ${floor} (min ${(sorted[0] ?? 0).toFixed(4)}, median ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(4)})`;
  assert.ok(windows.length >= least, `${what}: only ${windows.length} windows measured`);
  assert.ok(loud >= share * windows.length, `${what}: not sustained, ${summary}`);
  return summary;
}

/**
 * Asserts that the element (`selector`) receives sustained audio over `ms` once it has started
 * (within 3 s): see `receivedAudio` and `assertSustained`. Returns a summary for diagnostics.
 */
export async function assertHears(
  page: Page,
  what: string,
  ms = 1500,
  selector = '#under-test',
): Promise<string> {
  const { windows, onsetMs } = await receivedAudio(page, ms, selector, { onsetLevel: AUDIBLE });
  assert.ok(onsetMs >= 0, `${what}: no audio within 3 s`);
  return `${assertSustained(windows, what)}, onset after ${onsetMs.toFixed(0)} ms`;
}

/**
 * Waits for the test element's `voip-ended`, asserts it is `local-hangup`, and that the callee's
 * call `callId` ended by the element's BYE. Returns the event.
 */
export async function assertEndedByUs(
  page: Page,
  callee: Baresip,
  mark: number,
  callId: string,
): Promise<Awaited<ReturnType<typeof waitForEvent>>> {
  const ended = await waitForEvent(page, 'voip-ended');
  assert.equal(ended.detail['reason'], 'local-hangup');
  await assertCalleeGotBye(callee, mark, callId);
  return ended;
}

/** Asserts that the callee's call `callId` (baresip's events after `mark`) ended by our BYE. */
export async function assertCalleeGotBye(
  baresip: Baresip,
  mark: number,
  callId: string,
  what = 'the callee got the BYE',
): Promise<void> {
  const closed = await baresip.waitFor('CALL_CLOSED', 5000, mark, callId);
  assert.match(String(closed.param), /reset by peer/i, what);
}

export interface StackFixture {
  readonly demoUrl: string;
  readonly browser: Browser;
  readonly baresip: Baresip;
  /**
   * A new browser context on the demo page (of `browser`, or of another one given), with the
   * leak probe and the CSP log; `options.context` for the context (a visitor's `timezoneId`),
   * `options.init` to add the test's own init scripts before the page opens.
   */
  freshPage(
    other?: Browser,
    options?: {
      context?: BrowserContextOptions;
      init?: (context: BrowserContext) => Promise<void>;
    },
  ): Promise<{ context: BrowserContext; page: Page }>;
  /**
   * A fresh page whose test element is in a call that baresip has answered; `callId` is that
   * call's id in baresip's events (to tell it from a call another test left behind).
   */
  connectedCall(
    options?: ButtonOptions,
  ): Promise<{ context: BrowserContext; page: Page; mark: number; callId: string }>;
  /**
   * Places a call on the page's test element and hangs up once connected; checks it at the
   * callee (`callee`, default the answering baresip): exactly one call established after a mark
   * taken before the call, and closed by a BYE after the hangup.
   */
  nextCallConnects(page: Page, callee?: Baresip): Promise<void>;
}

export function useStackFixture(): StackFixture {
  let demo: { url: string; close: () => Promise<void> } | undefined;
  let browser: Browser | undefined;
  let baresip: Baresip | undefined;
  /** Contexts opened by the running test; closed after it, pass or fail. */
  const open = new Set<BrowserContext>();
  /** Uncaught errors in the running test's pages: any fails the test. */
  const pageErrors: string[] = [];
  afterEach(async () => {
    // A failed test must not leave its call up for the next one: closing the page closes its
    // WebSocket, and Janus then destroys the session (and hangs up the call).
    await Promise.all([...open].map((c) => c.close().catch(() => undefined)));
    open.clear();
    const errors = pageErrors.splice(0);
    assert.deepEqual(errors, [], 'no uncaught error in the page');
  });
  before(async () => {
    demo = await startDemoServer({ port: 0, testTokens: true });
    browser = await launchBrowser();
    baresip = await Baresip.open();
  });
  after(async () => {
    baresip?.close();
    await browser?.close();
    await demo?.close();
  });
  const fixture: StackFixture = {
    get demoUrl() {
      return demo!.url;
    },
    get browser() {
      return browser!;
    },
    get baresip() {
      return baresip!;
    },
    async freshPage(other, options = {}) {
      const context = await (other ?? browser!).newContext(options.context);
      open.add(context);
      await installProbe(context);
      await options.init?.(context);
      // Every Content-Security-Policy or Trusted Types violation the page reports.
      await context.addInitScript(() => {
        const found: string[] = [];
        (window as unknown as { vcbViolations: string[] }).vcbViolations = found;
        document.addEventListener('securitypolicyviolation', (e) =>
          found.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sample}`),
        );
      });
      const page = await context.newPage();
      page.on('pageerror', (error) => {
        console.error('[page error]', error);
        pageErrors.push(String(error));
      });
      await page.goto(demo!.url);
      await markResting(page);
      return { context, page };
    },
    async connectedCall(options) {
      const { context, page } = await fixture.freshPage();
      const mark = baresip!.mark();
      await addButton(page, options);
      await page.evaluate(() => window.vcbEl.call());
      await waitForEvent(page, 'voip-connected');
      const established = await baresip!.waitFor('CALL_ESTABLISHED', 5000, mark);
      return { context, page, mark, callId: String(established['id']) };
    },
    async nextCallConnects(page, callee = baresip!) {
      const mark = callee.mark();
      const count = (await events(page)).filter((e) => e.type === 'voip-connected').length;
      await page.evaluate(() => window.vcbEl.call());
      await waitForEvent(page, 'voip-connected', 15_000, count + 1);
      const established = await callee.waitFor('CALL_ESTABLISHED', 5000, mark);
      await page.evaluate(() => window.vcbEl.hangup());
      await waitForState(page, 'idle');
      const ended = (await events(page)).filter((e) => e.type === 'voip-ended').at(-1);
      assert.equal(ended?.detail['reason'], 'local-hangup');
      await assertCalleeGotBye(callee, mark, String(established['id']));
      assert.equal(
        callee.events(mark).filter((e) => e.type === 'CALL_ESTABLISHED').length,
        1,
        'exactly one call reached the callee',
      );
    },
  };
  return fixture;
}

/** The Content-Security-Policy and Trusted Types violations the page has reported. */
export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { vcbViolations: string[] }).vcbViolations);
}

const NOTHING_HELD = {
  peerConnections: 0,
  liveTracks: 0,
  openSockets: 0,
  intervals: 0,
  timeouts: 0,
  pagehideListeners: 0,
};

/**
 * Asserts that the test element's call is over and left nothing behind: back to `idle`, exactly
 * one terminal event (`voip-ended` or `voip-error`) per call placed, no peer connection, live
 * microphone track, open WebSocket, call timer or `pagehide` listener in the page, and no
 * session at the Janus of `admin` (default: janus).
 */
export async function assertReleased(
  page: Page,
  { calls = 1, admin = stack.janusAdminHttp }: { calls?: number; admin?: string } = {},
): Promise<void> {
  await waitForState(page, 'idle');
  const terminal = (await events(page)).filter(
    (e) => e.type === 'voip-ended' || e.type === 'voip-error',
  );
  assert.equal(terminal.length, calls, `one terminal event per call: ${JSON.stringify(terminal)}`);
  await assertNothingHeld(page);
  await untilNoJanusSessions(3000, admin);
}

/**
 * Notes what the demo page holds at rest, once it has settled: its "After hours" line keeps one
 * timer (the next change of its hours) for as long as the page is open. A call must give back
 * everything else.
 */
export async function markResting(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const line = document.getElementById('after-hours') as { open?: boolean } | null;
    return !line || line.open === false;
  });
  await page.evaluate(() => {
    const w = window as unknown as { vcbResting: unknown; vcbHoldings: () => unknown };
    w.vcbResting = w.vcbHoldings();
  });
}

/**
 * Asserts that the page holds no peer connection, live microphone track, open WebSocket, timer
 * or `pagehide` listener (the leak probe's counts) beyond what it held at rest (see
 * markResting), allowing 3 s for a release to settle.
 */
export async function assertNothingHeld(page: Page): Promise<void> {
  const resting =
    (await page.evaluate(
      () => (window as unknown as { vcbResting?: Holdings }).vcbResting ?? null,
    )) ?? NOTHING_HELD;
  let held = await holdings(page);
  for (let i = 0; !isDeepStrictEqual(held, resting) && i < 30; i++) {
    await new Promise((r) => setTimeout(r, 100));
    held = await holdings(page);
  }
  assert.deepEqual(held, resting, 'the page holds nothing of the call');
}
