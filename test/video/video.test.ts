/**
 * The video capability (src/video/index.ts) through the element, with the fake connector: the
 * `video` attribute (off, optional, on) and `video-quality`, `camera()` and `shareScreen()`,
 * `voip-video`, the camera and screen errors, the far end's video, the panel's toggles and video
 * view, the poor-connection offer, video figures in `voip-quality`, and every track released.
 * The camera is Chromium's fake one (watched, or refused, through support.ts); the screen is a
 * canvas track handed out by a stand-in getDisplayMedia.
 *
 * The first test needs a page where nothing loaded the video chunk yet: keep it first.
 */
import { expect } from '@open-wc/testing';
import '../../src/voip-call-button.js';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import type { VoipCallPanel } from '../../src/panel/call-panel.js';
import type { VoipVideoView } from '../../src/video/view.js';
import { VoipError } from '../../src/errors.js';
import type { VoipErrorDetail, VoipQualityDetail, VoipVideoDetail } from '../../src/events.js';
import type { VideoOptions } from '../../src/sip/session.js';
import { DEVICE_STORAGE_KEY } from '../../src/media/devices.js';
import {
  answeredCall,
  hangUp,
  mountWithFake,
  until,
  type FakeSession,
} from '../support/fake-connector.js';
import { rejection, settledSoon } from '../support/promises.js';
import {
  canvasTrack,
  fakeScreen,
  noScreenSharing,
  restoreMedia,
  statsReport,
  watchCamera,
  type CameraWatch,
} from './support.js';
import { chromiumOnly } from '../support/browsers.js';

/**
 * Why Firefox skips a test: it ends a track as the browser would (a device unplugged, “Stop
 * sharing”) by dispatching `ended`, and Firefox (ESR 153) delivers an event a page dispatches on a
 * MediaStreamTrack to its `onended` only, never to listeners added with addEventListener.
 */
const ENDS = 'simulates the end of a track, which Firefox delivers to no listener';

// Enough room to see every file the page fetches (the default buffer holds 250).
performance.setResourceTimingBufferSize(100_000);

/** Whether the page fetched the video chunk (src/video/index). */
const videoChunkFetched = () =>
  performance.getEntriesByType('resource').some((e) => /\/src\/video\/index\./.test(e.name));

const STANDARD_CAMERA = {
  width: { ideal: 640, max: 640 },
  height: { ideal: 480, max: 480 },
  frameRate: { ideal: 24, max: 24 },
};

/** The events of an element that matter here, in the order they came. */
function recordVideo(el: VoipCallButton) {
  const events: Array<{ type: string; detail: unknown }> = [];
  for (const type of ['voip-video', 'voip-error', 'voip-ended', 'voip-connected']) {
    el.addEventListener(type, (e) => events.push({ type, detail: (e as CustomEvent).detail }));
  }
  const of = <T>(type: string) => events.filter((e) => e.type === type).map((e) => e.detail as T);
  return {
    events,
    videos: () => of<VoipVideoDetail>('voip-video'),
    errors: () => of<VoipErrorDetail>('voip-error'),
    /** The events after the call ended (`voip-ended`). */
    afterEnd: () => events.slice(events.findIndex((e) => e.type === 'voip-ended') + 1),
  };
}

/** An element with `attributes` (video optional unless given), its call placed, not answered. */
async function placed(attributes: Record<string, string> = {}) {
  const { el, connector } = await mountWithFake({
    ringback: 'off',
    video: 'optional',
    ...attributes,
  });
  const log = recordVideo(el);
  el.call();
  await until(() => el.state === 'calling');
  return { el, connector, session: connector.last, log };
}

/** An element whose call is answered (video optional unless `attributes` say otherwise). */
async function answered(attributes: Record<string, string> = {}) {
  const { el, connector } = await mountWithFake({
    ringback: 'off',
    video: 'optional',
    ...attributes,
  });
  const log = recordVideo(el);
  await answeredCall(el, connector);
  await el.updateComplete;
  return { el, connector, session: connector.last, log };
}

/** Records the options of each setVideo() the session is asked for. */
function watchSetVideo(session: FakeSession): VideoOptions[] {
  const given: VideoOptions[] = [];
  const setVideo = session.setVideo.bind(session);
  // (the fake's own setVideo() leaves the options out)
  session.setVideo = ((track: MediaStreamTrack | null, options: VideoOptions) => {
    given.push(options);
    return setVideo(track);
  }) as FakeSession['setVideo'];
  return given;
}

/** The panel's shadow root, once it has rendered what the element has now. */
async function panelRoot(el: VoipCallButton): Promise<ShadowRoot> {
  await el.updateComplete;
  const panel = el.shadowRoot!.querySelector<VoipCallPanel>('voip-call-panel')!;
  await panel.updateComplete;
  return panel.shadowRoot!;
}

/** The panel's element with `part`, or null. */
async function part(el: VoipCallButton, name: string): Promise<HTMLButtonElement | null> {
  return (await panelRoot(el)).querySelector<HTMLButtonElement>(`[part~="${name}"]`);
}

/** The video view's shadow root, once rendered, or null when the panel shows no view. */
async function videoView(el: VoipCallButton): Promise<ShadowRoot | null> {
  const view = (await panelRoot(el)).querySelector<VoipVideoView>('voip-video-view');
  if (!view) return null;
  await view.updateComplete;
  return view.shadowRoot;
}

/** The `<video>` of the view with `part`, or null. */
async function videoPart(el: VoipCallButton, name: string): Promise<HTMLVideoElement | null> {
  return (await videoView(el))?.querySelector<HTMLVideoElement>(`[part="${name}"]`) ?? null;
}

/** The one video track a `<video>` shows. */
function shownTrack(video: HTMLVideoElement | null): MediaStreamTrack | undefined {
  return (video?.srcObject as MediaStream | null)?.getVideoTracks()[0];
}

const same = (a: unknown, b: unknown) => a === b;

/** Resolves once `predicate` (asynchronous) holds, polling; rejects after `ms`. */
async function eventually(predicate: () => Promise<boolean>, ms = 3000): Promise<void> {
  const end = performance.now() + ms;
  while (!(await predicate())) {
    if (performance.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('video calls and screen sharing', () => {
  let saved: string | null;
  let camera: CameraWatch;
  const restores: Array<() => void> = [];
  beforeEach(() => {
    saved = localStorage.getItem(DEVICE_STORAGE_KEY);
    localStorage.removeItem(DEVICE_STORAGE_KEY);
    camera = watchCamera();
  });
  afterEach(() => {
    for (const restore of restores.splice(0)) restore();
    restoreMedia();
    if (saved === null) localStorage.removeItem(DEVICE_STORAGE_KEY);
    else localStorage.setItem(DEVICE_STORAGE_KEY, saved);
  });

  describe('video="off" (the default)', () => {
    it('a voice call: no video chunk, no video in the INVITE; camera() and shareScreen() are invalid-config, no toggle', async () => {
      expect(videoChunkFetched(), 'keep this test first in the file').to.equal(false);
      const { el, connector } = await mountWithFake({ ringback: 'off' });
      const log = recordVideo(el);
      await answeredCall(el, connector);
      expect(videoChunkFetched(), 'no video chunk fetched').to.equal(false);
      expect(customElements.get('voip-video-view'), 'no video view defined').to.equal(undefined);
      expect(connector.last.callOptions).to.deep.equal({});

      const refused = await rejection(el.camera(true));
      expect(refused.code).to.equal('invalid-config');
      expect(log.errors()).to.have.length(1);
      expect(log.errors()[0]!.code).to.equal('invalid-config');
      expect((await rejection(el.shareScreen(true))).code).to.equal('invalid-config');
      expect(log.errors()).to.have.length(2);
      expect(camera.asked, 'no camera asked for').to.deep.equal([]);
      expect(connector.last.videoChanges.length).to.equal(0);
      expect(el.cameraOn).to.equal(false);
      expect(el.sharingScreen).to.equal(false);
      expect(el.remoteVideo).to.equal(false);
      expect((await part(el, 'camera')) === null, 'no camera toggle').to.equal(true);
      expect((await part(el, 'share-screen')) === null, 'no share-screen toggle').to.equal(true);
      expect((await part(el, 'mute')) !== null, 'the panel is there').to.equal(true);
      expect(el.state).to.equal('in-call');
      await hangUp(el);
      expect(log.videos()).to.deep.equal([]);
    });

    it('an unknown value is off too; video="optional" does fetch the chunk', async () => {
      const { el, connector } = await mountWithFake({ ringback: 'off', video: 'yes' });
      await answeredCall(el, connector);
      expect(connector.last.callOptions).to.deep.equal({});
      expect((await rejection(el.camera(true))).code).to.equal('invalid-config');
      await hangUp(el);
      expect(videoChunkFetched()).to.equal(false);

      const optional = await answered();
      expect(videoChunkFetched(), 'the check sees the chunk when it is fetched').to.equal(true);
      await hangUp(optional.el);
    });
  });

  describe('video="optional"', () => {
    it('a voice INVITE that allows video: no track, no offer, 500 kbit/s', async () => {
      const { el, session } = await answered();
      expect(session.callOptions).to.deep.equal({ video: { maxBitrate: 500_000 } });
      expect(camera.asked, 'no camera at the start').to.deep.equal([]);
      expect(el.cameraOn).to.equal(false);
      await hangUp(el);
    });

    it('camera(true) before the answer: not-in-call, no camera opened', async () => {
      const { el, session, log } = await placed();
      const refused = await rejection(el.camera(true));
      expect(refused.code).to.equal('not-in-call');
      expect(log.errors().map((e) => e.code)).to.deep.equal(['not-in-call']);
      expect(camera.asked).to.deep.equal([]);
      expect(session.videoChanges.length).to.equal(0);
      await hangUp(el);
    });

    it('camera(true) once answered: the camera at 640x480 24 fps at most is sent; camera(false) stops it', async () => {
      const { el, session, log } = await answered();
      const given = watchSetVideo(session);
      await el.camera(true);
      expect(camera.asked).to.deep.equal([STANDARD_CAMERA]);
      const track = camera.opened[0]!;
      expect(session.videoChanges.length).to.equal(1);
      expect(same(session.videoChanges[0], track), 'the camera sent').to.equal(true);
      expect(given).to.deep.equal([{ maxBitrate: 500_000 }]);
      expect(log.videos()).to.deep.equal([{ local: 'camera', remote: false }]);
      expect(el.cameraOn).to.equal(true);
      expect(el.sharingScreen).to.equal(false);
      expect(track.readyState).to.equal('live');

      await el.camera(true); // already on: nothing to do
      expect(camera.asked).to.have.length(1);
      expect(session.videoChanges.length).to.equal(1);

      await el.camera(false);
      expect(session.videoChanges.length).to.equal(2);
      expect(session.videoChanges[1] === null, 'video off').to.equal(true);
      expect(track.readyState, 'the camera released').to.equal('ended');
      expect(log.videos()).to.deep.equal([
        { local: 'camera', remote: false },
        { local: 'off', remote: false },
      ]);
      expect(el.cameraOn).to.equal(false);
      expect(log.errors()).to.deep.equal([]);
      expect(el.state).to.equal('in-call');
      await hangUp(el);
    });

    it('video-quality="low" and "high" set the camera constraints and the bitrate', async () => {
      for (const [quality, constraints, maxBitrate] of [
        [
          'low',
          {
            width: { ideal: 320, max: 320 },
            height: { ideal: 240, max: 240 },
            frameRate: { ideal: 15, max: 15 },
          },
          150_000,
        ],
        [
          'high',
          {
            width: { ideal: 1280, max: 1280 },
            height: { ideal: 720, max: 720 },
            frameRate: { ideal: 30, max: 30 },
          },
          1_500_000,
        ],
      ] as const) {
        const { el, session } = await answered({ 'video-quality': quality });
        expect(session.callOptions, quality).to.deep.equal({ video: { maxBitrate } });
        const given = watchSetVideo(session);
        await el.camera(true);
        expect(camera.asked.at(-1), quality).to.deep.equal(constraints);
        expect(given, quality).to.deep.equal([{ maxBitrate }]);
        await hangUp(el);
      }
    });

    it('a camera refused mid-call: camera-denied or no-camera, and the call goes on as it was', async () => {
      const { el, session, log } = await answered();
      camera.next = 'NotAllowedError';
      const denied = await rejection(el.camera(true));
      expect(denied.code).to.equal('camera-denied');
      camera.next = 'NotFoundError';
      expect((await rejection(el.camera(true))).code).to.equal('no-camera');
      camera.next = 'NotReadableError';
      expect((await rejection(el.camera(true))).code).to.equal('camera-unavailable');
      expect(log.errors().map((e) => e.code)).to.deep.equal([
        'camera-denied',
        'no-camera',
        'camera-unavailable',
      ]);
      expect(log.errors()[0]!.message).to.match(/camera was not allowed/);
      expect(session.videoChanges.length).to.equal(0);
      expect(log.videos()).to.deep.equal([]);
      expect(el.cameraOn).to.equal(false);
      expect(el.state).to.equal('in-call');

      camera.next = 'open';
      await el.camera(true);
      expect(el.cameraOn, 'allowed later: on').to.equal(true);
      await hangUp(el);
    });

    /** Opens the panel's settings and returns the camera `<select>` once it lists devices. */
    async function cameraSelect(el: VoipCallButton): Promise<HTMLSelectElement> {
      const root = await panelRoot(el);
      root.querySelector<HTMLButtonElement>('[part~="settings-toggle"]')!.click();
      const label = () =>
        [...root.querySelectorAll('label')].find((l) => /Camera/.test(l.textContent ?? ''));
      await until(() => (label()?.querySelector('select')?.options.length ?? 0) > 0);
      return label()!.querySelector('select')!;
    }

    /** Chooses `id` in a `<select>`, as the visitor does. */
    function choose(select: HTMLSelectElement, id: string): void {
      select.value = id;
      select.dispatchEvent(new Event('change'));
    }

    const remembered = () => localStorage.getItem(DEVICE_STORAGE_KEY);

    it('the camera chosen in the settings replaces the one sent, without a voip-video, and is remembered', async () => {
      const { el, session, log } = await answered();
      await el.camera(true);
      const first = camera.opened[0]!;
      const select = await cameraSelect(el);
      const id = select.options[0]!.value;
      choose(select, id);
      await until(() => session.videoChanges.length === 2);
      await until(() => first.readyState === 'ended');
      expect(camera.asked[1]!.deviceId).to.deep.equal({ exact: id });
      expect(same(session.videoChanges[1], camera.opened[1]), 'the new camera sent').to.equal(true);
      expect(camera.opened[1]!.readyState).to.equal('live');
      await until(() => remembered() !== null);
      expect(JSON.parse(remembered()!)).to.deep.equal({ camera: id });
      expect(log.videos(), 'still the camera').to.deep.equal([{ local: 'camera', remote: false }]);
      expect(el.cameraOn).to.equal(true);
      await hangUp(el);
      expect(camera.opened[1]!.readyState).to.equal('ended');
    });

    it('a camera chosen while it is off is only remembered (the next camera(true) asks for it); one that fails is not', async () => {
      const { el, session, log } = await answered();
      const select = await cameraSelect(el);
      const id = select.options[0]!.value;
      choose(select, id);
      expect(JSON.parse(remembered()!)).to.deep.equal({ camera: id });
      expect(camera.asked, 'not opened now').to.deep.equal([]);
      expect(session.videoChanges.length).to.equal(0);
      await el.camera(true);
      expect(camera.asked[0]!.deviceId, 'the remembered camera').to.deep.equal({ ideal: id });

      localStorage.removeItem(DEVICE_STORAGE_KEY);
      session.videoError = new VoipError('failed', 'replaceTracks: no sender');
      choose(select, id);
      await until(() => log.errors().length === 1);
      expect(log.errors()[0]!.code).to.equal('action-failed');
      expect(camera.opened[1]!.readyState, 'the camera opened is released').to.equal('ended');
      expect(camera.opened[0]!.readyState, 'the one sent goes on').to.equal('live');
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(remembered(), 'a choice that failed is not remembered').to.equal(null);
      expect(el.cameraOn).to.equal(true);
      await hangUp(el);
    });
  });

  describe('video="on"', () => {
    it('opens the camera at the start: the INVITE offers video with the camera', async () => {
      const { el, session, log } = await placed({ video: 'on' });
      expect(camera.asked).to.deep.equal([STANDARD_CAMERA]);
      const track = camera.opened[0]!;
      const video = session.callOptions!.video!;
      expect(video).to.deep.include({ maxBitrate: 500_000, offer: true });
      expect(same(video.track, track), 'the camera in the INVITE').to.equal(true);
      expect(track.readyState).to.equal('live');
      expect(log.videos()).to.deep.equal([{ local: 'camera', remote: false }]);
      expect(el.cameraOn).to.equal(true);
      session.emit({ type: 'accepted' });
      await until(() => el.state === 'in-call');
      expect(el.cameraOn).to.equal(true);
      expect(session.videoChanges.length, 'sent with the INVITE, not again').to.equal(0);
      expect(log.errors()).to.deep.equal([]);

      await el.camera(false);
      expect(session.videoChanges.length).to.equal(1);
      expect(session.videoChanges[0] === null, 'video off').to.equal(true);
      expect(track.readyState).to.equal('ended');
      expect(log.videos().at(-1)).to.deep.equal({ local: 'off', remote: false });
      await hangUp(el);
    });

    for (const [name, code] of [
      ['NotAllowedError', 'camera-denied'],
      ['NotFoundError', 'no-camera'],
      ['NotReadableError', 'camera-unavailable'],
    ] as const) {
      it(`a camera that cannot open (${name}): one voip-error ${code}, and the call goes on as voice, offering video`, async () => {
        camera.next = name;
        const { el, session, log } = await placed({ video: 'on' });
        expect(session.callOptions).to.deep.equal({ video: { maxBitrate: 500_000, offer: true } });
        expect(log.errors().map((e) => e.code)).to.deep.equal([code]);
        session.emit({ type: 'accepted' });
        await until(() => el.state === 'in-call');
        expect(log.events.filter((e) => e.type === 'voip-connected')).to.have.length(1);
        expect(log.errors(), 'still one').to.have.length(1);
        expect(log.videos()).to.deep.equal([]);
        expect(el.cameraOn).to.equal(false);
        await hangUp(el);
      });
    }

    it('a camera prompt not answered within permission-timeout: camera-denied, the call goes on; a late allow is stopped', async () => {
      camera.next = 'hang';
      const { el, connector } = await mountWithFake({
        ringback: 'off',
        video: 'on',
        'permission-timeout': '0.3',
      });
      const log = recordVideo(el);
      const started = performance.now();
      el.call();
      await until(() => el.state === 'calling');
      const waited = performance.now() - started;
      expect(waited).to.be.within(250, 2000);
      const session = connector.last;
      expect(session.callOptions).to.deep.equal({ video: { maxBitrate: 500_000, offer: true } });
      expect(log.errors().map((e) => e.code)).to.deep.equal(['camera-denied']);
      session.emit({ type: 'accepted' });
      await until(() => el.state === 'in-call');

      await camera.answer(); // the visitor allows it now
      expect(camera.opened).to.have.length(1);
      await until(() => camera.opened[0]!.readyState === 'ended');
      expect(el.cameraOn).to.equal(false);
      expect(session.videoChanges.length).to.equal(0);
      expect(log.videos()).to.deep.equal([]);
      await hangUp(el);
    });
  });

  describe("the far end's video", () => {
    it('remote-video shows it: voip-video remote true, remoteVideo, <video part="remote-video">; null hides it', async () => {
      const { el, session, log } = await answered();
      expect((await videoView(el)) === null, 'no view without video').to.equal(true);
      const far = canvasTrack();
      const stream = new MediaStream([far]);
      session.emit({ type: 'remote-video', stream });
      expect(log.videos()).to.deep.equal([{ local: 'off', remote: true }]);
      expect(el.remoteVideo).to.equal(true);
      const remote = await videoPart(el, 'remote-video');
      expect(remote !== null, 'the far end shows').to.equal(true);
      expect(remote!.srcObject === stream, 'its stream').to.equal(true);
      expect((await videoPart(el, 'local-video')) === null, 'nothing sent').to.equal(true);

      session.emit({ type: 'remote-video', stream });
      expect(log.videos(), 'the same stream again: nothing new').to.have.length(1);

      session.emit({ type: 'remote-video', stream: null });
      expect(log.videos()).to.deep.equal([
        { local: 'off', remote: true },
        { local: 'off', remote: false },
      ]);
      expect(el.remoteVideo).to.equal(false);
      expect((await videoView(el)) === null, 'the view is gone').to.equal(true);
      expect(el.state).to.equal('in-call');
      await hangUp(el);
    });

    it("the visitor's own video: small over the far end's and mirrored for the camera; a screen is not mirrored", async () => {
      const { el, session } = await answered();
      const screen = fakeScreen();
      await el.camera(true);
      let local = await videoPart(el, 'local-video');
      expect(local !== null, 'own video shows').to.equal(true);
      expect(same(shownTrack(local), camera.opened[0]), 'the camera').to.equal(true);
      expect(local!.classList.contains('mirror')).to.equal(true);
      expect(local!.classList.contains('inset'), 'alone: it fills the view').to.equal(false);
      session.emit({ type: 'remote-video', stream: new MediaStream([canvasTrack()]) });
      local = await videoPart(el, 'local-video');
      expect(local!.classList.contains('inset'), 'over the far end').to.equal(true);

      await el.shareScreen(true);
      local = await videoPart(el, 'local-video');
      expect(same(shownTrack(local), screen.opened[0]), 'the screen').to.equal(true);
      expect(local!.classList.contains('mirror')).to.equal(false);
      await hangUp(el);
    });
  });

  describe('screen sharing', () => {
    chromiumOnly(ENDS)(
      'replaces the camera (released); the browser’s “Stop sharing” brings the camera back',
      async () => {
        const { el, session, log } = await answered();
        const screen = fakeScreen();
        await el.camera(true);
        const first = camera.opened[0]!;
        await el.shareScreen(true);
        expect(screen.asked).to.deep.equal([
          { audio: false, video: { frameRate: { ideal: 15, max: 15 } } },
        ]);
        const shared = screen.opened[0]!;
        expect(session.videoChanges.length).to.equal(2);
        expect(same(session.videoChanges[1], shared), 'the screen sent').to.equal(true);
        expect(first.readyState, 'the camera rests').to.equal('ended');
        expect(log.videos().at(-1)).to.deep.equal({ local: 'screen', remote: false });
        expect(el.sharingScreen).to.equal(true);
        expect(el.cameraOn).to.equal(false);

        // The browser's own "Stop sharing" ends the track.
        shared.dispatchEvent(new Event('ended'));
        await until(() => session.videoChanges.length === 3);
        await until(() => el.cameraOn);
        expect(camera.asked).to.have.length(2);
        const again = camera.opened[1]!;
        expect(same(session.videoChanges[2], again), 'the camera sent again').to.equal(true);
        expect(again.readyState).to.equal('live');
        expect(shared.readyState).to.equal('ended');
        expect(log.videos()).to.deep.equal([
          { local: 'camera', remote: false },
          { local: 'screen', remote: false },
          { local: 'camera', remote: false },
        ]);
        expect(el.sharingScreen).to.equal(false);
        expect(log.errors()).to.deep.equal([]);
        await hangUp(el);
        expect(again.readyState).to.equal('ended');
      },
    );

    chromiumOnly(ENDS)('with the camera off before: stopping the sharing stops video', async () => {
      const { el, session, log } = await answered();
      const screen = fakeScreen();
      await el.shareScreen(true);
      const shared = screen.opened[0]!;
      expect(same(session.videoChanges[0], shared)).to.equal(true);
      expect(el.sharingScreen).to.equal(true);
      shared.dispatchEvent(new Event('ended'));
      await until(() => session.videoChanges.length === 2);
      expect(session.videoChanges[1] === null, 'video off').to.equal(true);
      await until(() => log.videos().length === 2);
      expect(log.videos()).to.deep.equal([
        { local: 'screen', remote: false },
        { local: 'off', remote: false },
      ]);
      expect(shared.readyState).to.equal('ended');
      expect(camera.asked, 'no camera opened').to.deep.equal([]);
      expect(el.sharingScreen).to.equal(false);

      await el.shareScreen(true);
      await el.shareScreen(false); // asked for: the same
      expect(session.videoChanges.at(-1) === null, 'video off').to.equal(true);
      expect(screen.opened[1]!.readyState).to.equal('ended');
      expect(log.videos().at(-1)).to.deep.equal({ local: 'off', remote: false });
      await hangUp(el);
    });

    it('camera(false) while sharing keeps the screen and no camera after; camera(true) switches back now', async () => {
      const { el, session, log } = await answered();
      const screen = fakeScreen();
      await el.camera(true);
      await el.shareScreen(true);
      await el.camera(false);
      expect(el.sharingScreen, 'still sharing').to.equal(true);
      expect(session.videoChanges.length).to.equal(2);
      await el.shareScreen(false);
      expect(session.videoChanges.at(-1) === null, 'video off').to.equal(true);
      expect(camera.asked, 'the camera stays off').to.have.length(1);
      expect(el.cameraOn).to.equal(false);

      await el.shareScreen(true);
      await el.camera(true);
      expect(camera.asked).to.have.length(2);
      expect(same(session.videoChanges.at(-1), camera.opened[1])).to.equal(true);
      expect(screen.opened[1]!.readyState).to.equal('ended');
      expect(el.cameraOn).to.equal(true);
      expect(log.videos().at(-1)).to.deep.equal({ local: 'camera', remote: false });
      await hangUp(el);
    });

    it('the sharing ends and the camera cannot come back: video stops, with one voip-error', async () => {
      const { el, session, log } = await answered();
      const screen = fakeScreen();
      await el.camera(true);
      await el.shareScreen(true);
      camera.next = 'NotReadableError'; // another app took the camera meanwhile
      const stopping = rejection(el.shareScreen(false));
      expect((await stopping).code).to.equal('camera-unavailable');
      expect(log.errors().map((e) => e.code)).to.deep.equal(['camera-unavailable']);
      expect(session.videoChanges.at(-1) === null, 'video off').to.equal(true);
      expect(screen.opened[0]!.readyState, 'the screen released').to.equal('ended');
      expect(log.videos().at(-1)).to.deep.equal({ local: 'off', remote: false });
      expect(el.sharingScreen).to.equal(false);
      expect(el.cameraOn).to.equal(false);
      expect(el.state).to.equal('in-call');
      await hangUp(el);
    });

    it('getDisplayMedia refused: one voip-error screen-denied; the camera goes on being sent', async () => {
      const { el, session, log } = await answered();
      const screen = fakeScreen();
      await el.camera(true);
      screen.next = 'NotAllowedError';
      const refused = await rejection(el.shareScreen(true));
      expect(refused.code).to.equal('screen-denied');
      expect(log.errors().map((e) => e.code)).to.deep.equal(['screen-denied']);
      expect(session.videoChanges.length).to.equal(1);
      expect(camera.opened[0]!.readyState).to.equal('live');
      expect(log.videos()).to.deep.equal([{ local: 'camera', remote: false }]);
      expect(el.cameraOn).to.equal(true);
      expect(el.sharingScreen).to.equal(false);
      expect(el.state).to.equal('in-call');
      await hangUp(el);
    });
  });

  describe('failures and the end of the call', () => {
    it('setVideo() refused by the gateway: action-failed, the track opened is stopped, nothing changes', async () => {
      const { el, session, log } = await answered();
      const screen = fakeScreen();
      session.videoError = new VoipError('failed', 're-INVITE refused');
      const failed = await rejection(el.camera(true));
      expect(failed.code).to.equal('action-failed');
      expect(log.errors().map((e) => e.code)).to.deep.equal(['action-failed']);
      expect(camera.opened[0]!.readyState, 'the camera opened is released').to.equal('ended');
      expect(el.cameraOn).to.equal(false);
      expect(log.videos()).to.deep.equal([]);

      session.videoError = undefined;
      await el.camera(true);
      const sent = camera.opened[1]!;
      session.videoError = new VoipError('failed', 'replaceTracks: no sender');
      expect((await rejection(el.shareScreen(true))).code).to.equal('action-failed');
      expect(screen.opened[0]!.readyState, 'the screen opened is released').to.equal('ended');
      expect(sent.readyState, 'the camera goes on').to.equal('live');
      expect(el.cameraOn).to.equal(true);
      expect((await rejection(el.camera(false))).code).to.equal('action-failed');
      expect(sent.readyState, 'still sent').to.equal('live');
      expect(el.cameraOn).to.equal(true);
      expect(log.videos()).to.deep.equal([{ local: 'camera', remote: false }]);
      expect(log.errors()).to.have.length(3);
      expect(el.state).to.equal('in-call');
      await hangUp(el);
      expect(sent.readyState).to.equal('ended');
    });

    it('hang-up while setVideo() is under way: the track is stopped, no voip-video after the end', async () => {
      const { el, session, log } = await answered();
      let open!: () => void;
      session.videoGate = new Promise((resolve) => (open = resolve));
      const turning = el.camera(true);
      await until(() => session.videoChanges.length === 1);
      await hangUp(el);
      open();
      await turning; // cut short by the end of the call: no error of its own
      await until(() => camera.opened[0]!.readyState === 'ended');
      expect(log.afterEnd()).to.deep.equal([]);
      expect(log.errors()).to.deep.equal([]);
      expect(log.videos()).to.deep.equal([]);
      expect(el.cameraOn).to.equal(false);
    });

    it('hang-up with changes still queued: each is dropped without an error, and resolves', async () => {
      const { el, session, log } = await answered();
      const screen = fakeScreen();
      let open!: () => void;
      session.videoGate = new Promise((resolve) => (open = resolve));
      const on = el.camera(true);
      const sharing = el.shareScreen(true);
      const off = el.camera(false);
      await until(() => session.videoChanges.length === 1);
      await hangUp(el);
      open();
      expect(await settledSoon(Promise.all([on, sharing, off]), 100), 'all settled').to.equal(true);
      await Promise.all([on, sharing, off]); // none rejects
      expect(log.errors()).to.deep.equal([]);
      expect(screen.asked, 'the queued sharing never asked').to.deep.equal([]);
      expect(session.videoChanges.length, 'nothing more sent').to.equal(1);
      await until(() => camera.opened[0]!.readyState === 'ended');
      expect(log.afterEnd()).to.deep.equal([]);
    });

    it('hang-up while the camera prompt waits: the camera allowed later is stopped', async () => {
      const { el, session, log } = await answered();
      camera.next = 'hang';
      const turning = el.camera(true);
      await until(() => camera.asked.length === 1);
      await hangUp(el);
      await camera.answer();
      expect(await settledSoon(turning, 100)).to.equal(true);
      await until(() => camera.opened[0]!.readyState === 'ended');
      expect(session.videoChanges.length).to.equal(0);
      expect(log.videos()).to.deep.equal([]);
      expect(log.errors()).to.deep.equal([]);
    });

    it('every track is stopped when the call ends: the camera of video="on", the camera, the screen', async () => {
      const on = await answered({ video: 'on' });
      const initial = camera.opened[0]!;
      expect(initial.readyState).to.equal('live');
      await hangUp(on.el);
      expect(initial.readyState, 'the camera of the INVITE').to.equal('ended');

      const optional = await answered();
      await optional.el.camera(true);
      const later = camera.opened[1]!;
      await hangUp(optional.el);
      expect(later.readyState, 'a camera turned on').to.equal('ended');

      const sharing = await answered();
      const screen = fakeScreen();
      await sharing.el.camera(true);
      await sharing.el.shareScreen(true);
      await hangUp(sharing.el);
      expect(screen.opened[0]!.readyState, 'the screen').to.equal('ended');
      expect(
        camera.opened.every((t) => t.readyState === 'ended'),
        'every camera',
      ).to.equal(true);
      expect(sharing.el.cameraOn).to.equal(false);
      expect(sharing.el.sharingScreen).to.equal(false);
      expect(sharing.log.afterEnd().filter((e) => e.type === 'voip-video')).to.deep.equal([]);
    });

    it('video="on", the call refused before the answer (busy): the camera is released', async () => {
      const { el, session, log } = await placed({ video: 'on' });
      const track = camera.opened[0]!;
      expect(track.readyState).to.equal('live');
      session.emit({ type: 'hangup', sipCode: 486, reason: 'Busy Here' });
      await until(() => el.state === 'idle');
      expect(track.readyState).to.equal('ended');
      expect(el.cameraOn).to.equal(false);
      expect(log.afterEnd()).to.deep.equal([]);
    });

    it('a transfer the far end asks for goes on as voice: the camera released, voip-video off', async () => {
      const { el, connector, session, log } = await answered();
      await el.camera(true);
      session.emit({ type: 'remote-video', stream: new MediaStream([canvasTrack()]) });
      session.emit({ type: 'transfer', referId: 7, target: 'sip:2008@127.0.0.1:5060' });
      await until(() => connector.sessions.length === 2 && connector.last.calledUri !== undefined);
      expect(connector.last.callOptions).to.deep.equal({ referId: 7 });
      await until(() => camera.opened[0]!.readyState === 'ended');
      expect(log.videos().at(-1)).to.deep.equal({ local: 'off', remote: false });
      expect(el.cameraOn).to.equal(false);
      expect(el.remoteVideo).to.equal(false);

      // Voice to the end of the call: once the target answers, no toggles, video refused.
      connector.last.emit({ type: 'accepted' });
      await until(() => el.state === 'in-call');
      expect((await part(el, 'camera')) === null, 'no camera toggle').to.equal(true);
      expect((await part(el, 'share-screen')) === null, 'no share-screen toggle').to.equal(true);
      const errors = log.errors().length;
      expect((await rejection(el.camera(true))).code).to.equal('invalid-config');
      expect((await rejection(el.shareScreen(true))).code).to.equal('invalid-config');
      expect(log.errors().length - errors, 'one voip-error each').to.equal(2);
      expect(camera.asked, 'no camera opened').to.have.length(1);
      expect(connector.last.videoChanges.length).to.equal(0);
      await hangUp(el);
    });

    it('a camera change under way during a transfer is dropped: the camera released, no voip-video camera', async () => {
      const { el, connector, session, log } = await answered();
      let open!: () => void;
      session.videoGate = new Promise((resolve) => (open = resolve));
      const turning = el.camera(true);
      await until(() => session.videoChanges.length === 1);
      session.emit({ type: 'transfer', referId: 7, target: 'sip:2008@127.0.0.1:5060' });
      await until(() => connector.sessions.length === 2 && connector.last.calledUri !== undefined);
      open(); // the transferor's re-INVITE answers now
      await turning.catch(() => undefined);
      await until(() => camera.opened[0]!.readyState === 'ended');
      expect(el.cameraOn, 'a voice call after the transfer').to.equal(false);
      expect(log.videos().map((v) => v.local)).to.not.include('camera');
      await hangUp(el);
    });

    it('on hold: the camera sends black frames, camera and screen changes wait for the resume, the toggles go', async () => {
      const { el, session, log } = await answered();
      await el.camera(true);
      const sent = camera.opened[0]!;
      await el.hold(true);
      expect(session.holds).to.deep.equal([true]);
      expect(sent.enabled, 'nothing seen by the far end').to.equal(false);
      expect(sent.readyState, 'kept for the resume').to.equal('live');
      expect((await part(el, 'camera')) === null, 'no camera toggle on hold').to.equal(true);
      const changes = session.videoChanges.length;
      expect((await rejection(el.camera(false))).code).to.equal('not-in-call');
      expect((await rejection(el.shareScreen(true))).code).to.equal('not-in-call');
      expect(session.videoChanges.length, 'no re-INVITE on hold').to.equal(changes);
      expect(el.cameraOn).to.equal(true);
      await el.hold(false);
      expect(sent.enabled).to.equal(true);
      expect((await part(el, 'camera')) !== null).to.equal(true);
      await el.camera(false);
      expect(el.cameraOn).to.equal(false);
      expect(log.errors().map((e) => e.code)).to.deep.equal(['not-in-call', 'not-in-call']);
      await hangUp(el);
    });

    chromiumOnly(ENDS)(
      "the browser's Stop sharing while the sharing starts: the sharing ends once it has started",
      async () => {
        const { el, session } = await answered();
        const screen = fakeScreen();
        let open!: () => void;
        session.videoGate = new Promise((resolve) => (open = resolve));
        const sharing = el.shareScreen(true);
        await until(() => session.videoChanges.length === 1);
        screen.opened[0]!.dispatchEvent(new Event('ended'));
        open();
        await sharing;
        await until(() => el.sharingScreen === false);
        expect(session.videoChanges.at(-1), 'video stopped at the gateway').to.equal(null);
        expect(screen.opened[0]!.readyState).to.equal('ended');
        await hangUp(el);
      },
    );

    chromiumOnly(ENDS)(
      'the camera stops by itself on hold: released, video off, one camera-unavailable; on again after the resume',
      async () => {
        const { el, session, log } = await answered();
        await el.camera(true);
        await el.hold(true);
        const changes = session.videoChanges.length;
        camera.opened[0]!.dispatchEvent(new Event('ended'));
        await until(() => el.cameraOn === false);
        expect(log.errors().map((e) => e.code)).to.deep.equal(['camera-unavailable']);
        expect(log.videos().at(-1)).to.deep.equal({ local: 'off', remote: false });
        expect(session.videoChanges.length, 'nothing renegotiated on hold').to.equal(changes);
        await el.hold(false);
        await el.camera(true);
        expect(el.cameraOn).to.equal(true);
        await hangUp(el);
      },
    );

    chromiumOnly(ENDS)(
      'the camera stops by itself (unplugged): video off, one voip-error camera-unavailable, the call goes on',
      async () => {
        const { el, session, log } = await answered();
        await el.camera(true);
        const sent = camera.opened[0]!;
        sent.dispatchEvent(new Event('ended')); // what the browser fires when the device goes
        await until(() => el.cameraOn === false);
        expect(session.videoChanges.at(-1), 'video stopped at the gateway').to.equal(null);
        expect(log.errors().map((e) => e.code)).to.deep.equal(['camera-unavailable']);
        expect(log.videos().at(-1)).to.deep.equal({ local: 'off', remote: false });
        expect(sent.readyState).to.equal('ended');
        expect(el.state).to.equal('in-call');
        // Our own stop (camera off) is no failure.
        await el.camera(true);
        const again = camera.opened[1]!;
        await el.camera(false);
        again.dispatchEvent(new Event('ended'));
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(log.errors()).to.have.length(1);
        await hangUp(el);
      },
    );
  });

  describe('the panel', () => {
    it('a camera toggle (aria-pressed follows cameraOn) and a share-screen toggle, once answered', async () => {
      const { el, connector, session } = await placed();
      expect((await part(el, 'camera')) === null, 'not before the answer').to.equal(true);
      session.emit({ type: 'accepted' });
      await until(() => el.state === 'in-call');
      const screen = fakeScreen();
      const toggle = await part(el, 'camera');
      expect(toggle !== null, 'the camera toggle').to.equal(true);
      expect(toggle!.getAttribute('part')).to.equal('panel-button camera');
      expect(toggle!.getAttribute('aria-pressed')).to.equal('false');
      expect(toggle!.textContent!.trim()).to.equal('Camera');
      toggle!.click();
      await until(() => el.cameraOn);
      expect((await part(el, 'camera'))!.getAttribute('aria-pressed')).to.equal('true');
      (await part(el, 'camera'))!.click();
      await until(() => !el.cameraOn);
      expect((await part(el, 'camera'))!.getAttribute('aria-pressed')).to.equal('false');
      expect(connector.last.videoChanges.length).to.equal(2);

      const share = await part(el, 'share-screen');
      expect(share !== null, 'the share-screen toggle').to.equal(true);
      expect(share!.getAttribute('aria-pressed')).to.equal('false');
      expect(share!.textContent!.trim()).to.equal('Share screen');
      share!.click();
      await until(() => el.sharingScreen);
      expect(screen.asked).to.have.length(1);
      expect((await part(el, 'share-screen'))!.getAttribute('aria-pressed')).to.equal('true');
      (await part(el, 'share-screen'))!.click();
      await until(() => !el.sharingScreen);
      expect((await part(el, 'share-screen'))!.getAttribute('aria-pressed')).to.equal('false');
      await hangUp(el);
    });

    it('controls="mute camera": the camera toggle, no share-screen toggle', async () => {
      const { el } = await answered({ controls: 'mute camera' });
      expect((await part(el, 'camera')) !== null, 'camera').to.equal(true);
      expect((await part(el, 'share-screen')) === null, 'no share-screen').to.equal(true);
      expect((await part(el, 'hold')) === null, 'no hold').to.equal(true);
      await hangUp(el);
    });

    it('a browser that cannot share a screen: no share-screen toggle; shareScreen() is screen-denied', async () => {
      noScreenSharing();
      const { el, session, log } = await answered();
      expect((await part(el, 'camera')) !== null, 'camera').to.equal(true);
      expect((await part(el, 'share-screen')) === null, 'no share-screen').to.equal(true);
      expect((await rejection(el.shareScreen(true))).code).to.equal('screen-denied');
      expect(log.errors().map((e) => e.code)).to.deep.equal(['screen-denied']);
      expect(session.videoChanges.length).to.equal(0);
      await hangUp(el);
    });

    it('controls="share-screen": the share-screen toggle alone', async () => {
      const { el } = await answered({ controls: 'share-screen' });
      expect((await part(el, 'camera')) === null, 'no camera').to.equal(true);
      expect((await part(el, 'share-screen')) !== null, 'share-screen').to.equal(true);
      await hangUp(el);
    });
  });

  describe('call quality', () => {
    const QUALITY_INTERVAL_MS = 3000;
    beforeEach(() => {
      // The quality capability samples every 3 s: compressed here (that interval only).
      const real = window.setInterval;
      window.setInterval = ((handler: TimerHandler, timeout?: number, ...args: unknown[]) =>
        real(
          handler,
          timeout === QUALITY_INTERVAL_MS ? 100 : timeout,
          ...args,
        )) as typeof window.setInterval;
      restores.push(() => (window.setInterval = real));
    });

    /** Plays `getStats()` reports on `session`: audio arriving, the RTT given, and `video`. */
    function network(
      session: FakeSession,
      rtt: number,
      video: ReadonlyArray<Record<string, unknown>> = [],
    ) {
      let received = 0;
      Object.defineProperty(session, 'stats', {
        configurable: true,
        get: () =>
          statsReport([
            {
              type: 'inbound-rtp',
              kind: 'audio',
              packetsReceived: (received += 50),
              packetsLost: 0,
              jitter: 0.002,
            },
            {
              type: 'candidate-pair',
              state: 'succeeded',
              nominated: true,
              currentRoundTripTime: rtt,
            },
            ...video,
          ]),
      });
    }

    const VIDEO_STATS = [
      {
        type: 'outbound-rtp',
        kind: 'video',
        framesPerSecond: 24,
        frameWidth: 640,
        frameHeight: 480,
      },
      {
        type: 'inbound-rtp',
        kind: 'video',
        framesPerSecond: 14.8,
        frameWidth: 640,
        frameHeight: 480,
      },
    ];

    it('voip-quality carries video figures sent and received in a video call, none in a voice call', async () => {
      const { el, session } = await answered();
      const samples: VoipQualityDetail[] = [];
      el.addEventListener('voip-quality', (e) => samples.push(e.detail));
      network(session, 0.02, VIDEO_STATS);
      await until(() => samples.length >= 1);
      expect(samples[0]!.video).to.deep.equal({
        sent: { fps: 24, width: 640, height: 480 },
        received: { fps: 15, width: 640, height: 480 },
      });
      await hangUp(el);

      const voice = await mountWithFake({ ringback: 'off' });
      const voiceSamples: VoipQualityDetail[] = [];
      voice.el.addEventListener('voip-quality', (e) => voiceSamples.push(e.detail));
      await answeredCall(voice.el, voice.connector);
      network(voice.connector.last, 0.02, VIDEO_STATS);
      await until(() => voiceSamples.length >= 1);
      expect('video' in voiceSamples[0]!, 'no video figures').to.equal(false);
      await hangUp(voice.el);
    });

    it('a poor connection with the camera on offers to turn it off; "Turn camera off" does', async () => {
      const { el, session, log } = await answered();
      const samples: VoipQualityDetail[] = [];
      el.addEventListener('voip-quality', (e) => samples.push(e.detail));
      await el.camera(true);
      const offer = () => videoView(el).then((v) => v?.querySelector('[part="video-offer"]'));
      network(session, 0.02); // good
      await until(() => samples.length >= 3);
      expect(el.poorQuality).to.equal(false);
      expect((await offer()) == null, 'a good line: no offer').to.equal(true);
      network(session, 2); // a 2 s round trip: poor
      await until(() => el.poorQuality);
      const shown = await offer();
      expect(shown != null, 'the offer shows').to.equal(true);
      expect(shown!.getAttribute('role')).to.equal('status');
      const [off, keep] = [...shown!.querySelectorAll('button')];
      expect(off!.textContent!.trim()).to.equal('Turn camera off');
      expect(keep!.textContent!.trim()).to.equal('Keep it on');
      off!.click();
      await until(() => !el.cameraOn);
      expect(session.videoChanges.at(-1) === null, 'video off').to.equal(true);
      expect(log.videos().at(-1)).to.deep.equal({ local: 'off', remote: false });
      expect(el.poorQuality, 'still poor').to.equal(true);
      expect((await videoView(el)) === null, 'no video: no view, no offer').to.equal(true);
      await hangUp(el);
    });

    it('"Keep it on" hides the offer and the camera stays; no offer without the camera', async () => {
      const { el, session, connector } = await answered();
      session.emit({ type: 'remote-video', stream: new MediaStream([canvasTrack()]) });
      network(session, 2);
      await until(() => el.poorQuality);
      const offer = async () => (await videoView(el))?.querySelector('[part="video-offer"]');
      expect((await offer()) == null, 'the camera is off: no offer').to.equal(true);
      await el.camera(true);
      const shown = await offer();
      expect(shown != null, 'the offer shows').to.equal(true);
      [...shown!.querySelectorAll('button')][1]!.click();
      await eventually(async () => (await offer()) == null);
      expect(el.cameraOn).to.equal(true);
      expect(connector.last.videoChanges.length).to.equal(1);
      await hangUp(el);
    });
  });
});
