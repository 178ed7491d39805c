/**
 * End to end in Firefox: Debian's Firefox ESR, headless, driven over WebDriver BiDi by
 * puppeteer-core (Playwright drives only its own patched Firefox), against the same real stack
 * (Janus, Kamailio, baresip) as the Chromium tests. A core subset: an answered call with audio
 * both ways, mute, a busy line, the callee hanging up.
 *
 * Firefox's fake devices (scripts/lib/firefox.mjs) play a tone on the microphone; Firefox leaves
 * 127.0.0.0/8 out of its ICE candidates and hides host addresses behind mDNS names unless told
 * otherwise, and in the stack's namespace every address is one of 127.0.0.0/8 (see firefoxPrefs).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import puppeteer, {
  type Browser,
  type BrowserContext,
  type Page as FirefoxPage,
} from 'puppeteer-core';
import type { Page } from 'playwright-core';
import { firefoxLaunchOptions } from '../../scripts/lib/firefox.mjs';
import { startDemoServer } from '../../demo/server.mjs';
import { after, afterEach, before, TIMEOUT } from './support/test.js';
import {
  addButton,
  events,
  micStopped,
  states,
  waitForEvent,
  waitForState,
} from './support/browser.js';
import { AUDIBLE, assertCalleeGotBye, assertSustained } from './support/fixture.js';
import { Baresip, finishedRecording, stack, untilNoJanusSessions } from './support/stack.js';
import { decodedLevels, keepPeers } from './support/decoded.js';
import { wavRms, wavWindows } from './support/wav.js';

/**
 * The page helpers of support/browser.ts speak Playwright's Page; they use only `evaluate(fn,
 * arg)` and `waitForFunction(fn, arg, { timeout })`, which puppeteer has with other argument
 * orders. This gives them a Firefox page.
 */
function helperPage(page: FirefoxPage): Page {
  const adapter = {
    evaluate: (fn: (arg: unknown) => unknown, arg?: unknown) => page.evaluate(fn, arg),
    waitForFunction: (
      fn: (arg: unknown) => unknown,
      arg?: unknown,
      options: { timeout?: number } = {},
    ) => page.waitForFunction(fn, { timeout: options.timeout ?? 30_000, polling: 50 }, arg),
  };
  return adapter as unknown as Page;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let demo: { url: string; close: () => Promise<void> } | undefined;
let browser: Browser | undefined;
let baresip: Baresip | undefined;
const open = new Set<BrowserContext>();

before(async () => {
  demo = await startDemoServer({ port: 0, testTokens: true });
  browser = await puppeteer.launch(firefoxLaunchOptions());
  baresip = await Baresip.open();
});
afterEach(async () => {
  await Promise.all([...open].map((c) => c.close().catch(() => undefined)));
  open.clear();
});
after(async () => {
  baresip?.close();
  await browser?.close();
  await demo?.close();
});

/** A new browser context on the demo page; its uncaught errors collected. */
async function freshPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser!.createBrowserContext();
  open.add(context);
  const firefoxPage = await context.newPage();
  await firefoxPage.evaluateOnNewDocument(keepPeers); // for decodedLevels
  const errors: string[] = [];
  firefoxPage.on('pageerror', (error) => errors.push(String(error)));
  await firefoxPage.goto(demo!.url);
  return { page: helperPage(firefoxPage), errors };
}

describe('Firefox ESR, a call from the page to a SIP phone', () => {
  it('is Firefox', TIMEOUT, async () => {
    const { page } = await freshPage();
    const agent = await page.evaluate(() => navigator.userAgent);
    assert.match(agent, /Firefox\/\d+/);
  });

  it('connects, carries audio both ways, mutes, and hangs up cleanly', TIMEOUT, async (t) => {
    const { page, errors } = await freshPage();
    const mark = baresip!.mark();
    const startedAt = Date.now();
    await addButton(page, { rawAudio: true });
    await page.evaluate(() => window.vcbEl.call());
    await waitForEvent(page, 'voip-connected', 20_000);
    // The callee's recording starts at the answer.
    const answeredAt = Date.now();
    assert.deepEqual(await states(page), ['connecting', 'calling', 'ringing', 'in-call']);
    const established = await baresip!.waitFor('CALL_ESTABLISHED', 5000, mark);
    t.diagnostic(
      `received: ${assertSustained(await decodedLevels(page), 'the page hears the greeting')}`,
    );
    // Timeline after the greeting check: talking, then 3 s muted, then talking again.
    const muteAt = Date.now();
    await page.evaluate(() => window.vcbEl.mute(true));
    await sleep(3000);
    const unmuteAt = Date.now();
    await page.evaluate(() => window.vcbEl.mute(false));
    await sleep(2000);
    await page.evaluate(() => window.vcbEl.hangup());
    const ended = await waitForEvent(page, 'voip-ended');
    assert.equal(ended.detail['reason'], 'local-hangup');
    await assertCalleeGotBye(baresip!, mark, String(established['id']));
    await waitForState(page, 'idle');
    assert.ok(await micStopped(page), 'the microphone track is stopped');
    await untilNoJanusSessions();
    const mutes = (await events(page)).filter((e) => e.type === 'voip-mute').map((e) => e.detail);
    assert.deepEqual(mutes, [{ muted: true }, { muted: false }]);
    // The media path stayed up all along (Firefox's statistics count its bytes differently).
    assert.deepEqual(
      (await events(page)).filter((e) => e.type === 'voip-reconnecting').map((e) => e.detail),
      [],
    );

    // The callee's recording: Firefox's fake microphone tone before the mute, silence while
    // muted, the tone again after.
    const recording = await finishedRecording(startedAt);
    const offset = (at: number) => at - answeredAt;
    const talking = wavWindows(recording, 300, offset(muteAt) - 300);
    const muted = wavWindows(recording, offset(muteAt) + 700, offset(unmuteAt) - 300);
    const again = wavWindows(recording, offset(unmuteAt) + 700, offset(unmuteAt) + 1700);
    t.diagnostic(`recording RMS ${wavRms(recording).rms.toFixed(4)}`);
    t.diagnostic(`before the mute: ${assertSustained(talking, 'the callee hears the caller')}`);
    assert.ok(
      muted.every((w) => w < AUDIBLE / 5),
      `the callee hears silence while muted: ${muted.map((w) => w.toFixed(4)).join(' ')}`,
    );
    t.diagnostic(`after: ${assertSustained(again, 'the callee hears the caller after unmute')}`);
    assert.deepEqual(errors, []);
  });

  it('a busy line ends with "busy" and SIP 486', TIMEOUT, async () => {
    const { page, errors } = await freshPage();
    await addButton(page, { number: stack.extBusy });
    await page.evaluate(() => window.vcbEl.call());
    const ended = await waitForEvent(page, 'voip-ended', 20_000);
    assert.equal(ended.detail['reason'], 'busy');
    assert.equal(ended.detail['sipCode'], 486);
    await waitForState(page, 'idle');
    assert.ok(await micStopped(page), 'the microphone track is stopped');
    await untilNoJanusSessions();
    assert.deepEqual(errors, []);
  });

  it('the callee hanging up ends the call with "remote-hangup"', TIMEOUT, async () => {
    const { page, errors } = await freshPage();
    const mark = baresip!.mark();
    await addButton(page);
    await page.evaluate(() => window.vcbEl.call());
    await waitForEvent(page, 'voip-connected', 20_000);
    await baresip!.waitFor('CALL_ESTABLISHED', 5000, mark);
    baresip!.command('hangup');
    const ended = await waitForEvent(page, 'voip-ended', 5000);
    assert.equal(ended.detail['reason'], 'remote-hangup');
    await waitForState(page, 'idle');
    assert.ok(await micStopped(page), 'the microphone track is stopped');
    await untilNoJanusSessions();
    assert.deepEqual(errors, []);
  });
});
