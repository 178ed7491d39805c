/**
 * HD voice end to end: the element offers Opus, then G.722, then G.711 (the `codecs` attribute
 * sets the order), the gateway relays without transcoding, and the call runs on what the far end
 * picks. The stack's wideband lines 2012 (Opus only) and 2013 (G.722 only) play a 6 kHz tone,
 * which G.711's 300-3,400 Hz band cannot carry; every other line is G.711 only. The visitor's fake microphone
 * here plays a 5 kHz tone, so what the callee records above 4 kHz came through in wideband.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { after, before, TIMEOUT } from './support/test.js';
import { addButton, launchBrowser, waitForEvent, waitForState } from './support/browser.js';
import { AUDIBLE, useStackFixture } from './support/fixture.js';
import { finishedRecording, kamailio, stack, StackLog } from './support/stack.js';

const fixture = useStackFixture();
const wideband = new StackLog(path.join(stack.logDir, 'baresip-2012.log'));
const g722 = new StackLog(path.join(stack.logDir, 'baresip-2013.log'));

/** Where the page's high band starts: above G.711's band, below both test tones. */
const HIGH_HZ = 4500;

let scratch = '';
let visitor: Browser | undefined;
before(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'vcb-wideband-'));
  const tone = path.join(scratch, 'tone-5k.wav');
  const made = spawnSync('sox', [
    ...['-n', '-r', '48000', '-c', '1', '-b', '16', tone],
    ...['synth', '60', 'sine', '5000', 'vol', '0.5'],
  ]);
  assert.equal(made.status, 0, String(made.stderr));
  visitor = await launchBrowser({ audioFile: tone });
});
after(async () => {
  await visitor?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * The page's received audio, RMS averaged over `ms`: over the whole band, and above `HIGH_HZ`
 * (two high-pass filters in a row).
 */
function receivedBands(page: Page, ms = 1500): Promise<{ full: number; high: number }> {
  return page.evaluate(
    async ([duration, cutoff]) => {
      const stream = window.vcbEl.remoteStream;
      if (!stream) return { full: -1, high: -1 };
      const ctx = new AudioContext();
      await ctx.resume();
      const source = ctx.createMediaStreamSource(stream);
      const full = ctx.createAnalyser();
      const high = ctx.createAnalyser();
      const first = new BiquadFilterNode(ctx, { type: 'highpass', frequency: cutoff });
      const second = new BiquadFilterNode(ctx, { type: 'highpass', frequency: cutoff });
      source.connect(full);
      source.connect(first).connect(second).connect(high);
      const buffer = new Float32Array(full.fftSize);
      const sums = { full: 0, high: 0, n: 0 };
      for (const end = performance.now() + duration; performance.now() < end;) {
        await new Promise((r) => setTimeout(r, 100));
        for (const [node, key] of [
          [full, 'full'],
          [high, 'high'],
        ] as const) {
          node.getFloatTimeDomainData(buffer);
          let sum = 0;
          for (const v of buffer) sum += v * v;
          sums[key] += Math.sqrt(sum / buffer.length);
        }
        sums.n += 1;
      }
      await ctx.close();
      return { full: sums.full / sums.n, high: sums.high / sums.n };
    },
    [ms, HIGH_HZ] as const,
  );
}

/** The RMS amplitude (0..1) of a recording above `HIGH_HZ` (sox's sinc high-pass, then stat). */
function recordedHighBand(file: string): number {
  const out = spawnSync('sox', [file, '-n', 'sinc', String(HIGH_HZ), 'stat'], {
    encoding: 'utf8',
  });
  const rms = /RMS\s+amplitude:\s+([\d.]+)/.exec(out.stderr)?.[1];
  assert.ok(rms, `sox stat: ${out.stderr}`);
  return Number(rms);
}

/** The codec the next `voip-quality` names (they come every 3 s once the call is answered). */
async function qualityCodec(page: Page): Promise<Record<string, unknown>> {
  const quality = await waitForEvent(page, 'voip-quality', 8000);
  return { codec: quality.detail['codec'], sampleRateHz: quality.detail['sampleRateHz'] };
}

describe('HD voice', () => {
  it(
    'the wideband line: Opus both ways, the page hears the 6 kHz tone, the callee records the visitor above 4 kHz',
    TIMEOUT,
    async (t) => {
      const { page } = await fixture.freshPage(visitor);
      const since = Date.now();
      const log = wideband.mark();
      await addButton(page, { number: stack.extWideband, rawAudio: true });
      await page.evaluate(() => window.vcbEl.call());
      await waitForEvent(page, 'voip-connected');
      const encoder = await wideband.waitFor(/Set audio encoder: /, 5000, log);
      assert.match(encoder[0]!, /Set audio encoder: opus 48000Hz/i, 'the callee sends Opus');
      assert.deepEqual(await qualityCodec(page), { codec: 'opus', sampleRateHz: 48000 });
      const bands = await receivedBands(page);
      assert.ok(bands.high > AUDIBLE, `above ${HIGH_HZ} Hz: ${bands.high.toFixed(4)}`);
      assert.ok(bands.high > 0.5 * bands.full, `mostly high band: ${JSON.stringify(bands)}`);
      await page.evaluate(() => window.vcbEl.hangup());
      await waitForState(page, 'idle');
      // The call's summary names the codec, and its duration is the callee's.
      const summary = (await waitForEvent(page, 'voip-call-summary')).detail;
      t.diagnostic(`voip-call-summary ${JSON.stringify(summary)}`);
      assert.equal(summary['codec'], 'opus');
      assert.equal(summary['sampleRateHz'], 48000);
      assert.equal(summary['reason'], 'local-hangup');
      assert.ok(Number(summary['samples']) >= 1, `samples: ${String(summary['samples'])}`);
      const [ended] = await wideband.waitFor(/terminated \(duration: \d+ secs\)/, 5000, log);
      const calleeSeconds = Number(/duration: (\d+) secs/.exec(ended!)?.[1]);
      const seconds = Number(summary['durationMs']) / 1000;
      assert.ok(
        Math.abs(seconds - calleeSeconds) <= 1.5,
        `${seconds} s here, ${calleeSeconds} s there`,
      );
      const recording = await finishedRecording(since, 5000, stack.recordDirWideband);
      const high = recordedHighBand(recording);
      assert.ok(high > AUDIBLE, `the callee's recording above ${HIGH_HZ} Hz: ${high}`);
    },
  );

  it(
    'a G.722-only line: the default offer (Opus first) ends on G.722 at 16 kHz, and the page hears the 6 kHz tone',
    TIMEOUT,
    async () => {
      const { page } = await fixture.freshPage(visitor);
      const log = g722.mark();
      await addButton(page, { number: stack.extG722, rawAudio: true });
      await page.evaluate(() => window.vcbEl.call());
      await waitForEvent(page, 'voip-connected');
      const encoder = await g722.waitFor(/Set audio encoder: /, 5000, log);
      assert.match(encoder[0]!, /Set audio encoder: G722/i, 'the callee sends G.722');
      assert.deepEqual(await qualityCodec(page), { codec: 'g722', sampleRateHz: 16000 });
      const bands = await receivedBands(page);
      assert.ok(bands.high > AUDIBLE, `above ${HIGH_HZ} Hz: ${bands.high.toFixed(4)}`);
      assert.ok(bands.high > 0.5 * bands.full, `mostly high band: ${JSON.stringify(bands)}`);
      await page.evaluate(() => window.vcbEl.hangup());
      await waitForState(page, 'idle');
    },
  );

  it(
    'a G.711-only line: the call connects on PCMU, and nothing above 4 kHz reaches the page',
    TIMEOUT,
    async () => {
      const { page } = await fixture.freshPage(visitor);
      await addButton(page, { rawAudio: true });
      await page.evaluate(() => window.vcbEl.call());
      await waitForEvent(page, 'voip-connected');
      assert.deepEqual(await qualityCodec(page), { codec: 'pcmu', sampleRateHz: 8000 });
      const bands = await receivedBands(page);
      assert.ok(bands.full > AUDIBLE, `the greeting is heard: ${bands.full.toFixed(4)}`);
      assert.ok(bands.high < 0.05 * bands.full, `no high band: ${JSON.stringify(bands)}`);
      await page.evaluate(() => window.vcbEl.hangup());
      await waitForState(page, 'idle');
    },
  );

  it(
    'codecs="pcmu pcma" offers no Opus: the Opus-only line refuses the call (488), which ends defined',
    TIMEOUT,
    async () => {
      const { page } = await fixture.freshPage(visitor);
      const log = wideband.mark();
      const since = kamailio.mark();
      await addButton(page, { number: stack.extWideband, attributes: { codecs: 'pcmu pcma' } });
      await page.evaluate(() => window.vcbEl.call());
      const ended = await waitForEvent(page, 'voip-ended', 10_000);
      assert.equal(ended.detail['reason'], 'failed');
      await waitForState(page, 'idle');
      assert.equal(kamailio.lines(/vcb: INVITE call-id=.* to '2012'/, since).length, 1);
      // baresip found no codec of its own in the offer.
      await wideband.waitFor(/no common audio codecs - rejected/, 3000, log);
    },
  );
});
