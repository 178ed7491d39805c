/**
 * What every end-to-end test file needs, started once per file: the demo server (serving the
 * built bundle), a Chromium with a fake microphone, and a connection to the answering baresip's
 * control socket. Call `useStackFixture()` at the top of a test file.
 */
import { after, afterEach, before } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemoServer } from '../../../demo/server.mjs';
import { addButton, launchBrowser, waitForEvent, type ButtonOptions } from './browser.js';
import { Baresip } from './stack.js';

/** Received audio louder than this is "not silence" (RMS, full scale = 1). */
export const AUDIBLE = 0.01;

export interface StackFixture {
  readonly demoUrl: string;
  readonly browser: Browser;
  readonly baresip: Baresip;
  /** A new browser context on the demo page (of `browser`, or of another one given). */
  freshPage(other?: Browser): Promise<{ context: BrowserContext; page: Page }>;
  /** A fresh page whose test element is in a call that baresip has answered. */
  connectedCall(
    options?: ButtonOptions,
  ): Promise<{ context: BrowserContext; page: Page; mark: number }>;
}

export function useStackFixture(): StackFixture {
  let demo: { url: string; close: () => Promise<void> } | undefined;
  let browser: Browser | undefined;
  let baresip: Baresip | undefined;
  /** Contexts opened by the running test; closed after it, pass or fail. */
  const open = new Set<BrowserContext>();
  afterEach(async () => {
    // A failed test must not leave its call up for the next one: closing the page closes its
    // WebSocket, and Janus then destroys the session (and hangs up the call).
    await Promise.all([...open].map((c) => c.close().catch(() => undefined)));
    open.clear();
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
    async freshPage(other) {
      const context = await (other ?? browser!).newContext();
      open.add(context);
      // Every Content-Security-Policy or Trusted Types violation the page reports.
      await context.addInitScript(() => {
        const found: string[] = [];
        (window as unknown as { vcbViolations: string[] }).vcbViolations = found;
        document.addEventListener('securitypolicyviolation', (e) =>
          found.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sample}`),
        );
      });
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error('[page error]', error));
      await page.goto(demo!.url);
      return { context, page };
    },
    async connectedCall(options) {
      const { context, page } = await fixture.freshPage();
      const mark = baresip!.mark();
      await addButton(page, options);
      await page.evaluate(() => window.vcbEl.call());
      await waitForEvent(page, 'voip-connected');
      await baresip!.waitFor('CALL_ESTABLISHED', 5000, mark);
      return { context, page, mark };
    },
  };
  return fixture;
}

/** The Content-Security-Policy and Trusted Types violations the page has reported. */
export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { vcbViolations: string[] }).vcbViolations);
}
