/**
 * The visitor's microphone: opening it with the call's constraints, the device choices
 * remembered for the site, and what a refusal means.
 */
import { VoipError, type VoipErrorCode } from '../errors.js';

/** Where the visitor's device choices are remembered for the site. */
export const DEVICE_STORAGE_KEY = 'voip-call-button.audio-devices';

/** The remembered device choices, if any. */
export function rememberedDevices(): { microphone?: string; speaker?: string; camera?: string } {
  try {
    return JSON.parse(localStorage.getItem(DEVICE_STORAGE_KEY) ?? '{}') as {
      microphone?: string;
      speaker?: string;
      camera?: string;
    };
  } catch {
    return {}; // storage blocked or unreadable: no memory, no failure
  }
}

/** Remembers a device choice for the site. */
export function rememberDevice(kind: 'microphone' | 'speaker' | 'camera', deviceId: string): void {
  try {
    localStorage.setItem(
      DEVICE_STORAGE_KEY,
      JSON.stringify({ ...rememberedDevices(), [kind]: deviceId }),
    );
  } catch {
    // storage blocked: the choice lasts for this call only
  }
}

/** Default microphone processing: what a phone call wants (echo, noise, gain). */
const DEFAULT_AUDIO: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

/** The microphone constraints with a device: `exact` when chosen now, `ideal` when remembered. */
function withDevice(
  given: MediaTrackConstraints | boolean | undefined,
  deviceId: string | undefined,
  exact: boolean,
): MediaTrackConstraints | boolean {
  const constraints = given ?? DEFAULT_AUDIO;
  if (!deviceId || constraints === false) return constraints;
  const base = constraints === true ? {} : constraints;
  return { ...base, deviceId: exact ? { exact: deviceId } : { ideal: deviceId } };
}

/**
 * Opens the microphone: the device `deviceId` when given (a choice made now), else the one
 * remembered for the site if it is still there. Rejects with a {@link VoipError} whose code says
 * what the visitor can do about it.
 */
export async function openMicrophone(
  constraints: MediaTrackConstraints | boolean | undefined,
  deviceId?: string,
): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: withDevice(constraints, deviceId ?? rememberedDevices().microphone, !!deviceId),
      video: false,
    });
  } catch (error) {
    throw new VoipError(micErrorCode(error), String(error), { cause: error });
  }
}

/** Maps a `getUserMedia` rejection onto an error code. */
export function micErrorCode(error: unknown): VoipErrorCode {
  const name = error instanceof Error ? error.name : ''; // DOMException is an Error
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'mic-denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'no-microphone';
  return 'mic-unavailable';
}

/** Stops every track of `stream`. */
export function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
