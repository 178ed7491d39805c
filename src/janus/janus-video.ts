/**
 * Video on the SIP plugin session (sip-session.ts): the camera or screen as janus.js sends it,
 * turning it on and off, and its bitrate. A module of its own, loaded by a session only when its
 * call allows video, so a voice call downloads none of it.
 */
import type { JanusJS } from 'janus-gateway';
import { VoipError } from '../errors.js';
import type { VideoOptions } from '../sip/session.js';
import { settleWithin } from '../util/time.js';

/** What this module needs of the session. */
export interface VideoPeer {
  readonly handle: JanusJS.PluginHandle;
  /** The call's peer connection, now. */
  pc(): RTCPeerConnection | null | undefined;
  /** Renegotiates: a new offer with these parameters, a re-INVITE through the plugin. */
  update(offer: Partial<JanusJS.OfferParams>): Promise<void>;
}

/**
 * The camera or screen as janus.js sends it. VP8 towards SIP: it is the codec SIP video phones
 * and PBXs share with browsers (H.264 depends on the browser's build), and baresip, like other
 * SIP clients, cannot decode Chromium's VP9 ("vp9: decode: F-bit not supported"), which Chromium
 * would otherwise offer first. The call owns the track: janus.js must not stop it. Without a
 * track: an offer to receive video only.
 */
export function videoTrack(capture?: MediaStreamTrack): JanusJS.TrackOption {
  const option = {
    type: 'video',
    codec: 'vp8',
    recv: true,
    dontStop: true,
    capture: capture ?? false,
  };
  return option as JanusJS.TrackOption; // janus.js's types leave `codec` out
}

/** See `SipSession.setVideo`. */
export async function setVideo(
  peer: VideoPeer,
  track: MediaStreamTrack | null,
  options: VideoOptions,
): Promise<void> {
  const transceiver = peer
    .pc()
    ?.getTransceivers()
    .find((t) => t.receiver.track.kind === 'video');
  // Video is sent when the last answer said so (a refused re-INVITE leaves a track unsent).
  if (track && transceiver?.sender.track && /send/.test(transceiver.currentDirection ?? '')) {
    // Another source while video is sent (camera <-> screen): no renegotiation.
    await new Promise<void>((resolve, reject) => {
      peer.handle.replaceTracks({
        tracks: [{ type: 'video', capture: track, replace: true, dontStop: true }],
        success: () => resolve(),
        error: (error: string) => reject(new VoipError('failed', `replaceTracks: ${error}`)),
      });
    });
  } else {
    // Starting or stopping video is a re-INVITE. The m-line of a call that had video is reused
    // (the plugin takes one video stream): sendrecv again, or recvonly. janus.js sets no codec
    // preference on a reused one (the far end may have opened it): VP8 here too.
    const vp8 = RTCRtpReceiver.getCapabilities('video')?.codecs.filter((c) =>
      /vp8/i.test(c.mimeType),
    );
    if (transceiver && vp8?.length) {
      try {
        transceiver.setCodecPreferences(vp8);
      } catch {
        // the browser keeps its own order
      }
    }
    try {
      await peer.update({
        tracks: [
          track
            ? { ...videoTrack(track), ...(transceiver ? { replace: true } : {}) }
            : { type: 'video', remove: true, recv: true, capture: false },
        ],
      });
    } catch (error) {
      // Refused (the far end's 4xx, no answer): the track given is not sent; the next try
      // renegotiates again.
      await unsend(peer, track);
      throw error;
    }
    await applied(peer.pc());
    const sent = peer
      .pc()
      ?.getTransceivers()
      .find((t) => t.receiver.track.kind === 'video')?.currentDirection;
    if (track && sent && !/send/.test(sent)) {
      // The far end answered without taking video (an audio-only phone): nothing is sent.
      await unsend(peer, track);
      throw new VoipError('failed', `the far end takes no video (${sent})`);
    }
  }
  if (track) await limitVideo(peer.pc(), options);
}

/**
 * Waits until the far end's answer is applied: janus.js applies it without waiting, after the
 * plugin's "accepted" (2 s at most; then the directions read are the previous ones).
 */
async function applied(pc: RTCPeerConnection | null | undefined): Promise<void> {
  if (!pc || pc.signalingState === 'stable') return;
  const done = new AbortController();
  await settleWithin(
    new Promise<void>((resolve) =>
      pc.addEventListener(
        'signalingstatechange',
        () => {
          if (pc.signalingState === 'stable') resolve();
        },
        { signal: done.signal },
      ),
    ),
    2000,
  );
  done.abort();
}

/** Takes `track` off its sender (the caller stops it). */
async function unsend(peer: VideoPeer, track: MediaStreamTrack | null): Promise<void> {
  const sender = peer
    .pc()
    ?.getSenders()
    .find((s) => track && s.track === track);
  await sender?.replaceTrack(null).catch(() => undefined);
}

/** Caps the bitrate of the video sent (janus.js would not on a replaced track). */
export async function limitVideo(
  pc: RTCPeerConnection | null | undefined,
  { maxBitrate }: VideoOptions,
): Promise<void> {
  const sender = pc?.getSenders().find((s) => s.track?.kind === 'video');
  const parameters = sender?.getParameters();
  const encoding = parameters?.encodings[0];
  if (!sender || !parameters || !encoding) return;
  encoding.maxBitrate = maxBitrate;
  await sender.setParameters(parameters).catch(() => undefined); // a cap, not a need
}
