/**
 * End to end, video on the real stack: calls to extension 2010 (a baresip that answers with VP8
 * video from a fake camera and decodes what it receives), from Chromium with its fake camera.
 * Confirmed at both ends: the page's own WebRTC statistics (frames decoded and sent, the codec,
 * the received audio's packets) and baresip's decoder figures (ctrl_tcp `video_debug`) and log.
 * Also: the camera refused and no camera at all (real browser configurations, no stubs), and a
 * voice call that fetches none of the video code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { TIMEOUT } from './support/test.js';
import {
  addButton,
  events,
  launchBrowser,
  waitForEvent,
  waitForState,
  type ButtonOptions,
} from './support/browser.js';
import { cspViolations, useStackFixture } from './support/fixture.js';
import { holdings, type Holdings } from './support/probe.js';
import {
  Baresip,
  VIDEO_RECEIVING,
  baresipVideoLog,
  baresipVideoStats,
  untilNoJanusSessions,
  videoLine,
  type BaresipVideoStats,
} from './support/stack.js';

const fixture = useStackFixture();

/** The baresip behind 2010 (its ctrl_tcp takes one client: this file's). */
let far: Baresip;
before(async () => {
  far = await Baresip.open(videoLine.baresipCtrl);
});
after(() => far.close());

/** What the page's peer connection says about the call's media now. */
interface PageMedia {
  /** Received video: frames decoded, size, codec ("video/VP8"); 0 / "" without. */
  inFrames: number;
  inWidth: number;
  inCodec: string;
  /** Sent video: frames encoded, the label of the track sent ("" when none). */
  outFrames: number;
  outLabel: string;
  /** Received audio packets. */
  audioPackets: number;
  /** The video m-line of the page's last offer or answer (its payload names). */
  localVideoCodecs: string;
}

async function pageMedia(page: Page): Promise<PageMedia> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { vcbPeers: () => RTCPeerConnection[] }).vcbPeers();
    const pc = pcs.at(-1);
    const media = {
      inFrames: 0,
      inWidth: 0,
      inCodec: '',
      outFrames: 0,
      outLabel: '',
      audioPackets: 0,
      localVideoCodecs: '',
    };
    if (!pc) return media;
    const report = await pc.getStats();
    const codecs = new Map<string, string>();
    report.forEach((s: { type: string; id: string; mimeType?: string }) => {
      if (s.type === 'codec') codecs.set(s.id, s.mimeType ?? '');
    });
    report.forEach(
      (s: {
        type: string;
        kind?: string;
        framesDecoded?: number;
        framesEncoded?: number;
        frameWidth?: number;
        codecId?: string;
        packetsReceived?: number;
      }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') {
          media.inFrames = s.framesDecoded ?? 0;
          media.inWidth = s.frameWidth ?? 0;
          media.inCodec = codecs.get(s.codecId ?? '') ?? '';
        }
        if (s.type === 'outbound-rtp' && s.kind === 'video') media.outFrames = s.framesEncoded ?? 0;
        if (s.type === 'inbound-rtp' && s.kind === 'audio')
          media.audioPackets = s.packetsReceived ?? 0;
      },
    );
    const sender = pc.getSenders().find((s) => s.track?.kind === 'video');
    media.outLabel = sender?.track?.label ?? '';
    const sdp = pc.localDescription?.sdp ?? '';
    const video = sdp.split('m=').find((m) => m.startsWith('video')) ?? '';
    media.localVideoCodecs = [...video.matchAll(/a=rtpmap:\d+ ([\w-]+)\//g)]
      .map((m) => m[1])
      .join(' ');
    return media;
  });
}

/** Polls `check` on the page's media until it holds; fails with the last figures. */
async function untilMedia(page: Page, check: (m: PageMedia) => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  let last = await pageMedia(page);
  while (!check(last)) {
    if (Date.now() > end) assert.fail(`page media not as expected: ${JSON.stringify(last)}`);
    await sleep(200);
    last = await pageMedia(page);
  }
  return last;
}

/** Polls 2010's decoder figures until `check` holds. */
async function untilFarEnd(check: (s: BaresipVideoStats) => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    const stats = await baresipVideoStats(far).catch((e: unknown) => String(e));
    if (typeof stats !== 'string' && check(stats)) return stats;
    if (Date.now() > end) assert.fail(`2010's video not as expected: ${JSON.stringify(stats)}`);
    await sleep(250);
  }
}

/**
 * Starts watching the received audio; `stop` returns how many milliseconds of it the page had to
 * conceal meanwhile (the far end's audio missing or late, as the visitor hears it). Read from
 * the inbound audio's own counters at the start and the end (`concealedSamples` of
 * `totalSamplesReceived`, over the time between), not by polling: a page busy starting its
 * camera delays a poll, not the audio, and a poll once measured such a delay as a gap.
 */
async function startAudioWatch(page: Page): Promise<{ stop: () => Promise<number> }> {
  const sample = () =>
    page.evaluate(async () => {
      const pc = (window as unknown as { vcbPeers: () => RTCPeerConnection[] }).vcbPeers().at(-1)!;
      const report = await pc.getStats();
      let audio = { concealed: 0, total: 0, at: performance.now() };
      report.forEach(
        (s: {
          type: string;
          kind?: string;
          concealedSamples?: number;
          totalSamplesReceived?: number;
        }) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio') {
            audio = {
              concealed: s.concealedSamples ?? 0,
              total: s.totalSamplesReceived ?? 0,
              at: audio.at,
            };
          }
        },
      );
      return audio;
    });
  const first = await sample();
  return {
    stop: async () => {
      const last = await sample();
      const total = last.total - first.total;
      assert.ok(total > 0, 'audio was received meanwhile');
      return Math.round(((last.concealed - first.concealed) / total) * (last.at - first.at));
    },
  };
}

/** A call to 2010 from a fresh page (or `page`), connected and established at baresip. */
async function videoCall(options: ButtonOptions, page?: Page) {
  const opened = page ? { page } : await fixture.freshPage();
  const mark = far.mark();
  const log = baresipVideoLog().mark();
  await addButton(opened.page, { number: videoLine.ext, ...options });
  await opened.page.evaluate(() => window.vcbEl.call());
  await waitForEvent(opened.page, 'voip-connected');
  const established = await far.waitFor('CALL_ESTABLISHED', 5000, mark);
  return { page: opened.page, mark, log, callId: String(established['id']) };
}

/** `camera(on)` / `shareScreen(on)` in the page: how it settled. */
function act(page: Page, action: 'camera' | 'shareScreen', on: boolean) {
  return page.evaluate(
    ([a, o]) =>
      window.vcbEl[a](o).then(
        () => ({ ok: true }),
        (e: { code?: string }) => ({ ok: false, code: e.code }),
      ),
    [action, on] as const,
  );
}

/** The element's voip-video details, in order. */
async function videoEvents(page: Page) {
  return (await events(page)).filter((e) => e.type === 'voip-video').map((e) => e.detail);
}

/** Hangs up and checks that everything the call opened (camera included) is released. */
async function hangUpReleased(page: Page, mark: number, callId: string) {
  await page.evaluate(() => window.vcbEl.hangup());
  await waitForState(page, 'idle');
  await far.waitFor('CALL_CLOSED', 5000, mark, callId);
  await untilNoJanusSessions();
  const held = await holdings(page);
  assert.equal(held.liveTracks, 0, 'microphone and camera tracks stopped');
  assert.equal(held.peerConnections, 0, 'peer connection closed');
}

describe('video calls', () => {
  it(
    'video="on": VP8 both ways (page frames decoded, 2010 decodes VP8 640x480), audio too',
    TIMEOUT,
    async () => {
      const { page, mark, log, callId } = await videoCall({ attributes: { video: 'on' } });
      // The page offered VP8 only (VP9 breaks towards baresip).
      const media = await untilMedia(page, (m) => m.inFrames > 15 && m.outFrames > 15);
      assert.equal(media.inCodec, 'video/VP8');
      assert.equal(media.localVideoCodecs, 'VP8', 'only VP8 in the video m-line');
      assert.equal(media.outLabel, 'fake_device_0', 'the camera is sent');
      // The far end decodes what the page sends, at most 640x480 (video-quality standard).
      const stats = await untilFarEnd((s) => s.framesDecoded > 15);
      assert.equal(stats.decoder, 'VP8');
      assert.deepEqual([stats.width, stats.height], [640, 480]);
      assert.equal(stats.encoder, 'VP8');
      assert.ok(stats.framesSent > 15, stats.text);
      const [line] = await baresipVideoLog().waitFor(VIDEO_RECEIVING, 5000, log);
      assert.match(String(line), /640 x 480/);
      // Audio flows alongside.
      const before = media.audioPackets;
      await sleep(500);
      assert.ok((await pageMedia(page)).audioPackets > before + 10, 'audio keeps arriving');
      // The element: its state, its event, and the view showing both videos.
      const element = await page.evaluate(() => ({
        cameraOn: window.vcbEl.cameraOn,
        remoteVideo: window.vcbEl.remoteVideo,
        sharingScreen: window.vcbEl.sharingScreen,
      }));
      assert.deepEqual(element, { cameraOn: true, remoteVideo: true, sharingScreen: false });
      assert.deepEqual((await videoEvents(page)).at(-1), { local: 'camera', remote: true });
      const view = page.locator('#under-test voip-call-panel voip-video-view');
      await page.waitForFunction(() => {
        const v = document
          .querySelector('#under-test')
          ?.shadowRoot?.querySelector('voip-call-panel')
          ?.shadowRoot?.querySelector('voip-video-view')
          ?.shadowRoot?.querySelector<HTMLVideoElement>('[part="remote-video"]');
        return (v?.videoWidth ?? 0) > 0;
      });
      assert.equal(await view.locator('[part="local-video"]').count(), 1);
      // Full screen for the far end's video (a click is the gesture the browser asks for).
      const full = view.locator('[part="fullscreen"]');
      await full.click();
      await page.waitForFunction(() => document.fullscreenElement !== null);
      assert.equal(await full.getAttribute('aria-pressed'), 'true');
      assert.equal(await view.evaluate((v) => v.matches(':fullscreen')), true);
      await full.click();
      await page.waitForFunction(() => document.fullscreenElement === null);
      assert.equal(await full.getAttribute('aria-pressed'), 'false');
      // voip-quality carries the video figures (every 3 s while connected).
      const quality = await waitForEvent(page, 'voip-quality', 10_000);
      const video = quality.detail['video'] as Record<string, Record<string, number>>;
      assert.ok(video.sent && video.received, JSON.stringify(quality.detail));
      assert.deepEqual([video.received.width, video.received.height], [640, 480]);
      assert.ok(video.received.fps > 0 && video.sent.fps > 0, JSON.stringify(video));
      assert.ok(video.sent.width <= 640 && video.sent.height <= 480, JSON.stringify(video));
      // The view and its styles pass the demo's strict Content Security Policy.
      assert.deepEqual(await cspViolations(page), []);
      await hangUpReleased(page, mark, callId);
    },
  );

  it(
    'video="optional": camera on mid-call (frames both ways, under 300 ms of the received audio concealed), then off (frames stop)',
    TIMEOUT,
    async () => {
      const { page, mark, callId } = await videoCall({ attributes: { video: 'optional' } });
      // A voice call: nothing sent, no video line in the page's offer.
      let media = await pageMedia(page);
      assert.deepEqual([media.outFrames, media.localVideoCodecs], [0, '']);
      assert.equal(await page.evaluate(() => window.vcbEl.cameraOn), false);

      const watch = await startAudioWatch(page);
      await sleep(500);
      assert.deepEqual(await act(page, 'camera', true), { ok: true });
      media = await untilMedia(page, (m) => m.outFrames > 15 && m.inFrames > 15);
      const stats = await untilFarEnd((s) => s.framesDecoded > 15);
      assert.equal(stats.decoder, 'VP8');
      await sleep(1000);
      const gapOn = await watch.stop();
      assert.ok(gapOn < 300, `received audio concealed while turning on: ${gapOn} ms`);
      assert.deepEqual((await videoEvents(page)).at(-1), { local: 'camera', remote: true });

      const watchOff = await startAudioWatch(page);
      assert.deepEqual(await act(page, 'camera', false), { ok: true });
      await sleep(1500);
      const gapOff = await watchOff.stop();
      assert.ok(gapOff < 300, `received audio concealed while turning off: ${gapOff} ms`);
      // Nothing more is sent: the page encodes no frame and 2010 decodes no new one.
      const off1 = await pageMedia(page);
      const far1 = await baresipVideoStats(far);
      await sleep(1500);
      const off2 = await pageMedia(page);
      const far2 = await baresipVideoStats(far);
      assert.equal(off2.outLabel, '', 'no track sent');
      assert.equal(off2.outFrames, off1.outFrames, 'the page encodes no frame');
      assert.equal(far2.framesDecoded, far1.framesDecoded, '2010 decodes no new frame');
      // The far end's video still comes.
      assert.ok(off2.inFrames > off1.inFrames, "2010's video still arrives");
      assert.equal((await videoEvents(page)).at(-1)?.['local'], 'off');
      // On again: the video m-line the call has is reused (a re-INVITE), frames reach 2010 again.
      assert.deepEqual(await act(page, 'camera', true), { ok: true });
      await untilMedia(page, (m) => m.outLabel === 'fake_device_0' && m.outFrames > off2.outFrames);
      await untilFarEnd((s) => s.framesDecoded > far2.framesDecoded + 5);
      assert.equal((await pageMedia(page)).localVideoCodecs, 'VP8');
      await hangUpReleased(page, mark, callId);
    },
  );

  it(
    'screen sharing replaces the camera (2010 decodes the 1280x720 screen); ending it from the browser brings the camera back',
    TIMEOUT,
    async () => {
      const { page, mark, callId } = await videoCall({ attributes: { video: 'on' } });
      await untilFarEnd((s) => s.framesDecoded > 5 && s.width === 640);
      assert.deepEqual(await act(page, 'shareScreen', true), { ok: true });
      const shared = await untilMedia(page, (m) => m.outLabel.startsWith('screen:'));
      assert.equal(shared.localVideoCodecs, 'VP8');
      await untilFarEnd((s) => s.width === 1280 && s.height === 720);
      assert.deepEqual((await videoEvents(page)).at(-1), { local: 'screen', remote: true });
      assert.equal(await page.evaluate(() => window.vcbEl.sharingScreen), true);
      // The camera rests while the screen is shared.
      assert.equal((await holdings(page)).liveTracks, 2, 'the microphone and the screen only');

      // The browser's own "Stop sharing" ends the screen track.
      await page.evaluate(() => {
        const pc = (window as unknown as { vcbPeers: () => RTCPeerConnection[] })
          .vcbPeers()
          .at(-1)!;
        const track = pc.getSenders().find((s) => s.track?.kind === 'video')!.track!;
        track.dispatchEvent(new Event('ended'));
      });
      await untilMedia(page, (m) => m.outLabel === 'fake_device_0');
      await untilFarEnd((s) => s.width === 640 && s.height === 480);
      assert.deepEqual((await videoEvents(page)).at(-1), { local: 'camera', remote: true });
      assert.equal(await page.evaluate(() => window.vcbEl.cameraOn), true);
      await hangUpReleased(page, mark, callId);
    },
  );
});

describe('video the far end adds', () => {
  it(
    'video="optional": 2010 adds its video mid-call (re-INVITE) and the view shows it; removing it (m=video 0) hides it',
    TIMEOUT,
    async () => {
      const { page, mark, callId } = await videoCall({ attributes: { video: 'optional' } });
      assert.equal(await page.evaluate(() => window.vcbEl.remoteVideo), false);
      far.command('video_dir', 'sendrecv');
      await waitForEvent(page, 'voip-video');
      const media = await untilMedia(page, (m) => m.inFrames > 10);
      assert.equal(media.inCodec, 'video/VP8');
      assert.equal(media.outLabel, '', 'the visitor sends no video until asked');
      assert.deepEqual((await videoEvents(page)).at(-1), { local: 'off', remote: true });
      const view = page.locator('#under-test voip-call-panel voip-video-view');
      assert.equal(await view.locator('[part="remote-video"]').count(), 1);
      assert.equal(await view.locator('[part="local-video"]').count(), 0);

      far.command('video_dir', 'inactive');
      await waitForEvent(page, 'voip-video', 10_000, 2);
      assert.deepEqual((await videoEvents(page)).at(-1), { local: 'off', remote: false });
      assert.equal(await view.count(), 0, 'no video view without video');
      assert.equal(await page.evaluate(() => window.vcbEl.state), 'in-call');
      await hangUpReleased(page, mark, callId);
    },
  );

  it('video="off": video 2010 adds is refused and never shown', TIMEOUT, async () => {
    const { page, mark, callId } = await videoCall({});
    far.command('video_dir', 'sendrecv');
    await sleep(2500);
    const media = await pageMedia(page);
    assert.equal(media.inFrames, 0, 'no video decoded');
    assert.deepEqual(await videoEvents(page), []);
    assert.equal(await page.evaluate(() => window.vcbEl.state), 'in-call');
    await hangUpReleased(page, mark, callId);
  });
});

describe('video at every instant', () => {
  it(
    'double-clicking Camera turns it on once; hanging up while it turns off releases everything at both ends',
    TIMEOUT,
    async () => {
      const { page, mark, callId } = await videoCall({ attributes: { video: 'optional' } });
      const camera = page.locator('#under-test voip-call-panel [part~="camera"]');
      await camera.dblclick();
      await untilMedia(page, (m) => m.outFrames > 5);
      await untilFarEnd((s) => s.framesDecoded > 5);
      assert.equal(await camera.getAttribute('aria-pressed'), 'true');
      // What is sent changed once (the far end's video arriving is another voip-video).
      const sent = (await videoEvents(page)).map((d) => d['local']);
      assert.deepEqual(
        sent.filter((local, i) => local !== (i === 0 ? 'off' : sent[i - 1])),
        ['camera'],
      );
      assert.equal((await holdings(page)).liveTracks, 2, 'one microphone, one camera');
      // Camera off (a re-INVITE) and, before it completes, hang up.
      await page.evaluate(() => {
        void window.vcbEl.camera(false).catch(() => undefined);
        window.vcbEl.hangup();
      });
      await waitForEvent(page, 'voip-ended');
      const ended = (await events(page)).filter((e) => e.type === 'voip-ended');
      assert.deepEqual(
        ended.map((e) => e.detail['reason']),
        ['local-hangup'],
      );
      await waitForState(page, 'idle');
      await far.waitFor('CALL_CLOSED', 5000, mark, callId);
      await untilNoJanusSessions();
      const held = await holdings(page);
      assert.deepEqual([held.liveTracks, held.peerConnections], [0, 0], 'all released');
      assert.equal(
        (await events(page)).filter((e) => e.type === 'voip-error').length,
        0,
        'no error for an action cut short by the hang-up',
      );
    },
  );
});

describe('video at the awkward moments', () => {
  it(
    'the element removed mid video call (screen shared): 2010 gets the BYE, camera and screen released',
    TIMEOUT,
    async () => {
      const { page, mark, callId } = await videoCall({ attributes: { video: 'on' } });
      assert.deepEqual(await act(page, 'shareScreen', true), { ok: true });
      await untilMedia(page, (m) => m.outLabel.startsWith('screen:'));
      await page.evaluate(() => window.vcbEl.remove());
      await far.waitFor('CALL_CLOSED', 5000, mark, callId);
      const ended = await waitForEvent(page, 'voip-ended');
      assert.equal(ended.detail['reason'], 'local-hangup');
      await untilNoJanusSessions();
      const held = await holdings(page);
      assert.deepEqual([held.liveTracks, held.peerConnections], [0, 0], 'all released');
    },
  );

  it(
    'the language switched mid video call: the video controls speak Indonesian, the video goes on',
    TIMEOUT,
    async () => {
      const { page, mark, callId } = await videoCall({ attributes: { video: 'on' } });
      const camera = page.locator('#under-test voip-call-panel [part~="camera"]');
      assert.equal((await camera.textContent())?.trim(), 'Camera');
      await page.evaluate(() => window.vcbEl.setAttribute('lang', 'id'));
      await page.waitForFunction(
        () =>
          document
            .querySelector('#under-test')
            ?.shadowRoot?.querySelector('voip-call-panel')
            ?.shadowRoot?.querySelector('[part~="camera"]')
            ?.textContent?.trim() === 'Kamera',
      );
      const label = await page
        .locator('#under-test voip-call-panel voip-video-view [part="remote-video"]')
        .getAttribute('aria-label');
      assert.equal(label, 'Video dari pihak lain');
      const before = await pageMedia(page);
      const farBefore = await baresipVideoStats(far);
      await untilMedia(
        page,
        (m) => m.inFrames > before.inFrames + 10 && m.outFrames > before.outFrames + 10,
      );
      await untilFarEnd((st) => st.framesDecoded > farBefore.framesDecoded + 10);
      assert.equal(await page.evaluate(() => window.vcbEl.state), 'in-call');
      await hangUpReleased(page, mark, callId);
    },
  );

  it(
    'the far end hangs up while the camera turns on: remote-hangup, the camera released, no error',
    TIMEOUT,
    async () => {
      const { page, mark, callId } = await videoCall({ attributes: { video: 'optional' } });
      // Camera on; once the camera is open (its re-INVITE going out), 2010 hangs up.
      await page.evaluate(() => {
        (window as unknown as { vcbTurning: Promise<unknown> }).vcbTurning = window.vcbEl
          .camera(true)
          .then(() => 'ok');
      });
      // Every wait is bounded, so that a failure says which step did not happen (a CI run once
      // timed out here, at one of them, without saying which; not seen again in 20 runs).
      const states = async () =>
        JSON.stringify((await events(page)).map((e) => e.detail['state'] ?? e.type));
      await page
        .waitForFunction(
          () =>
            (window as unknown as { vcbHoldings: () => Holdings }).vcbHoldings().liveTracks === 2,
          undefined,
          { timeout: 10_000 },
        )
        .catch(async () => assert.fail(`the camera did not open: ${await states()}`));
      far.command('hangup');
      const ended = await waitForEvent(page, 'voip-ended');
      assert.equal(ended.detail['reason'], 'remote-hangup');
      // camera(true) settles without an error of its own (cut short by the end of the call).
      const turned = await Promise.race([
        page.evaluate(() => (window as unknown as { vcbTurning: Promise<unknown> }).vcbTurning),
        sleep(10_000).then(() => 'still pending 10 s after the end of the call'),
      ]);
      assert.equal(turned, 'ok', `camera(true) settled: ${await states()}`);
      await far.waitFor('CALL_CLOSED', 5000, mark, callId);
      await waitForState(page, 'idle');
      await untilNoJanusSessions();
      const held = await holdings(page);
      assert.deepEqual([held.liveTracks, held.peerConnections], [0, 0], 'all released');
      const terminal = (await events(page)).filter(
        (e) => e.type === 'voip-ended' || e.type === 'voip-error',
      );
      assert.deepEqual(
        terminal.map((e) => e.type),
        ['voip-ended'],
        'one terminal event, no error for the camera cut short',
      );
    },
  );
});

describe('without a camera', () => {
  let denied: Browser;
  let noCamera: Browser;
  before(async () => {
    // No automatic "allow": the context grants the microphone only, so the camera is refused.
    denied = await launchBrowser({ micPermission: 'denied' });
    noCamera = await launchBrowser({ noCamera: true });
  });
  after(async () => {
    await denied.close();
    await noCamera.close();
  });

  it(
    'camera refused: one voip-error camera-denied, the call goes on as voice (2010 still sends its video)',
    TIMEOUT,
    async () => {
      const { context, page } = await fixture.freshPage(denied);
      await context.grantPermissions(['microphone'], { origin: fixture.demoUrl });
      const { mark, callId } = await videoCall({ attributes: { video: 'on' } }, page);
      const errors = (await events(page)).filter((e) => e.type === 'voip-error');
      assert.deepEqual(
        errors.map((e) => e.detail['code']),
        ['camera-denied'],
      );
      assert.match(String(errors[0]?.detail['message']), /camera was not allowed/);
      // Voice both ways, the far end's video shown, nothing sent.
      const media = await untilMedia(page, (m) => m.inFrames > 10 && m.audioPackets > 50);
      assert.equal(media.outLabel, '');
      assert.deepEqual(await page.evaluate(() => [window.vcbEl.state, window.vcbEl.cameraOn]), [
        'in-call',
        false,
      ]);
      // Asking again mid-call: refused the same way, the call goes on.
      assert.deepEqual(await act(page, 'camera', true), { ok: false, code: 'camera-denied' });
      await sleep(500);
      assert.equal(await page.evaluate(() => window.vcbEl.state), 'in-call');
      await hangUpReleased(page, mark, callId);
    },
  );

  it('no camera at all: camera(true) gives no-camera, the call goes on', TIMEOUT, async () => {
    const { page } = await fixture.freshPage(noCamera);
    const { mark, callId } = await videoCall({ attributes: { video: 'optional' } }, page);
    assert.deepEqual(await act(page, 'camera', true), { ok: false, code: 'no-camera' });
    const errors = (await events(page)).filter((e) => e.type === 'voip-error');
    assert.deepEqual(
      errors.map((e) => e.detail['code']),
      ['no-camera'],
    );
    const before = (await pageMedia(page)).audioPackets;
    await sleep(500);
    const media = await pageMedia(page);
    assert.ok(media.audioPackets > before + 10, 'audio keeps arriving');
    assert.equal(await page.evaluate(() => window.vcbEl.state), 'in-call');
    await hangUpReleased(page, mark, callId);
  });
});

describe('what a voice call downloads', () => {
  it('video="off" fetches no video chunk; video="optional" fetches both', TIMEOUT, async () => {
    const chunks = async (options: ButtonOptions) => {
      const { page } = await fixture.freshPage();
      const fetched: string[] = [];
      page.on('request', (req) => fetched.push(new URL(req.url()).pathname));
      const { mark, callId } = await videoCall(options, page);
      await hangUpReleased(page, mark, callId);
      return fetched
        .filter((p) => /\/chunks\//.test(p))
        .map((p) => p.replace(/-[\w-]{8}\.js$/, ''));
    };
    const voice = await chunks({});
    assert.ok(
      voice.some((p) => p.endsWith('/chunks/index')),
      `the call chunk: ${voice.join(' ')}`,
    );
    assert.deepEqual(
      voice.filter((p) => /video/.test(p)),
      [],
      'no video code for a voice call',
    );
    const optional = await chunks({ attributes: { video: 'optional' } });
    assert.ok(
      optional.some((p) => p.endsWith('/chunks/video')),
      optional.join(' '),
    );
    // The session's video is fetched when video starts or is offered, not for a voice start.
    const on = await chunks({ attributes: { video: 'on' } });
    assert.ok(
      on.some((p) => p.endsWith('/chunks/janus-video')),
      on.join(' '),
    );
  });
});
