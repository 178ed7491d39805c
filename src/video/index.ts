/**
 * Video, an in-call capability in a chunk of its own, loaded only when the page allows video
 * (`video="optional"` or `"on"`): the camera, screen sharing, the far end's video, the video
 * view (view.ts), the camera choice in the settings, and video figures for `voip-quality`.
 *
 * What a page can rely on:
 * - `video="on"`: the camera opens with the microphone and the INVITE offers video (VP8, see the
 *   Janus adapter); a camera that cannot open is one `voip-error` (`camera-denied`, `no-camera`,
 *   `camera-unavailable`) and the call goes on as voice, still able to show the far end's
 *   video. `video="optional"`: a voice call; the far end may add video, the visitor may too.
 * - `camera(on)` and `shareScreen(on)` need the answered call (`not-in-call` otherwise). They
 *   run one at a time, in the order asked; each fires `voip-video` when what is sent changed,
 *   and rejects with the `VoipError` of its one `voip-error` when refused or failed (the call
 *   goes on as it was).
 * - Turning the camera on or off renegotiates (a re-INVITE through the gateway); the audio is
 *   not interrupted. Switching between camera and screen, or to another camera, replaces the
 *   track without renegotiating.
 * - Screen sharing replaces the camera; when it ends (`shareScreen(false)`, the browser's own
 *   "Stop sharing", or the camera asked for) the camera comes back if it was on, else video stops.
 * - A transfer the far end asks for continues as voice to the end of the call: the camera and
 *   screen are released, the toggles go, and `camera()`/`shareScreen()` are refused with
 *   `invalid-config`.
 * - At the end of the call every track it opened is stopped.
 */
import { html, nothing } from 'lit';
import type { CapabilityFactory, PanelContext } from '../call-contract.js';
import { VoipError } from '../errors.js';
import { createVoipEvent, type VoipVideoDetail } from '../events.js';
import { addBuiltInTranslation } from '../i18n/index.js';
import { rememberDevice, rememberedDevices } from '../media/devices.js';
import type { SipSession, VideoOptions } from '../sip/session.js';
import { toMs } from '../call/limits.js';
import { rejectAfter } from '../util/time.js';
import { enVideo } from './en-video.js';
import { videoFigures } from './figures.js';
import { canShareScreen, openCamera, openScreen, videoPreset } from './media.js';
import { defineVideoView } from './view.js';

/** How long the camera prompt of `video="on"` may hold the INVITE back (`permission-timeout`). */
const DEFAULT_CAMERA_WAIT_MS = 30_000;

export const video: CapabilityFactory = (call) => {
  addBuiltInTranslation('en', enVideo);
  defineVideoView();
  const { plan, host } = call;
  const preset = videoPreset(plan.attribute('video-quality'));
  const options: VideoOptions = { maxBitrate: preset.bitrate };
  let local: VoipVideoDetail['local'] = 'off';
  let remote: MediaStream | null = null;
  /** The camera while it is sent, and the screen while it is shared. */
  let camera: MediaStreamTrack | undefined;
  let screen: MediaStreamTrack | undefined;
  /** Whether the camera comes back when the screen sharing ends. */
  let cameraAfterScreen = false;
  /** Whether the call followed a transfer: the rest of it is voice only. */
  let transferred = false;
  /** Whether the visitor answered "keep it on" to the poor-connection offer. */
  let kept = false;
  let stopped = false;
  /**
   * Whether this call's video is done: the call is over, or a transfer made it voice only (read
   * after each wait: either may happen meanwhile).
   */
  const over = () => stopped || transferred;
  /** Aborted when the call is over: the camera prompt's timer stops. */
  const ended = new AbortController();
  /** The actions asked for, run one at a time. */
  let queue: Promise<unknown> = Promise.resolve();
  /** The media the view shows (a stream per track, kept while the track is). */
  const streams = new WeakMap<MediaStreamTrack, MediaStream>();
  const streamOf = (track: MediaStreamTrack | undefined) => {
    if (!track) return null;
    let stream = streams.get(track);
    if (!stream) streams.set(track, (stream = new MediaStream([track])));
    return stream;
  };

  const report = () => {
    host.update();
    host.emit(createVoipEvent('voip-video', { local, remote: !!remote }));
  };
  const release = (track: MediaStreamTrack | undefined) => track?.stop();
  /** Stops the camera and the screen (nothing is sent of them any more). */
  const releaseAll = () => {
    release(camera);
    release(screen);
    camera = screen = undefined;
  };
  /** What is sent now, reported when it changed. */
  const sending = (now: VoipVideoDetail['local']) => {
    if (now === local) return;
    local = now;
    report();
  };

  /**
   * Runs an action on the answered call after the ones asked for before it. One asked for when
   * the call is not answered (or after a transfer) is refused at once; one still waiting when
   * the call ends is dropped without an error. Rejects with the error of its one `voip-error`.
   */
  const perform = (action: (session: SipSession) => Promise<void>): Promise<void> => {
    // On hold, a re-INVITE would resume the call at the far end: nothing changes until resumed.
    const refusal = transferred
      ? new VoipError('invalid-config', 'no video after a transfer')
      : call.onHold
        ? new VoipError('not-in-call', 'on hold')
        : undefined;
    let run: Promise<VoipError | undefined>;
    if (refusal || call.host.state !== 'in-call') {
      run = call.act(refusal ? () => Promise.reject(refusal) : action); // refused now
    } else {
      run = queue.then(() => (over() ? undefined : call.act(action)));
      queue = run;
    }
    return run.then((failure) => {
      if (failure) throw failure;
    });
  };

  /** Sends the camera (opened now unless given), replacing whatever is sent. */
  const sendCamera = async (session: SipSession, deviceId?: string) => {
    const track = watch(await openCamera(preset, deviceId));
    if (over()) return release(track);
    try {
      await session.setVideo(track, options);
    } catch (error) {
      release(track); // the gateway kept what it had
      throw error;
    }
    if (over()) return release(track);
    if (camera !== track) release(camera);
    camera = track;
    release(screen);
    screen = undefined;
    sending('camera');
    if (gone.has(track)) lost(track); // it ended while the gateway was asked
  };

  /** Tracks that ended by themselves (the device went, the browser's "Stop sharing"). */
  const gone = new WeakSet<MediaStreamTrack>();
  /** Watches a track for its end by itself (our own `stop()` fires no `ended`). */
  const watch = (track: MediaStreamTrack) => {
    const onEnded = () => {
      gone.add(track);
      lost(track);
    };
    track.addEventListener('ended', onEnded, { signal: ended.signal });
    return track;
  };

  /**
   * A track in use ended by itself. The screen: the sharing ends as if asked for. The camera:
   * video stops, with one `voip-error` `camera-unavailable`; the call goes on. When nothing can
   * be renegotiated (not answered yet, reconnecting, on hold) it is released here.
   */
  const lost = (track: MediaStreamTrack) => {
    const isCamera = track === camera;
    if (!isCamera && track !== screen) return; // not in use (yet): checked once it is
    const failure = () => new VoipError('camera-unavailable', 'the camera stopped');
    if (call.host.state !== 'in-call' || call.onHold) {
      if (isCamera) camera = undefined;
      else screen = undefined;
      sending('off');
      if (isCamera) {
        const e = failure();
        host.refused(e.code, e.message);
      }
      return;
    }
    const stopping = isCamera
      ? perform(async (session) => {
          if (camera !== track) return;
          await stopVideo(session);
          throw failure();
        })
      : setScreen(false);
    stopping.catch(() => undefined);
  };

  /** Stops sending video (the far end's still comes). */
  const stopVideo = async (session: SipSession) => {
    await session.setVideo(null, options);
    releaseAll();
    sending('off');
  };

  const setCamera = (on: boolean) =>
    perform(async (session) => {
      if (local === 'screen') {
        // Asked for while sharing: on switches back to the camera now; off keeps it away after.
        cameraAfterScreen = false;
        if (on) await sendCamera(session);
        return;
      }
      if (on === (local === 'camera')) return;
      kept = false;
      await (on ? sendCamera(session) : stopVideo(session));
    });

  const setScreen = (on: boolean) =>
    perform(async (session) => {
      if (on === (local === 'screen')) return;
      if (!on) {
        await endScreen(session);
        return;
      }
      // The browser's own "Stop sharing" ends the track: the sharing ends as if asked for.
      const track = watch(await openScreen(preset));
      if (over()) return release(track);
      try {
        await session.setVideo(track, options);
      } catch (error) {
        release(track);
        throw error;
      }
      if (over()) return release(track);
      cameraAfterScreen = local === 'camera';
      // The camera rests while the screen is shared (its light goes off); it reopens after.
      release(camera);
      camera = undefined;
      screen = track;
      sending('screen');
      if (gone.has(track)) lost(track); // stopped while the gateway was asked
    });

  /** The screen sharing ends: the camera comes back if it was on, else video stops. */
  const endScreen = async (session: SipSession) => {
    if (cameraAfterScreen) {
      try {
        await sendCamera(session);
        return;
      } catch (error) {
        await stopVideo(session); // the camera is gone meanwhile: the screen stops all the same
        throw error;
      }
    }
    await stopVideo(session);
  };

  /** `video="on"`: the camera for the INVITE, opened alongside the microphone. */
  const firstCamera = async (): Promise<VideoOptions> => {
    const waitMs = toMs(plan.attribute('permission-timeout')) ?? DEFAULT_CAMERA_WAIT_MS;
    const opening = openCamera(preset);
    try {
      const track = await rejectAfter(
        opening,
        waitMs,
        () => new VoipError('camera-denied', `camera prompt not answered within ${waitMs} ms`),
        ended.signal,
      );
      if (stopped) {
        release(track);
        return options;
      }
      camera = watch(track);
      sending('camera');
      return { ...options, track };
    } catch (error) {
      // A late "allow" only opens and stops the camera.
      void opening.then(release, () => undefined);
      const e = error as VoipError;
      if (!stopped) host.refused(e.code, e.message);
      return options;
    }
  };

  const offered = /^\s*on\s*$/i.test(plan.attribute('video') ?? '')
    ? firstCamera().then((video) => ({ video: { ...video, offer: true } }))
    : Promise.resolve({ video: options });

  /** The toggles and the offer show in the answered call, not on hold, until a transfer. */
  const answered = (panel: PanelContext) =>
    panel.state === 'in-call' && !transferred && !call.onHold;
  let wasAnswered = false;

  return {
    callOptions: offered,
    camera: setCamera,
    shareScreen: setScreen,
    get video() {
      return { local, remote: !!remote };
    },
    videoFigures,
    onEvent(event) {
      if (event.type !== 'remote-video') return false;
      if (event.stream !== remote) {
        remote = event.stream;
        report();
      }
      return true;
    },
    onHold(on) {
      // The far end gets nothing while the visitor holds (Janus relays video on a sendonly
      // hold): black frames from the camera or screen, which stay open for the resume.
      for (const track of [camera, screen]) if (track) track.enabled = !on;
      host.update();
    },
    onState(state) {
      if (state === 'in-call') wasAnswered = true;
      // A transfer followed: the new call is voice (its session offers no video), to the end.
      if (state === 'calling' && wasAnswered) {
        transferred = true;
        releaseAll();
        const had = local !== 'off' || remote;
        local = 'off';
        remote = null;
        if (had) report();
      }
    },
    section: {
      toggle: (panel) =>
        answered(panel)
          ? html`${
              panel.shows('camera')
                ? panel.toggle(
                    'camera',
                    'video.camera',
                    local === 'camera',
                    () => void setCamera(local !== 'camera').catch(() => undefined),
                  )
                : nothing
            }${
              panel.shows('share-screen') && canShareScreen()
                ? panel.toggle(
                    'share-screen',
                    'video.share-screen',
                    local === 'screen',
                    () => void setScreen(local !== 'screen').catch(() => undefined),
                  )
                : nothing
            }`
          : undefined,
      view: (panel) => {
        const shown = camera ?? screen;
        if (!shown && !remote) return undefined;
        const offer =
          call.poorQuality && local === 'camera' && !kept && answered(panel)
            ? {
                off: () => void setCamera(false).catch(() => undefined),
                keep: () => {
                  kept = true;
                  panel.refresh();
                },
              }
            : undefined;
        return html`<voip-video-view
          .remote=${remote}
          .local=${streamOf(shown)}
          .mirror=${local === 'camera'}
          .offer=${offer}
          .t=${(key: Parameters<PanelContext['t']>[0]) => panel.t(key)}
        ></voip-video-view>`;
      },
      settings: (panel) => {
        const cameras = panel.devices.filter((d) => d.kind === 'videoinput');
        if (cameras.length === 0) return undefined;
        // The camera sent, else the one remembered (used when the camera turns on).
        const current = camera?.getSettings().deviceId ?? rememberedDevices().camera;
        return html`<label
          >${panel.t('video.camera')}
          <select
            @change=${(event: Event) => {
              const id = (event.target as HTMLSelectElement).value;
              // The camera being sent switches now (no renegotiation) and is remembered once it
              // works; otherwise it is the one next time.
              if (local === 'camera') {
                void perform((session) => sendCamera(session, id)).then(
                  () => rememberDevice('camera', id),
                  () => undefined,
                );
              } else rememberDevice('camera', id);
            }}
          >
            ${cameras.map(
              (d, i) =>
                html`<option value=${d.deviceId} ?selected=${d.deviceId === current}>
                  ${d.label || `${panel.t('video.camera')} ${i + 1}`}
                </option>`,
            )}
          </select></label
        >`;
      },
    },
    stop() {
      stopped = true;
      ended.abort();
      releaseAll();
      local = 'off'; // no voip-video: voip-ended says it all
      remote = null;
    },
  };
};
