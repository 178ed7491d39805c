/**
 * Video through the Janus adapter (src/janus/sip-session.ts and src/janus/janus-video.ts) over a
 * fake janus.js (test/support/fake-janus.ts) with a fake peer connection: what the INVITE offers
 * (VP8, the page's camera, or receive only), turning video on and off mid-call (a re-INVITE
 * through the plugin's "update"), swapping the source without one (replaceTracks), the bitrate
 * cap, the far end's video as `remote-video` events, and re-INVITEs of a video call.
 */
import { expect } from '@open-wc/testing';
import type { CallOptions, SessionEvent, SipSession, VideoOptions } from '../../src/sip/session.js';
import {
  FAKE_ANSWER,
  FAKE_OFFER,
  FakePeerConnection,
  sipEvent,
  type FakeHandle,
  type FakeJanusScript,
  type PluginReply,
} from '../support/fake-janus.js';
import { until } from '../support/fake-connector.js';
import { connectFakeSession } from '../support/janus-session.js';
import { rejection, settledSoon } from '../support/promises.js';

const STANDARD: VideoOptions = { maxBitrate: 500_000 };

const opened: SipSession[] = [];
const tracks: MediaStreamTrack[] = [];
afterEach(async () => {
  for (const session of opened.splice(0)) await session.close();
  for (const track of tracks.splice(0)) track.stop();
});

/** A live video track of the page's own (a canvas's), stopped after the test. */
function videoTrack(): MediaStreamTrack {
  const canvas = document.createElement('canvas');
  canvas.getContext('2d')!.fillRect(0, 0, 10, 10);
  const track = canvas.captureStream(5).getVideoTracks()[0]!;
  tracks.push(track);
  return track;
}

/**
 * A session connected through a new fake janus.js whose handle has a FakePeerConnection, with a
 * call placed (with `options`) and answered; `replies` replace the plugin's usual answers.
 */
async function videoCall(
  options: CallOptions | undefined,
  replies: Record<string, readonly PluginReply[]> = {},
  script: Partial<FakeJanusScript> = {},
) {
  const { session, events, fake } = await connectFakeSession(replies, script);
  opened.push(session);
  const handle = fake.last.handle;
  const pc = new FakePeerConnection();
  handle.webrtcStuff.pc = pc;
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  const microphone = stream.getAudioTracks()[0]!;
  tracks.push(microphone);
  await session.call('sip:2010@127.0.0.1:5060', stream, options);
  handle.message(sipEvent('accepted'));
  events.splice(0);
  return { session, handle, pc, events, microphone, fake };
}

/** The `request` of each message sent since the call (without `register` and `call`). */
function requestsAfterCall(handle: FakeHandle): string[] {
  return handle.requests.slice(2);
}

/** Lets the fake's pending callbacks run. */
function aFewTasks(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 30));
}

/** The far end's track as janus.js reports it (`onremotetrack`); `muted` as janus.js sees it. */
function remoteTrack(handle: FakeHandle, track: MediaStreamTrack, on: boolean, muted = false) {
  Object.defineProperty(track, 'muted', { configurable: true, get: () => muted });
  handle.callbacks.onremotetrack?.(track, track.kind === 'audio' ? '0' : '1', on);
}

describe('the Janus session: video', () => {
  describe('the INVITE', () => {
    it('with a camera: audio and VP8 video, both kept by the page, and the bitrate capped', async () => {
      const camera = videoTrack();
      const { handle, pc, microphone } = await videoCall({
        video: { track: camera, offer: true, maxBitrate: 500_000 },
      });
      expect(handle.offers).to.have.length(1);
      const offered = handle.offers[0]!.tracks!;
      expect(offered).to.deep.equal([
        { type: 'audio', capture: microphone, recv: true, dontStop: true },
        { type: 'video', codec: 'vp8', capture: camera, recv: true, dontStop: true },
      ]);
      // (deep.equal cannot tell two tracks apart: the identities are checked one by one)
      expect(offered[0]!.capture === microphone, 'the microphone').to.equal(true);
      expect(offered[1]!.capture === camera, 'the camera').to.equal(true);
      expect(handle.sent[1]!.message['request']).to.equal('call');
      expect(handle.sent[1]!.jsep).to.deep.equal(FAKE_OFFER);
      expect(pc.find('video')!.sender.maxBitrates).to.deep.equal([500_000]);
    });

    it('offering video without a camera: VP8 to receive only (capture false), no cap to set', async () => {
      const { handle, pc, microphone } = await videoCall({
        video: { offer: true, maxBitrate: 500_000 },
      });
      expect(handle.offers[0]!.tracks).to.deep.equal([
        { type: 'audio', capture: microphone, recv: true, dontStop: true },
        { type: 'video', codec: 'vp8', capture: false, recv: true, dontStop: true },
      ]);
      expect(pc.find('video')!.sender.track).to.equal(null);
      expect(pc.find('video')!.sender.maxBitrates).to.deep.equal([]);
    });

    it('video allowed but not offered (video="optional"), or a voice call: audio only', async () => {
      for (const options of [{ video: STANDARD }, {}, undefined]) {
        const { handle, microphone } = await videoCall(options);
        expect(handle.offers[0]!.tracks, JSON.stringify(options)).to.deep.equal([
          { type: 'audio', capture: microphone, recv: true, dontStop: true },
        ]);
      }
    });
  });

  describe('setVideo() mid-call', () => {
    it('starting video (no video sender yet): an offer with the VP8 track, then "update" until "accepted"', async () => {
      const { session, handle, pc } = await videoCall(
        { video: STANDARD },
        { update: [{ message: sipEvent('updating') }] },
      );
      const camera = videoTrack();
      const starting = session.setVideo(camera, { maxBitrate: 150_000 });
      await until(() => requestsAfterCall(handle).length === 1);
      expect(handle.offers).to.have.length(2);
      const offered = handle.offers[1]!.tracks!;
      expect(offered).to.deep.equal([
        { type: 'video', codec: 'vp8', capture: camera, recv: true, dontStop: true },
      ]);
      expect(offered[0]!.capture === camera, 'the camera').to.equal(true);
      expect(handle.sent.at(-1)!.message).to.deep.equal({ request: 'update' });
      expect(handle.sent.at(-1)!.jsep).to.deep.equal(FAKE_OFFER);
      expect(await settledSoon(starting), 'waits for the answer to the re-INVITE').to.equal(false);

      handle.message(sipEvent('accepted'), FAKE_ANSWER);
      await starting;
      expect(handle.remoteJseps.at(-1)).to.deep.equal(FAKE_ANSWER);
      expect(handle.replaced, 'no replaceTracks').to.deep.equal([]);
      expect(pc.find('video')!.sender.maxBitrates, 'capped at the preset').to.deep.equal([150_000]);
    });

    it('another source while video is sent: replaceTracks, no offer and no "update"', async () => {
      const camera = videoTrack();
      const { session, handle, pc } = await videoCall({
        video: { track: camera, offer: true, maxBitrate: 500_000 },
      });
      const screen = videoTrack();
      await session.setVideo(screen, STANDARD);
      expect(handle.replaced).to.have.length(1);
      expect(handle.replaced[0]).to.deep.equal([
        { type: 'video', capture: screen, replace: true, dontStop: true },
      ]);
      expect(handle.replaced[0]![0]!.capture === screen, 'the screen').to.equal(true);
      expect(handle.offers, 'no new offer').to.have.length(1);
      expect(requestsAfterCall(handle), 'no re-INVITE').to.deep.equal([]);
      expect(pc.find('video')!.sender.track === screen).to.equal(true);
      // The cap applies to the new track too (janus.js would not set it on a replaced one).
      expect(pc.find('video')!.sender.maxBitrates).to.deep.equal([500_000, 500_000]);
    });

    it('null stops video: an offer removing the video track (still receiving), then "update"', async () => {
      const camera = videoTrack();
      const { session, handle, pc } = await videoCall({
        video: { track: camera, offer: true, maxBitrate: 500_000 },
      });
      await session.setVideo(null, STANDARD);
      expect(handle.offers).to.have.length(2);
      expect(handle.offers[1]!.tracks).to.deep.equal([
        { type: 'video', remove: true, recv: true, capture: false },
      ]);
      expect(requestsAfterCall(handle)).to.deep.equal(['update']);
      expect(pc.find('video')!.sender.track).to.equal(null);
      expect(handle.replaced).to.deep.equal([]);

      // On again: the video m-line the call has is reused (replace), a re-INVITE again.
      const again = videoTrack();
      await session.setVideo(again, STANDARD);
      expect(handle.offers).to.have.length(3);
      expect(handle.offers[2]!.tracks).to.deep.equal([
        {
          type: 'video',
          codec: 'vp8',
          capture: again,
          recv: true,
          dontStop: true,
          replace: true,
        },
      ]);
      expect(handle.offers[2]!.tracks![0]!.capture === again).to.equal(true);
      expect(requestsAfterCall(handle)).to.deep.equal(['update', 'update']);
      expect(pc.find('video')!.sender.track === again).to.equal(true);
    });

    it('an offer the browser cannot make, a refused "update", a failed replaceTracks: each rejects', async () => {
      const offerFails = await videoCall({ video: STANDARD });
      // janus.js fails to make the offer: nothing is sent to the plugin.
      offerFails.fake.script.offerError = 'no camera';
      const error = await rejection(offerFails.session.setVideo(videoTrack(), STANDARD));
      expect(error.code).to.equal('failed');
      expect(requestsAfterCall(offerFails.handle)).to.deep.equal([]);

      const refused = await videoCall({ video: STANDARD }, { update: [] });
      const turning = refused.session.setVideo(videoTrack(), STANDARD);
      await until(() => requestsAfterCall(refused.handle).length === 1);
      refused.handle.message({
        sip: 'event',
        error_code: 472,
        error: 'Error sending re-INVITE',
      } as unknown as Parameters<FakeHandle['message']>[0]);
      expect((await rejection(turning)).code).to.equal('server-error');

      const camera = videoTrack();
      const noReplace = await videoCall(
        { video: { track: camera, offer: true, maxBitrate: 500_000 } },
        {},
        { replaceError: 'no sender' },
      );
      const swap = await rejection(noReplace.session.setVideo(videoTrack(), STANDARD));
      expect(swap.code).to.equal('failed');
      expect(swap.message).to.match(/replaceTracks/);
    });

    it('a refused re-INVITE leaves the track unsent, and the next try renegotiates again', async () => {
      const { session, handle, pc } = await videoCall({ video: STANDARD }, { update: [] });
      const first = videoTrack();
      const turning = session.setVideo(first, STANDARD);
      await until(() => requestsAfterCall(handle).length === 1);
      handle.message({
        sip: 'event',
        error_code: 472,
        error: 'Error sending re-INVITE',
      } as unknown as Parameters<FakeHandle['message']>[0]);
      await rejection(turning);
      expect(pc.find('video')!.sender.track, 'the refused track is not sent').to.equal(null);
      // (The fake records the offer's direction as if answered; a refused one was not.)
      pc.find('video')!.currentDirection = null;
      const second = videoTrack();
      const again = session.setVideo(second, STANDARD);
      await until(() => requestsAfterCall(handle).length === 2);
      expect(requestsAfterCall(handle), 'a re-INVITE, not a silent swap').to.deep.equal([
        'update',
        'update',
      ]);
      expect(handle.replaced).to.deep.equal([]);
      handle.message(sipEvent('accepted'), FAKE_ANSWER);
      await again;
    });

    it('a far end that answers without taking video: rejects, nothing is sent', async () => {
      const { session, pc } = await videoCall({ video: STANDARD });
      pc.answerDirection = 'recvonly';
      const error = await rejection(session.setVideo(videoTrack(), STANDARD));
      expect(error.code).to.equal('failed');
      expect(error.message).to.match(/takes no video/);
      expect(pc.find('video')!.sender.track).to.equal(null);
    });

    it('a video m-line the far end opened is reused with VP8 preferred', async () => {
      const { session, pc } = await videoCall({ video: STANDARD });
      pc.apply([{ type: 'video', capture: false, recv: true }]); // the far end added video
      await session.setVideo(videoTrack(), STANDARD);
      const preferred = pc.find('video')!.codecPreferences;
      expect(preferred).to.have.length(1);
      expect(preferred[0]!.length).to.be.greaterThan(0);
      expect(preferred[0]!.every((c) => /^video\/vp8$/i.test(c.mimeType))).to.equal(true);
    });

    it('a bitrate cap the browser refuses is no failure', async () => {
      const { session, pc } = await videoCall({ video: STANDARD });
      const camera = videoTrack();
      pc.apply([{ type: 'video', capture: false, recv: true }]); // the receive-only m-line
      pc.find('video')!.sender.parametersError = new Error('InvalidModificationError');
      await session.setVideo(camera, STANDARD);
      expect(pc.find('video')!.sender.track === camera).to.equal(true);
      expect(pc.find('video')!.sender.maxBitrates).to.deep.equal([]);
    });

    it('close() while janus.js makes the offer (and never answers): setVideo rejects at once', async () => {
      const { session, fake } = await videoCall({ video: STANDARD });
      fake.script.offerHangs = true;
      const turning = session.setVideo(videoTrack(), STANDARD);
      await aFewTasks();
      expect(await settledSoon(turning), 'waits for the offer meanwhile').to.equal(false);
      await session.close();
      expect(await settledSoon(turning), 'settled by close()').to.equal(true);
      expect((await rejection(turning)).code).to.equal('failed');
    });

    it('close() drops the ended handlers janus.js hung on the video tracks', async () => {
      const camera = videoTrack();
      const { session, handle } = await videoCall({
        video: { track: camera, offer: true, maxBitrate: 500_000 },
      });
      const screen = videoTrack();
      await session.setVideo(screen, STANDARD);
      // (a failed assertion must not print a function: compared as booleans)
      expect(camera.onended !== null, 'janus.js hooked the camera').to.equal(true);
      expect(screen.onended !== null, 'and the screen').to.equal(true);
      await session.close();
      expect(camera.onended === null, 'the camera let go').to.equal(true);
      expect(screen.onended === null, 'the screen let go').to.equal(true);
      expect(handle.hangups).to.deep.equal([false]);
      expect((await rejection(session.setVideo(videoTrack(), STANDARD))).code).to.equal('failed');
    });
  });

  describe("the far end's video", () => {
    it('in a call with video: remote-video when frames flow, null when they stop', async () => {
      const { handle, events } = await videoCall({ video: STANDARD });
      const far = videoTrack();
      // janus.js reports the track when it is created, muted until frames come: nothing yet.
      remoteTrack(handle, far, true, true);
      expect(events).to.deep.equal([]);
      remoteTrack(handle, far, true, false);
      expect(events).to.have.length(1);
      const started = events[0] as Extract<SessionEvent, { type: 'remote-video' }>;
      expect(started.type).to.equal('remote-video');
      expect(started.stream!.getVideoTracks()).to.have.length(1);
      expect(started.stream!.getVideoTracks()[0] === far, "the far end's track").to.equal(true);
      expect(started.stream!.getAudioTracks()).to.have.length(0);
      remoteTrack(handle, far, false);
      expect(events[1]).to.deep.equal({ type: 'remote-video', stream: null });
      expect(events).to.have.length(2);
    });

    it('in a voice call: no remote-video at all (the audio is reported as ever)', async () => {
      const { handle, events } = await videoCall({});
      const far = videoTrack();
      remoteTrack(handle, far, true);
      remoteTrack(handle, far, false);
      expect(events).to.deep.equal([]);
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
      const audio = stream.getAudioTracks()[0]!;
      tracks.push(audio);
      remoteTrack(handle, audio, true);
      expect(events.map((e) => e.type)).to.deep.equal(['remote-stream']);
    });
  });

  describe('re-INVITEs from the far end', () => {
    const offer = {
      type: 'offer',
      sdp: 'v=0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/SAVPF 0\r\na=sendrecv\r\nm=video 9 RTP/SAVPF 96\r\na=sendrecv\r\n',
    } as const;

    async function reinvite(handle: FakeHandle) {
      handle.message(sipEvent('updatingcall', { username: 'sip:2010@127.0.0.1:5060' }), offer);
      await until(() => handle.answers.length === 1);
      await aFewTasks();
    }

    it('a call with video answers with its own tracks as they are (video accepted)', async () => {
      const { handle } = await videoCall(
        { video: STANDARD },
        { update: [{ message: sipEvent('updating') }] },
      );
      await reinvite(handle);
      expect(handle.answers[0]!.jsep).to.deep.equal(offer);
      expect(handle.answers[0]!.tracks).to.deep.equal([]);
      expect(requestsAfterCall(handle)).to.deep.equal(['update']);
    });

    it('a voice call refuses the video the far end adds', async () => {
      const { handle } = await videoCall({}, { update: [{ message: sipEvent('updating') }] });
      await reinvite(handle);
      expect(handle.answers[0]!.tracks).to.deep.equal([
        { type: 'video', recv: false, capture: false },
      ]);
    });
  });
});
