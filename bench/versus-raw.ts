/**
 * The element against a minimal raw janus.js client (bench/raw-client.ts), on the real local
 * stack, in one run and interleaved: each round places, in a rotating order, the element's first
 * call of a fresh page, its first call of a tap (the press comes 100 ms before the click; the
 * call chunk starts loading at the press), its first call after the pointer rested on the
 * button (the call chunk pre-warms), the same with the `preconnect` attribute (the gateway
 * session opens and registers too), and the raw client's first call of a fresh page; then one
 * later call on each of the element's pages (with and without `preconnect`) and the raw
 * client's. Time: from call() (or rawCall()) to the answer. Prints p50 and p90 of each and the
 * ratios; asserts nothing. BENCH_ROUNDS sets the rounds (default 7).
 */
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { startDemoServer } from '../demo/server.mjs';
import { addButton, launchBrowser } from '../test/e2e/support/browser.js';
import { stack } from '../test/e2e/support/stack.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
/** A pause between calls, so that the callee has hung up the last one. */
const PAUSE_MS = 400;
/** How long the pointer rests on the button before the click, in the hover runs. */
const HOVER_MS = 1000;
/** How long a tap lasts from the press to its click (a phone has no hover). */
const PRESS_MS = 100;

const bundle = await build({
  entryPoints: [new URL('./raw-client.ts', import.meta.url).pathname],
  bundle: true,
  format: 'esm',
  minify: true,
  write: false,
});
const rawScript = bundle.outputFiles[0]!.text;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A fresh page of `browser` on the demo origin: the element's page, or the raw client's (served
 * by the demo server itself: Chromium lets only a page from a local address reach Janus).
 */
async function freshPage(
  browser: Browser,
  url: string,
  raw: boolean,
  attributes: Record<string, string> = {},
): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(raw ? `${url}__raw__.html` : url);
  if (raw) await page.waitForFunction(() => typeof window.rawCall === 'function');
  else await addButton(page, { attributes });
  return page;
}

/** The element's call: ms from call() to in-call; then hangs up and waits for idle. */
function elementCall(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const el = window.vcbEl;
    const started = performance.now();
    el.call();
    while (el.state !== 'in-call') {
      if (performance.now() - started > 15_000) throw new Error(`stuck in ${el.state}`);
      await new Promise((r) => setTimeout(r, 1));
    }
    const took = performance.now() - started;
    el.hangup();
    while ((el.state as string) !== 'idle') await new Promise((r) => setTimeout(r, 5));
    return took;
  });
}

/**
 * A finger's press: `pointerdown` on the button, then the call `PRESS_MS` later, as a tap's
 * click comes (the call code starts loading at the press). Returns the call's time.
 */
async function pressedCall(page: Page): Promise<number> {
  await page.evaluate(() =>
    window.vcbEl.shadowRoot
      ?.querySelector('button')
      ?.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true })),
  );
  await sleep(PRESS_MS);
  return elementCall(page);
}

/** The raw client's call: ms from rawCall() to the answer; then hangs up. */
async function rawCall(page: Page): Promise<number> {
  const took = await page.evaluate((options) => window.rawCall(options), {
    server: stack.janusWs,
    uri: `sip:${stack.extAnswer}@${stack.sipDomain}`,
    username: `sip:visitor@${stack.sipDomain}`,
  });
  await page.evaluate(() => window.rawHangup());
  return took;
}

const demo = await startDemoServer({
  port: 0,
  extra: {
    '/__raw__.html': {
      type: 'text/html',
      body: '<!doctype html><script type="module" src="/__raw__.js"></script>',
    },
    '/__raw__.js': { type: 'text/javascript', body: rawScript },
  },
});
const browser = await launchBrowser();
const samples = {
  elementFirst: [] as number[],
  elementHover: [] as number[],
  elementPress: [] as number[],
  elementPreconnect: [] as number[],
  rawFirst: [] as number[],
  elementLater: [] as number[],
  elementPreconnectLater: [] as number[],
  rawLater: [] as number[],
};
try {
  const runs: Array<() => Promise<void>> = [
    async () => {
      const page = await freshPage(browser, demo.url, false);
      samples.elementFirst.push(await elementCall(page));
      await sleep(PAUSE_MS);
      samples.elementLater.push(await elementCall(page));
      await page.context().close();
    },
    async () => {
      const page = await freshPage(browser, demo.url, false);
      await page.hover('#under-test');
      await sleep(HOVER_MS);
      samples.elementHover.push(await elementCall(page));
      await page.context().close();
    },
    async () => {
      const page = await freshPage(browser, demo.url, false);
      samples.elementPress.push(await pressedCall(page));
      await page.context().close();
    },
    async () => {
      const page = await freshPage(browser, demo.url, false, { preconnect: '' });
      await page.hover('#under-test');
      await sleep(HOVER_MS);
      samples.elementPreconnect.push(await elementCall(page));
      await sleep(PAUSE_MS);
      samples.elementPreconnectLater.push(await elementCall(page));
      await page.context().close();
    },
    async () => {
      const page = await freshPage(browser, demo.url, true);
      samples.rawFirst.push(await rawCall(page));
      await sleep(PAUSE_MS);
      samples.rawLater.push(await rawCall(page));
      await page.context().close();
    },
  ];
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < runs.length; i++) {
      await runs[(round + i) % runs.length]!();
      await sleep(PAUSE_MS);
    }
  }
} finally {
  await browser.close();
  await demo.close();
}

const pct = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const ms = (v: number) => v.toFixed(0).padStart(6);
const ratio = (a: number[], b: number[]) => (pct(a, 0.5) / pct(b, 0.5)).toFixed(2);
console.log(
  `\nthe element against a raw janus.js client, call() to answered, ${ROUNDS} rounds interleaved, ms`,
);
console.log(
  `${'call'.padEnd(44)} ${'n'.padStart(3)} ${'p50'.padStart(6)} ${'p90'.padStart(6)}  ratio p50`,
);
for (const [label, values, versus] of [
  ['raw janus.js: first call of a page', samples.rawFirst, undefined],
  ['element: first call of a page', samples.elementFirst, samples.rawFirst],
  ['element: first call of a tap (press, 100 ms)', samples.elementPress, samples.rawFirst],
  ['element: first call after a hover (1 s)', samples.elementHover, samples.rawFirst],
  ['element: the same, with preconnect', samples.elementPreconnect, samples.rawFirst],
  ['raw janus.js: later call (same page)', samples.rawLater, undefined],
  ['element: later call (same page)', samples.elementLater, samples.rawLater],
  ['element: the same, with preconnect', samples.elementPreconnectLater, samples.rawLater],
] as const) {
  console.log(
    `${label.padEnd(44)} ${String(values.length).padStart(3)} ${ms(pct(values, 0.5))} ${ms(pct(values, 0.9))}  ${versus ? `${ratio(values, versus)}×` : '—'}`,
  );
}
