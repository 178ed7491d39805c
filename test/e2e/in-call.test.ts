/**
 * End to end, during a call: mute, hold, keypad tones, autoplay, on the real stack (Chromium,
 * Janus, Kamailio, baresip). What the callee receives is read from baresip's recording and
 * control-socket events.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { events, waitForState } from './support/browser.js';
import { AUDIBLE, useStackFixture } from './support/fixture.js';
import { newestRecording } from './support/stack.js';
import { wavRms } from './support/wav.js';

const fixture = useStackFixture();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('during a call', () => {
  it('mute silences what the callee hears, and unmute brings it back; the call stays up', async (t) => {
    const startedAt = Date.now();
    const { context, page } = await fixture.connectedCall({ rawAudio: true });
    // Timeline after the answer: 0-2 s talking, 2-5 s muted, 5-7 s talking again.
    await sleep(2000);
    await page.evaluate(() => window.vcbEl.mute(true));
    assert.equal(
      await page.evaluate(() => window.vcbEl.localStream!.getAudioTracks()[0]!.enabled),
      false,
    );
    await sleep(3000);
    await page.evaluate(() => window.vcbEl.mute(false));
    await sleep(2000);
    assert.equal(await page.evaluate(() => window.vcbEl.state), 'in-call');
    await page.evaluate(() => window.vcbEl.hangup());
    await waitForState(page, 'idle');
    const mutes = (await events(page)).filter((e) => e.type === 'voip-mute').map((e) => e.detail);
    assert.deepEqual(mutes, [{ muted: true }, { muted: false }]);

    await sleep(300); // baresip finishes writing the file after the BYE
    const recording = newestRecording(startedAt);
    assert.ok(recording, 'baresip recorded the call');
    const before = wavRms(recording, 300, 1700).rms;
    const muted = wavRms(recording, 2700, 4300).rms;
    const after = wavRms(recording, 5700, 6700).rms;
    t.diagnostic(
      `recording RMS before ${before.toFixed(4)}, muted ${muted.toFixed(4)}, after ${after.toFixed(4)}`,
    );
    assert.ok(before > AUDIBLE, `the callee hears the caller before the mute (${before})`);
    assert.ok(muted < AUDIBLE / 5, `the callee hears silence while muted (${muted})`);
    assert.ok(after > AUDIBLE, `the callee hears the caller again after unmute (${after})`);
    await context.close();
  });
});
