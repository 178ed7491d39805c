/**
 * Call set-up latency on the real local stack (run inside stack/with-stack.sh by
 * scripts/bench.mjs). For each call it records, on the page's clock, the time from call() to
 * each state, to the first audible received audio, from sendMessage() to the text's delivery
 * report, and from hangup() back to idle; then one video call per page (extension 2010,
 * `video="optional"`): from camera(true) to its re-INVITE answered, and to the far end's video
 * showing. The first
 * call of each page is "cold" (downloads the call chunk, Janus.init); the rest are "warm".
 * Prints numbers; asserts nothing.
 */
import { startDemoServer } from '../demo/server.mjs';
import { addButton, launchBrowser } from '../test/e2e/support/browser.js';

const PAGES = Number(process.env.BENCH_PAGES ?? 3);
const CALLS_PER_PAGE = Number(process.env.BENCH_CALLS_PER_PAGE ?? 4);

/** One video call: camera(true) turned on mid-call. */
interface VideoSample {
  /** camera(true) until it resolved: the camera open and the re-INVITE answered. */
  cameraOn: number;
  /** camera(true) until the far end's video shows (`remoteVideo`: frames arrive). */
  remoteVideo: number;
}

interface Sample {
  cold: boolean;
  calling: number;
  ringing: number;
  inCall: number;
  firstAudio: number;
  /** sendMessage() until the far end's 200 (baresip), in the answered call. */
  messageDelivered: number;
  hangupToIdle: number;
}

const demo = await startDemoServer({ port: 0 });
const browser = await launchBrowser();
const samples: Sample[] = [];
const videoSamples: VideoSample[] = [];
try {
  for (let p = 0; p < PAGES; p++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(demo.url);
    await addButton(page);
    // Anonymous callbacks only inside evaluate(): tsx would wrap named ones in a __name() helper
    // that does not exist in the page.
    await page.evaluate(() => {
      window.vcbEl.addEventListener('voip-state-change', (e) => {
        const at = (window as unknown as { vcbAt: Record<string, number> }).vcbAt;
        at[e.detail.state] ??= performance.now();
      });
    });
    for (let c = 0; c < CALLS_PER_PAGE; c++) {
      const sample = await page.evaluate(async () => {
        const el = window.vcbEl;
        const at: Record<string, number> = {};
        (window as unknown as { vcbAt: Record<string, number> }).vcbAt = at;
        const t0 = performance.now();
        el.call();
        while (el.state !== 'in-call') {
          if (performance.now() - t0 > 15_000) throw new Error(`stuck in ${el.state}`);
          await new Promise((r) => setTimeout(r, 2));
        }
        // First audible received audio, sampled every 5 ms with an analyser. The remote track
        // arrives once janus.js has applied the answer, just after the state says in-call.
        while (!el.remoteStream) await new Promise((r) => setTimeout(r, 2));
        const ctx = new AudioContext();
        const analyser = ctx.createAnalyser();
        ctx.createMediaStreamSource(el.remoteStream!).connect(analyser);
        const buf = new Float32Array(analyser.fftSize);
        let firstAudio = NaN;
        while (performance.now() - t0 < 10_000) {
          analyser.getFloatTimeDomainData(buf);
          if (Math.sqrt(buf.reduce((s, v) => s + v * v, 0) / buf.length) > 0.01) {
            firstAudio = performance.now();
            break;
          }
          await new Promise((r) => setTimeout(r, 5));
        }
        await ctx.close();
        // A text message, from sendMessage() to the far end's final answer (SIP MESSAGE 200).
        const m0 = performance.now();
        const messageDelivered = await el.sendMessage('bench').then(
          () => performance.now() - m0,
          () => NaN,
        );
        const h0 = performance.now();
        el.hangup();
        while ((el.state as string) !== 'idle') await new Promise((r) => setTimeout(r, 2));
        const idle = performance.now();
        return {
          calling: at['calling']! - t0,
          ringing: at['ringing']! - t0,
          inCall: at['in-call']! - t0,
          firstAudio: firstAudio - t0,
          messageDelivered,
          hangupToIdle: idle - h0,
        };
      });
      samples.push({ cold: c === 0, ...sample });
    }
    videoSamples.push(
      await page.evaluate(
        async ({ ext }) => {
          const el = window.vcbEl;
          el.setAttribute('number', ext);
          el.setAttribute('video', 'optional');
          el.call();
          const t0 = performance.now();
          while (el.state !== 'in-call') {
            if (performance.now() - t0 > 15_000) throw new Error(`stuck in ${el.state}`);
            await new Promise((r) => setTimeout(r, 2));
          }
          const c0 = performance.now();
          await el.camera(true);
          const cameraOn = performance.now() - c0;
          while (!el.remoteVideo) {
            if (performance.now() - c0 > 15_000) throw new Error('no video from the far end');
            await new Promise((r) => setTimeout(r, 2));
          }
          const remoteVideo = performance.now() - c0;
          el.hangup();
          while ((el.state as string) !== 'idle') await new Promise((r) => setTimeout(r, 2));
          return { cameraOn, remoteVideo };
        },
        { ext: process.env.VCB_EXT_VIDEO ?? '2010' },
      ),
    );
    await context.close();
  }
} finally {
  await browser.close();
  await demo.close();
}

const columns: Array<[keyof Omit<Sample, 'cold'>, string]> = [
  ['calling', 'call() → calling (INVITE sent)'],
  ['ringing', 'call() → ringing'],
  ['inCall', 'call() → in-call (answered)'],
  ['firstAudio', 'call() → first received audio'],
  ['messageDelivered', 'sendMessage() → delivered (200)'],
  ['hangupToIdle', 'hangup() → idle (released)'],
];
const pct = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
console.log(
  `\ncall latency on the local stack: ${samples.length} calls (${PAGES} pages x ${CALLS_PER_PAGE}), ms`,
);
console.log(
  `${'measure'.padEnd(34)} ${'kind'.padEnd(5)} ${'n'.padStart(3)} ${'min'.padStart(6)} ${'p50'.padStart(6)} ${'p90'.padStart(6)} ${'max'.padStart(6)}`,
);
for (const [key, label] of columns) {
  for (const cold of [true, false]) {
    const values = samples
      .filter((s) => s.cold === cold)
      .map((s) => s[key])
      .filter(Number.isFinite);
    if (values.length === 0) continue;
    const row = [Math.min(...values), pct(values, 0.5), pct(values, 0.9), Math.max(...values)].map(
      (v) => v.toFixed(0).padStart(6),
    );
    console.log(
      `${label.padEnd(34)} ${(cold ? 'cold' : 'warm').padEnd(5)} ${String(values.length).padStart(3)} ${row.join(' ')}`,
    );
  }
}
for (const [key, label] of [
  ['cameraOn', 'camera(true) → re-INVITE answered'],
  ['remoteVideo', "camera(true) → far end's video"],
] as const) {
  const values = videoSamples.map((v) => v[key]);
  const row = [Math.min(...values), pct(values, 0.5), pct(values, 0.9), Math.max(...values)].map(
    (v) => v.toFixed(0).padStart(6),
  );
  console.log(
    `${label.padEnd(34)} ${'video'.padEnd(5)} ${String(values.length).padStart(3)} ${row.join(' ')}`,
  );
}
