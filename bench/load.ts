/**
 * `npm run bench:load`: many calls at once through one Janus, on the real local stack. For each
 * size N (BENCH_LOAD_N, default "5 10 20"), N pages spread over several Chromium processes
 * (BENCH_LOAD_BROWSERS, default 4) each place one call to 2000 at the same moment, hold it
 * (BENCH_LOAD_HOLD seconds, default 30), and hang up. Printed per size: calls connected, those
 * still up 5 s after the last was placed, calls whose page hears the callee (its decoder's statistics, as in the Firefox test) and whose caller
 * the callee hears (2000's recording of that call), set-up p50/p95 against one call alone, how
 * the others ended (their events' codes), and Janus's CPU (% of one core over the hold) and
 * memory per call. A call neither answered nor ended after BENCH_LOAD_SETUP_LIMIT s (default
 * 120) counts as stuck. Prints numbers; asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startDemoServer } from '../demo/server.mjs';
import { addButton, launchBrowser } from '../test/e2e/support/browser.js';
import { decodedLevels, keepPeers } from '../test/e2e/support/decoded.js';
import { stack } from '../test/e2e/support/stack.js';
import { wavComplete, wavRms } from '../test/e2e/support/wav.js';

const SIZES = (process.env.BENCH_LOAD_N ?? '5 10 20').trim().split(/\s+/).map(Number);
const BROWSERS = Number(process.env.BENCH_LOAD_BROWSERS ?? 4);
const HOLD_S = Number(process.env.BENCH_LOAD_HOLD ?? 30);
/**
 * How long a call may take to be answered or to end before it counts as stuck: longer than the
 * element's own limits add up to (gateway 10 s, microphone prompt 30 s, ringing 60 s).
 */
const SETUP_LIMIT_MS = Number(process.env.BENCH_LOAD_SETUP_LIMIT ?? 120) * 1000;
/** A level (RMS, 0..1) above this is audio, as in the end-to-end tests. */
const AUDIBLE = 0.01;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Janus's CPU time so far (s) and resident memory (KB), from /proc. */
function janusUsage(): { cpu: number; rssKb: number } {
  const pid = execFileSync('bash', [stack.service, 'janus', 'pid'], { encoding: 'utf8' }).trim();
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  const cpu = (Number(fields[11]) + Number(fields[12])) / ticks;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  return { cpu, rssKb };
}

/** A page with the element, each of its peer connections kept for `decodedLevels`. */
async function openPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext();
  await context.addInitScript(keepPeers);
  const page = await context.newPage();
  await page.goto(url);
  await addButton(page, { rawAudio: true });
  return page;
}

/** Places the call; resolves with how it went: answered (and when) or its event. */
function place(page: Page): Promise<{ outcome: string; setupMs: number }> {
  return page.evaluate(async (limitMs) => {
    const el = window.vcbEl;
    window.vcbLog = [];
    const started = performance.now();
    el.call();
    for (;;) {
      const last = window.vcbLog.find((e) => e.type === 'voip-ended' || e.type === 'voip-error');
      if (el.state === 'in-call')
        return { outcome: 'in-call', setupMs: performance.now() - started };
      if (last) {
        const { code, reason } = last.detail as { code?: string; reason?: string };
        return { outcome: String(code ?? reason), setupMs: performance.now() - started };
      }
      if (performance.now() - started > limitMs)
        return { outcome: `still ${el.state} after ${limitMs / 1000} s`, setupMs: NaN };
      await new Promise((r) => setTimeout(r, 5));
    }
  }, SETUP_LIMIT_MS);
}

const pct = (values: number[], q: number) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
};

const demo = await startDemoServer({ port: 0 });
const browsers = await Promise.all(Array.from({ length: BROWSERS }, () => launchBrowser()));
const rows: string[] = [];
try {
  // One call alone: the idle set-up time.
  const alone = await openPage(browsers[0]!, demo.url);
  await alone.evaluate(() => window.vcbEl.call()); // the chunk and Janus.init, once
  await alone.waitForFunction(() => window.vcbEl.state === 'in-call', null, { timeout: 15_000 });
  await alone.evaluate(() => window.vcbEl.hangup());
  await alone.waitForFunction(() => window.vcbEl.state === 'idle');
  await sleep(500);
  const idle = await place(alone);
  await alone.evaluate(() => window.vcbEl.hangup());
  await alone.context().close();
  console.log(`one call alone: set-up ${idle.setupMs.toFixed(0)} ms (${idle.outcome})`);

  for (const n of SIZES) {
    const pages = await Promise.all(
      Array.from({ length: n }, (_, i) => openPage(browsers[i % BROWSERS]!, demo.url)),
    );
    const startedAt = Date.now();
    const before = janusUsage();
    const results = await Promise.all(pages.map((page) => place(page)));
    const connected = pages.filter((_, i) => results[i]!.outcome === 'in-call');
    const holdStart = { at: Date.now(), usage: janusUsage() };
    await sleep(5000);
    const levels = await Promise.all(
      connected.map(async (page) => (await decodedLevels(page, 2000, 2000))[0] ?? 0),
    );
    // Answered calls may have ended since (the callee hangs up a call whose audio stopped).
    const stillUp = (
      await Promise.all(connected.map((page) => page.evaluate(() => window.vcbEl.state)))
    ).filter((state) => state === 'in-call').length;
    await sleep(Math.max(0, HOLD_S * 1000 - (Date.now() - holdStart.at)));
    const holdEnd = { at: Date.now(), usage: janusUsage() };
    await Promise.all(pages.map((page) => page.evaluate(() => window.vcbEl.hangup())));
    await sleep(3000);
    // The callee's recordings of these calls (baresip closes each once its call ended).
    const recordingsSince = () =>
      readdirSync(stack.recordDir)
        .filter((f) => f.endsWith('-dec.wav'))
        .map((f) => path.join(stack.recordDir, f))
        .filter((f) => statSync(f).mtimeMs >= startedAt);
    for (let waited = 0; waited < 10_000 && !recordingsSince().every(wavComplete); waited += 200) {
      await sleep(200);
    }
    const recorded = recordingsSince().filter(wavComplete);
    const calleeHears = recorded.filter((file) => wavRms(file, 500).rms > AUDIBLE).length;
    const failures = new Map<string, number>();
    for (const r of results) {
      if (r.outcome !== 'in-call') failures.set(r.outcome, (failures.get(r.outcome) ?? 0) + 1);
    }
    const cpuPct =
      ((holdEnd.usage.cpu - holdStart.usage.cpu) / ((holdEnd.at - holdStart.at) / 1000)) * 100;
    const perCallKb = connected.length
      ? (holdStart.usage.rssKb - before.rssKb) / connected.length
      : NaN;
    const setups = results.filter((r) => r.outcome === 'in-call').map((r) => r.setupMs);
    rows.push(
      [
        String(n).padStart(3),
        String(connected.length).padStart(9),
        String(stillUp).padStart(7),
        String(levels.filter((l) => l > AUDIBLE).length).padStart(10),
        String(calleeHears).padStart(12),
        pct(setups, 0.5).toFixed(0).padStart(9),
        pct(setups, 0.95).toFixed(0).padStart(9),
        `${cpuPct.toFixed(1)}`.padStart(9),
        `${perCallKb.toFixed(0)}`.padStart(10),
        `  ${[...failures].map(([code, count]) => `${count} ${code}`).join(', ') || '-'}`,
      ].join(' '),
    );
    console.log(rows.at(-1));
    await Promise.all(pages.map((page) => page.context().close()));
    await sleep(3000);
  }
} finally {
  await Promise.all(browsers.map((b) => b.close()));
  await demo.close();
}
console.log(
  `\nmany calls at once through one Janus, held ${HOLD_S} s, ${BROWSERS} Chromium processes`,
);
console.log(
  '  N connected still up page hears callee hears setup p50 setup p95 janus cpu% KB/call  failures',
);
for (const row of rows) console.log(row);
