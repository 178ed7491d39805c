/**
 * The visitor's camera and screen: what `video-quality` asks of them, opening them, and what a
 * refusal means. The call's microphone is media/devices.ts's.
 */
import { VoipError, type VoipErrorCode } from '../errors.js';
import { deviceConstraint, deviceErrorCode, rememberedDevices } from '../media/devices.js';

/** The most video sent for each `video-quality`: size, frame rate, bitrate. */
export interface VideoPreset {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Bits per second. */
  readonly bitrate: number;
}

/**
 * `standard` (the default) is 640x480 at up to 24 fps and 500 kbit/s: what SIP video phones
 * and the stack's baresip handle, and a fraction of a voice call's budget on a mobile network.
 */
export const VIDEO_PRESETS: Readonly<Record<'low' | 'standard' | 'high', VideoPreset>> = {
  low: { width: 320, height: 240, fps: 15, bitrate: 150_000 },
  standard: { width: 640, height: 480, fps: 24, bitrate: 500_000 },
  high: { width: 1280, height: 720, fps: 30, bitrate: 1_500_000 },
};

/** The preset for a `video-quality` attribute (anything but `low` and `high` is `standard`). */
export function videoPreset(quality: string | null): VideoPreset {
  const key = quality?.trim().toLowerCase();
  return key === 'low' || key === 'high' ? VIDEO_PRESETS[key] : VIDEO_PRESETS.standard;
}

/** Size and frame rate no larger than the preset (the browser scales down, never up). */
function limits({ width, height, fps }: VideoPreset): MediaTrackConstraints {
  return {
    width: { ideal: width, max: width },
    height: { ideal: height, max: height },
    frameRate: { ideal: fps, max: fps },
  };
}

/**
 * Opens the camera: `deviceId` when chosen now, else the one remembered for the site if it is
 * still there. Rejects with `camera-denied`, `no-camera` or `camera-unavailable`.
 */
export async function openCamera(
  preset: VideoPreset,
  deviceId?: string,
): Promise<MediaStreamTrack> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { ...limits(preset), ...deviceConstraint(deviceId, rememberedDevices().camera) },
    });
    return stream.getVideoTracks()[0];
  } catch (error) {
    throw new VoipError(cameraErrorCode(error), String(error), { cause: error });
  }
}

/** Maps a `getUserMedia` rejection for the camera onto an error code. */
export const cameraErrorCode = (error: unknown): VoipErrorCode =>
  deviceErrorCode(error, ['camera-denied', 'no-camera', 'camera-unavailable']);

/** Whether this browser can share a screen. */
export const canShareScreen = (): boolean =>
  typeof (navigator.mediaDevices as MediaDevices | undefined)?.getDisplayMedia === 'function';

/**
 * Asks the visitor for a screen, window or tab (the browser's own picker). Rejects with
 * `screen-denied` when refused, cancelled or not possible here.
 */
export async function openScreen(preset: VideoPreset): Promise<MediaStreamTrack> {
  try {
    // Screens are large and mostly still: their size is the browser's, at a low frame rate.
    const stream = await navigator.mediaDevices.getDisplayMedia({
      audio: false,
      video: { frameRate: { ideal: 15, max: Math.min(15, preset.fps) } },
    });
    return stream.getVideoTracks()[0];
  } catch (error) {
    throw new VoipError('screen-denied', String(error), { cause: error });
  }
}
