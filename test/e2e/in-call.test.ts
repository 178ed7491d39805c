/**
 * End to end, during a call, on the real stack (Chromium, Janus, Kamailio, baresip): mute, hold,
 * keypad tones, ringback, early media, call quality under packet loss, microphone switching and
 * autoplay. What the callee receives is read from baresip's recording and control events, and
 * from Kamailio's log.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TIMEOUT } from './support/test.js';
import type { Page } from 'playwright-core';
import { addButton, events, waitForEvent, waitForState } from './support/browser.js';
import { AUDIBLE, assertHears, assertSustained, useStackFixture } from './support/fixture.js';
import {
  earlyUas,
  finishedRecording,
  impairMedia,
  kamailio,
  literal,
  stack,
} from './support/stack.js';
import { wavRms, wavWindows } from './support/wav.js';
import { setTimeout as sleep } from 'node:timers/promises';

const fixture = useStackFixture();

/** A locator inside the element's in-call panel (Playwright pierces the shadow roots). */
const panel = (page: Page, selector: string) =>
  page.locator(`#under-test voip-call-panel ${selector}`);

/** Counts the oscillators the page starts and stops: the ringback tone is made with them. */
async function watchOscillators(
  page: Page,
): Promise<() => Promise<{ started: number; stopped: number }>> {
  await page.evaluate(() => {
    const counts = { started: 0, stopped: 0 };
    (window as unknown as { vcbOsc: typeof counts }).vcbOsc = counts;
    const proto = OscillatorNode.prototype;
    const { start, stop } = proto;
    proto.start = function (...args) {
      counts.started += 1;
      return start.apply(this, args);
    };
    proto.stop = function (...args) {
      counts.stopped += 1;
      return stop.apply(this, args);
    };
  });
  return () =>
    page.evaluate(() => ({
      ...(window as unknown as { vcbOsc: { started: number; stopped: number } }).vcbOsc,
    }));
}

describe('during a call', () => {
  it(
    'mute silences what the callee hears, and unmute brings it back; the call stays up',
    TIMEOUT,
    async (t) => {
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

      const recording = await finishedRecording(startedAt);
      const before = wavRms(recording, 300, 1700).rms;
      const muted = wavRms(recording, 2700, 4300).rms;
      const after = wavRms(recording, 5700, 6700).rms;
      t.diagnostic(
        `recording RMS before ${before.toFixed(4)}, muted ${muted.toFixed(4)}, after ${after.toFixed(4)}`,
      );
      assert.ok(before > AUDIBLE, `the callee hears the caller before the mute (${before})`);
      assert.ok(muted < AUDIBLE / 5, `the callee hears silence while muted (${muted})`);
      assert.ok(after > AUDIBLE, `the callee hears the caller again after unmute (${after})`);
      t.diagnostic(
        `before: ${assertSustained(wavWindows(recording, 300, 1700), 'the callee hears the caller before the mute')}`,
      );
      const quiet = wavWindows(recording, 2700, 4300);
      assert.ok(
        quiet.every((w) => w < AUDIBLE / 5),
        `every window is silent while muted: ${quiet.map((w) => w.toFixed(4)).join(' ')}`,
      );
      t.diagnostic(
        `after: ${assertSustained(wavWindows(recording, 5700, 6700), 'the callee hears the caller again after unmute')}`,
      );
      await context.close();
    },
  );

  it(
    'hold sends a re-INVITE with sendonly and resume one with sendrecv; "On hold" shows meanwhile',
    TIMEOUT,
    async () => {
      const since = kamailio.mark();
      const { context, page, mark, callId } = await fixture.connectedCall();
      await page.locator('#under-test').getByRole('button', { name: 'Hold' }).click();
      await waitForEvent(page, 'voip-hold');
      assert.equal(await page.locator('#under-test [part="status"]').textContent(), 'On hold');
      assert.equal(await page.evaluate(() => window.vcbEl.state), 'in-call');
      assert.equal(
        await page
          .locator('#under-test')
          .getByRole('button', { name: 'Hold' })
          .getAttribute('aria-pressed'),
        'true',
      );
      await page.evaluate(() => window.vcbEl.hold(false));
      await waitForEvent(page, 'voip-hold', 5000, 2);
      const holds = (await events(page)).filter((e) => e.type === 'voip-hold').map((e) => e.detail);
      assert.deepEqual(holds, [
        { onHold: true, by: 'local' },
        { onHold: false, by: 'local' },
      ]);
      // Kamailio may log the second re-INVITE a moment after Janus acknowledged the resume.
      // This call's (baresip's call id is the SIP Call-ID), since the test began.
      const reinvites = await kamailio.waitFor(
        new RegExp(`re-INVITE call-id=${literal(callId)} .*to=2000`),
        3000,
        since,
        2,
      );
      assert.equal(reinvites.length, 2, `two re-INVITEs: ${reinvites.join(' | ')}`);
      assert.match(reinvites[0] ?? '', /sdp-direction=sendonly/, 'the callee was put on hold');
      assert.match(reinvites[1] ?? '', /sdp-direction=sendrecv/, 'the callee was taken off hold');
      // baresip reports no hold state of its own; it does report each re-INVITE's new offer
      // (its control socket may tell a moment after Kamailio logged the re-INVITE).
      const remoteOffers = () =>
        fixture.baresip
          .events(mark)
          .filter((e) => e.type === 'CALL_REMOTE_SDP' && e.param === 'offer');
      for (let i = 0; i < 30 && remoteOffers().length < 3; i++) await sleep(100);
      const offers = remoteOffers();
      assert.ok(
        offers.length >= 3,
        `the callee got the INVITE and two re-INVITEs (${offers.length})`,
      );
      await page.evaluate(() => window.vcbEl.hangup());
      await waitForState(page, 'idle');
      await context.close();
    },
  );

  for (const mode of ['rfc4733', 'info'] as const) {
    it(
      `keypad tones reach the callee in order (${mode === 'info' ? 'SIP INFO' : 'RFC 4733'})`,
      TIMEOUT,
      async (t) => {
        const since = kamailio.mark();
        const { context, page, mark, callId } = await fixture.connectedCall({ dtmfMode: mode });
        const digits = '0123456789*#';
        const started = Date.now();
        await page.evaluate((d) => window.vcbEl.sendDtmf(d), digits);
        const deadline = Date.now() + 10_000;
        const received = () =>
          fixture.baresip
            .events(mark)
            .filter((e) => e.type === 'CALL_DTMF_START')
            .map((e) => e.param)
            .join('');
        while (received().length < digits.length && Date.now() < deadline) await sleep(100);
        t.diagnostic(`${digits.length} tones received in ${Date.now() - started} ms`);
        if (received() !== digits) {
          // What the page and 2000 saw, for a failure that says why.
          const seen = await page.evaluate(() => {
            const pc = (window as unknown as { vcbPeers: () => RTCPeerConnection[] })
              .vcbPeers()
              .at(-1);
            const sender = pc?.getSenders().find((s) => s.track?.kind === 'audio');
            return {
              canInsertDTMF: sender?.dtmf?.canInsertDTMF,
              toneBuffer: sender?.dtmf?.toneBuffer,
              telephoneEvent: /telephone-event/.test(pc?.remoteDescription?.sdp ?? ''),
              connection: pc?.connectionState,
            };
          });
          const farEvents = fixture.baresip.events(mark).map((e) => `${e.type} ${e.param ?? ''}`);
          const pageEvents = (await events(page)).map(
            (e) => `${e.type} ${JSON.stringify(e.detail)}`,
          );
          t.diagnostic(JSON.stringify({ seen, farEvents, pageEvents }));
        }
        assert.equal(received(), digits);
        const sent = (await events(page))
          .filter((e) => e.type === 'voip-dtmf')
          .map((e) => e.detail);
        assert.deepEqual(sent, [{ digits }]);
        const infos = kamailio.lines(new RegExp(`vcb: INFO call-id=${literal(callId)} `), since);
        if (mode === 'info') {
          assert.equal(
            infos.filter((l) => /dtmf-relay/.test(l)).length,
            digits.length,
            'one SIP INFO (application/dtmf-relay) a digit, in this call',
          );
        } else {
          assert.deepEqual(
            kamailio.lines(/vcb: INFO call-id=/, since),
            [],
            'RFC 4733 tones travel in the media: no SIP INFO at all',
          );
        }
        await page.evaluate(() => window.vcbEl.hangup());
        await waitForState(page, 'idle');
        await context.close();
      },
    );
  }

  it(
    'invalid digits are refused with invalid-digits and nothing reaches the callee',
    TIMEOUT,
    async () => {
      const { context, page, mark } = await fixture.connectedCall();
      await page.evaluate(() => window.vcbEl.sendDtmf('12a'));
      const error = await waitForEvent(page, 'voip-error');
      assert.equal(error.detail['code'], 'invalid-digits');
      await sleep(1000);
      assert.deepEqual(
        fixture.baresip.events(mark).filter((e) => e.type === 'CALL_DTMF_START'),
        [],
      );
      assert.equal(await page.evaluate(() => window.vcbEl.state), 'in-call');
      await page.evaluate(() => window.vcbEl.hangup());
      await waitForState(page, 'idle');
      await context.close();
    },
  );

  it(
    'a ringing line plays a ringback tone until the answer; the timer starts at the answer',
    TIMEOUT,
    async (t) => {
      const { context, page } = await fixture.freshPage();
      const oscillators = await watchOscillators(page);
      await addButton(page, { number: stack.extRinging });
      await page.evaluate(() => window.vcbEl.call());
      await waitForState(page, 'ringing');
      await sleep(1000);
      const ringing = await oscillators();
      assert.ok(
        ringing.started > 0 && ringing.stopped === 0,
        `ringback plays: ${JSON.stringify(ringing)}`,
      );
      assert.equal(await page.evaluate(() => window.vcbEl.durationMs), 0);
      // Nothing is sent before the answer: tones are refused.
      await page.evaluate(() => window.vcbEl.sendDtmf('1'));
      assert.equal((await waitForEvent(page, 'voip-error')).detail['code'], 'not-in-call');
      await waitForEvent(page, 'voip-connected', 10_000);
      const answered = await oscillators();
      assert.equal(answered.stopped, answered.started, 'ringback stops at the answer');
      t.diagnostic(
        `after the answer: ${await assertHears(page, 'then the visitor hears the callee')}`,
      );
      await page.evaluate(() => window.vcbEl.hangup());
      await waitForState(page, 'idle');
      await context.close();
    },
  );

  it(
    'early media (183 with audio) is heard before the answer, with no ringback and no timer',
    TIMEOUT,
    async (t) => {
      const since = earlyUas.mark();
      const { context, page } = await fixture.freshPage();
      const oscillators = await watchOscillators(page);
      await addButton(page, { number: stack.extEarly });
      await page.evaluate(() => window.vcbEl.call());
      await waitForState(page, 'ringing');
      t.diagnostic(
        `early media: ${await assertHears(page, 'the announcement is heard before the answer', 2000)}`,
      );
      assert.deepEqual(await oscillators(), { started: 0, stopped: 0 });
      assert.equal(await page.evaluate(() => window.vcbEl.state), 'ringing');
      assert.equal(await page.evaluate(() => window.vcbEl.durationMs), 0);
      assert.equal((await events(page)).filter((e) => e.type === 'voip-connected').length, 0);
      await page.evaluate(() => window.vcbEl.hangup());
      const ended = await waitForEvent(page, 'voip-ended');
      assert.equal(ended.detail['reason'], 'cancelled');
      assert.equal(ended.detail['durationMs'], 0);
      // The responder got the CANCEL of the call it was playing early media to.
      const [invite] = earlyUas.lines(/early-uas: INVITE call-id=/, since);
      const callId = /call-id=(\S+)/.exec(invite ?? '')?.[1];
      assert.ok(callId, `the responder logged the INVITE: ${String(invite)}`);
      const cancels = await earlyUas.waitFor(/early-uas: CANCEL call-id=/, 3000, since);
      assert.equal(cancels.length, 1, cancels.join(' | '));
      assert.match(cancels[0]!, new RegExp(`CANCEL call-id=${literal(callId)} .*-> 487`));
      await context.close();
    },
  );

  it(
    'packet loss raises the poor-connection warning, which clears once the loss stops',
    TIMEOUT,
    async (t) => {
      const { context, page } = await fixture.connectedCall();
      const samples = () =>
        events(page).then((all) => all.filter((e) => e.type === 'voip-quality'));
      await waitForEvent(page, 'voip-quality', 10_000);
      const clean = (await samples()).at(-1)!.detail;
      t.diagnostic(`clean: ${JSON.stringify(clean)}`);
      assert.equal(clean['poor'], false);
      const warning = page.locator('#under-test voip-call-panel [part="quality-warning"]');
      impairMedia(30);
      try {
        await warning.waitFor({ timeout: 20_000 });
        const lossy = (await samples()).at(-1)!.detail;
        t.diagnostic(`30% loss: ${JSON.stringify(lossy)}`);
        assert.equal(lossy['poor'], true);
        assert.ok(Number(lossy['mos']) < 3.5);
      } finally {
        impairMedia('off');
      }
      await warning.waitFor({ state: 'detached', timeout: 20_000 });
      const healed = (await samples()).at(-1)!.detail;
      t.diagnostic(`after: ${JSON.stringify(healed)}`);
      assert.equal(healed['poor'], false);
      await page.evaluate(() => window.vcbEl.hangup());
      await waitForState(page, 'idle');
      await context.close();
    },
  );

  it(
    'the audio settings switch the microphone mid-call without dropping it, and remember it',
    TIMEOUT,
    async (t) => {
      const startedAt = Date.now();
      const { context, page } = await fixture.connectedCall({ rawAudio: true });
      const answeredAt = (await events(page)).find((e) => e.type === 'voip-connected')!.at;
      await panel(page, '[part~="settings-toggle"]').click();
      const select = panel(page, '#settings select').first();
      await select.locator('option').first().waitFor({ state: 'attached' });
      const options = await select
        .locator('option')
        .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
      t.diagnostic(`${options.length} microphones listed`);
      assert.ok(options.length >= 2, 'Chromium offers several fake microphones');
      const before = await page.evaluate(
        () => window.vcbEl.localStream!.getAudioTracks()[0]!.getSettings().deviceId,
      );
      const other = options.find((id) => id !== before)!;
      await select.selectOption(other);
      await page.waitForFunction(
        (id) => window.vcbEl.localStream?.getAudioTracks()[0]?.getSettings().deviceId === id,
        other,
      );
      const switchedAt = await page.evaluate(() => performance.now());
      await sleep(2500);
      assert.equal(await page.evaluate(() => window.vcbEl.state), 'in-call');
      const inputLevel = await panel(page, 'meter[part="level"]')
        .first()
        .evaluate((m) => (m as HTMLMeterElement).value);
      assert.ok(inputLevel > 0, `the microphone meter moves (${inputLevel})`);
      const outputLevel = await panel(page, 'meter[part="level"]')
        .last()
        .evaluate((m) => (m as HTMLMeterElement).value);
      assert.ok(outputLevel > 0, `the call audio meter moves (${outputLevel})`);
      const speakers = panel(page, '#settings select').nth(1);
      const outputs = (await speakers.count())
        ? await speakers
            .locator('option')
            .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value))
        : [];
      t.diagnostic(`${outputs.length} speakers listed`);
      if (outputs.length > 1) {
        const chosen = outputs.at(-1)!;
        await speakers.selectOption(chosen);
        await panel(page, 'audio').evaluate(async (audio, id) => {
          const end = performance.now() + 3000;
          while ((audio as HTMLAudioElement & { sinkId: string }).sinkId !== id) {
            if (performance.now() > end) throw new Error(`sinkId is not ${id}`);
            await new Promise((r) => setTimeout(r, 50));
          }
        }, chosen);
      }
      const remembered = await page.evaluate(() =>
        localStorage.getItem('voip-call-button.audio-devices'),
      );
      assert.equal((JSON.parse(remembered ?? '{}') as { microphone?: string }).microphone, other);
      const endedAt = await page.evaluate(() => {
        window.vcbEl.hangup();
        return performance.now();
      });
      await waitForState(page, 'idle');
      const recording = await finishedRecording(startedAt);
      const callSeconds = (endedAt - answeredAt) / 1000;
      const { rms, seconds } = wavRms(
        recording,
        switchedAt - answeredAt + 500,
        endedAt - answeredAt - 300,
      );
      t.diagnostic(
        `after the switch the callee hears RMS ${rms.toFixed(4)} (${seconds.toFixed(1)} s recorded of a ${callSeconds.toFixed(1)} s call)`,
      );
      assert.ok(Math.abs(seconds - callSeconds) < 1.5, 'the recording is this call');
      assert.ok(rms > AUDIBLE, 'the callee still hears the caller after the switch');
      t.diagnostic(
        `after the switch: ${assertSustained(
          wavWindows(recording, switchedAt - answeredAt + 500, endedAt - answeredAt - 300),
          'the callee still hears the caller after the switch',
        )}`,
      );
      await context.close();
    },
  );

  it(
    'when playback needs a gesture, the call goes on and "Tap to hear" resumes the audio',
    TIMEOUT,
    async () => {
      // Chromium lets a page play a call's MediaStream without a gesture (and Playwright's
      // evaluate() counts as one); other browsers may refuse. This page gets the stricter rule:
      // play() is refused unless a real (trusted) click happened in the last second.
      const { context, page } = await fixture.freshPage();
      await page.evaluate(() => {
        let clickedAt = -Infinity;
        document.addEventListener(
          'click',
          (e) => {
            if (e.isTrusted) clickedAt = performance.now();
          },
          true,
        );
        const play = HTMLMediaElement.prototype.play;
        HTMLMediaElement.prototype.play = function () {
          if (performance.now() - clickedAt > 1000) {
            return Promise.reject(
              new DOMException('play() needs a user gesture', 'NotAllowedError'),
            );
          }
          return play.call(this);
        };
      });
      await addButton(page);
      await page.evaluate(() => window.vcbEl.call()); // from script: no user gesture
      await waitForEvent(page, 'voip-connected');
      const tap = page.locator('#under-test').getByRole('button', { name: 'Tap to hear the call' });
      await tap.waitFor({ timeout: 5000 });
      assert.equal(await page.evaluate(() => window.vcbEl.state), 'in-call');
      await tap.click(); // a real user gesture
      await tap.waitFor({ state: 'detached', timeout: 5000 });
      const paused = await panel(page, 'audio').evaluate((a) => (a as HTMLAudioElement).paused);
      assert.equal(paused, false, 'the call audio plays');
      await page.evaluate(() => window.vcbEl.hangup());
      await waitForState(page, 'idle');
      await context.close();
    },
  );
});
