/**
 * The video chunk's pure parts and its media requests (src/video/media.ts, src/video/figures.ts):
 * what `video-quality` asks of the camera and screen, what a refusal means, and the video figures
 * `voip-quality` carries.
 */
import { expect } from '@open-wc/testing';
import { VoipError } from '../../src/errors.js';
import { DEVICE_STORAGE_KEY } from '../../src/media/devices.js';
import {
  VIDEO_PRESETS,
  cameraErrorCode,
  canShareScreen,
  openCamera,
  openScreen,
  videoPreset,
} from '../../src/video/media.js';
import { videoFigures } from '../../src/video/figures.js';
import { rejection } from '../support/promises.js';
import { fakeScreen, noScreenSharing, restoreMedia, statsReport, watchCamera } from './support.js';

describe('video presets (video-quality)', () => {
  it('low, standard and high: size, frame rate and bitrate as documented', () => {
    expect(VIDEO_PRESETS).to.deep.equal({
      low: { width: 320, height: 240, fps: 15, bitrate: 150_000 },
      standard: { width: 640, height: 480, fps: 24, bitrate: 500_000 },
      high: { width: 1280, height: 720, fps: 30, bitrate: 1_500_000 },
    });
  });

  it('reads the attribute loosely; anything but low and high (or none) is standard', () => {
    expect(videoPreset('low')).to.equal(VIDEO_PRESETS.low);
    expect(videoPreset(' HIGH ')).to.equal(VIDEO_PRESETS.high);
    expect(videoPreset('Low')).to.equal(VIDEO_PRESETS.low);
    for (const other of [null, '', 'standard', 'medium', 'hd', 'lowest']) {
      expect(videoPreset(other), String(other)).to.equal(VIDEO_PRESETS.standard);
    }
  });
});

describe('opening the camera', () => {
  let saved: string | null;
  beforeEach(() => {
    saved = localStorage.getItem(DEVICE_STORAGE_KEY);
    localStorage.removeItem(DEVICE_STORAGE_KEY);
  });
  afterEach(() => {
    restoreMedia();
    if (saved === null) localStorage.removeItem(DEVICE_STORAGE_KEY);
    else localStorage.setItem(DEVICE_STORAGE_KEY, saved);
  });

  it('asks for video only, no larger than the preset, and returns its live video track', async () => {
    const camera = watchCamera();
    const track = await openCamera(VIDEO_PRESETS.standard);
    expect(camera.asked).to.deep.equal([
      {
        width: { ideal: 640, max: 640 },
        height: { ideal: 480, max: 480 },
        frameRate: { ideal: 24, max: 24 },
      },
    ]);
    expect(track === camera.opened[0], 'the track opened').to.equal(true);
    expect(track.kind).to.equal('video');
    expect(track.readyState).to.equal('live');
    const settings = track.getSettings();
    expect(settings.width).to.be.at.most(640);
    expect(settings.height).to.be.at.most(480);

    await openCamera(VIDEO_PRESETS.low);
    expect(camera.asked[1]).to.deep.equal({
      width: { ideal: 320, max: 320 },
      height: { ideal: 240, max: 240 },
      frameRate: { ideal: 15, max: 15 },
    });
  });

  it('the audio of the request is off (the microphone is the call’s own)', async () => {
    const asked: MediaStreamConstraints[] = [];
    const browser = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints) => {
      asked.push(constraints ?? {});
      return browser(constraints);
    };
    try {
      (await openCamera(VIDEO_PRESETS.high)).stop();
    } finally {
      Reflect.deleteProperty(navigator.mediaDevices, 'getUserMedia');
    }
    expect(asked).to.have.length(1);
    expect(asked[0]!.audio).to.equal(false);
    expect(asked[0]!.video).to.deep.include({
      width: { ideal: 1280, max: 1280 },
      height: { ideal: 720, max: 720 },
      frameRate: { ideal: 30, max: 30 },
    });
  });

  it('a camera chosen now is asked for exactly; the one remembered for the site, ideally', async () => {
    const camera = watchCamera();
    const ids = (await navigator.mediaDevices.enumerateDevices())
      .filter((d) => d.kind === 'videoinput')
      .map((d) => d.deviceId);
    expect(ids.length, 'Chromium has a fake camera').to.be.greaterThan(0);
    const id = ids[0]!;
    await openCamera(VIDEO_PRESETS.standard, id);
    expect(camera.asked[0]!.deviceId).to.deep.equal({ exact: id });

    localStorage.setItem(DEVICE_STORAGE_KEY, JSON.stringify({ camera: 'remembered-camera' }));
    await openCamera(VIDEO_PRESETS.standard);
    expect(camera.asked[1]!.deviceId).to.deep.equal({ ideal: 'remembered-camera' });

    // A choice made now wins over the remembered one.
    await openCamera(VIDEO_PRESETS.standard, id);
    expect(camera.asked[2]!.deviceId).to.deep.equal({ exact: id });
  });

  it('a refusal rejects with the code of its cause, keeping the cause', async () => {
    const camera = watchCamera();
    for (const [name, code] of [
      ['NotAllowedError', 'camera-denied'],
      ['NotFoundError', 'no-camera'],
      ['NotReadableError', 'camera-unavailable'],
    ] as const) {
      camera.next = name;
      const error = await rejection(openCamera(VIDEO_PRESETS.standard));
      expect(error.code, name).to.equal(code);
      expect((error.cause as DOMException).name).to.equal(name);
    }
  });

  it('maps every getUserMedia failure onto camera-denied, no-camera or camera-unavailable', () => {
    const dom = (name: string) => new DOMException('x', name);
    expect(cameraErrorCode(dom('NotAllowedError'))).to.equal('camera-denied');
    expect(cameraErrorCode(dom('SecurityError'))).to.equal('camera-denied');
    expect(cameraErrorCode(dom('NotFoundError'))).to.equal('no-camera');
    expect(cameraErrorCode(dom('OverconstrainedError'))).to.equal('no-camera');
    expect(cameraErrorCode(dom('NotReadableError'))).to.equal('camera-unavailable');
    expect(cameraErrorCode(dom('AbortError'))).to.equal('camera-unavailable');
    expect(cameraErrorCode(new TypeError('bad constraints'))).to.equal('camera-unavailable');
    expect(cameraErrorCode('not an error')).to.equal('camera-unavailable');
    expect(cameraErrorCode(undefined)).to.equal('camera-unavailable');
  });
});

describe('sharing the screen', () => {
  afterEach(restoreMedia);

  it('asks for a screen without audio at 15 fps at most, and returns its track', async () => {
    const screen = fakeScreen();
    const track = await openScreen(VIDEO_PRESETS.high);
    expect(screen.asked).to.deep.equal([
      { audio: false, video: { frameRate: { ideal: 15, max: 15 } } },
    ]);
    expect(track === screen.opened[0], 'the track opened').to.equal(true);
    // A preset below 15 fps would lower the cap (none is: low is 15).
    await openScreen({ width: 320, height: 240, fps: 10, bitrate: 100_000 });
    expect(screen.asked[1]).to.deep.equal({
      audio: false,
      video: { frameRate: { ideal: 15, max: 10 } },
    });
  });

  it('any refusal (the visitor cancelled, not allowed, not possible) is screen-denied', async () => {
    const screen = fakeScreen();
    for (const name of ['NotAllowedError', 'AbortError', 'NotFoundError', 'InvalidStateError']) {
      screen.next = name;
      const error = await rejection(openScreen(VIDEO_PRESETS.standard));
      expect(error).to.be.instanceOf(VoipError);
      expect(error.code, name).to.equal('screen-denied');
      expect((error.cause as DOMException).name).to.equal(name);
    }
  });

  it('canShareScreen() follows whether the browser has getDisplayMedia', () => {
    expect(canShareScreen(), 'Chromium can').to.equal(true);
    noScreenSharing();
    expect(canShareScreen()).to.equal(false);
    restoreMedia();
    expect(canShareScreen()).to.equal(true);
  });
});

describe('video figures from getStats', () => {
  const audioIn = {
    type: 'inbound-rtp',
    kind: 'audio',
    packetsReceived: 100,
    packetsLost: 0,
    jitter: 0.002,
  };

  it('sent from outbound-rtp video, received from inbound-rtp video: fps rounded, size', () => {
    const figures = videoFigures(
      statsReport([
        audioIn,
        { type: 'outbound-rtp', kind: 'audio', packetsSent: 100 },
        {
          type: 'outbound-rtp',
          kind: 'video',
          framesPerSecond: 23.6,
          frameWidth: 640,
          frameHeight: 480,
        },
        {
          type: 'inbound-rtp',
          kind: 'video',
          framesPerSecond: 14.9,
          frameWidth: 320,
          frameHeight: 240,
        },
      ]),
    );
    expect(figures).to.deep.equal({
      sent: { fps: 24, width: 640, height: 480 },
      received: { fps: 15, width: 320, height: 240 },
    });
  });

  it('one direction only when only one has frames; mediaType stands in for kind', () => {
    expect(
      videoFigures(
        statsReport([
          audioIn,
          { type: 'outbound-rtp', kind: 'video', framesPerSecond: 0 }, // no frames sent yet
          {
            type: 'inbound-rtp',
            mediaType: 'video',
            framesPerSecond: 15,
            frameWidth: 640,
            frameHeight: 480,
          },
        ]),
      ),
    ).to.deep.equal({ received: { fps: 15, width: 640, height: 480 } });
    expect(
      videoFigures(
        statsReport([{ type: 'outbound-rtp', kind: 'video', frameWidth: 320, frameHeight: 180 }]),
      ),
      'no frame rate yet: 0',
    ).to.deep.equal({ sent: { fps: 0, width: 320, height: 180 } });
  });

  it('undefined without video frames either way (a voice call, video not started)', () => {
    expect(videoFigures(statsReport([]))).to.equal(undefined);
    expect(videoFigures(statsReport([audioIn]))).to.equal(undefined);
    expect(
      videoFigures(
        statsReport([
          audioIn,
          { type: 'outbound-rtp', kind: 'video' },
          { type: 'inbound-rtp', kind: 'video', frameWidth: 0 },
          // Other video stats are not the media sent or received.
          { type: 'remote-inbound-rtp', kind: 'video', frameWidth: 640, frameHeight: 480 },
          { type: 'media-source', kind: 'video', frameWidth: 640, frameHeight: 480 },
        ]),
      ),
    ).to.equal(undefined);
  });
});
