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

/**
 * The device part of a microphone's or camera's constraints: `exact` for a device chosen now,
 * `ideal` for the one remembered for the site (it may be gone); none without either.
 */
export function deviceConstraint(
  chosen: string | undefined,
  remembered: string | undefined,
): Pick<MediaTrackConstraints, 'deviceId'> {
  const id = chosen ?? remembered;
  return id ? { deviceId: chosen ? { exact: id } : { ideal: id } } : {};
}

/** The microphone constraints with a device (see `deviceConstraint`). */
export function withDevice(
  given: MediaTrackConstraints | boolean | undefined,
  chosen: string | undefined,
): MediaTrackConstraints | boolean {
  const constraints = given ?? DEFAULT_AUDIO;
  const device = deviceConstraint(chosen, rememberedDevices().microphone);
  if (!device.deviceId || constraints === false) return constraints;
  return { ...(constraints === true ? {} : constraints), ...device };
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
      audio: withDevice(constraints, deviceId),
      video: false,
    });
  } catch (error) {
    throw new VoipError(micErrorCode(error), String(error), { cause: error });
  }
}

/**
 * Maps a `getUserMedia` rejection onto one of a device's three codes: refused (by the visitor or
 * the page's permissions policy), not there (or none meets the constraints), anything else.
 */
export function deviceErrorCode(
  error: unknown,
  [denied, missing, unavailable]: readonly [VoipErrorCode, VoipErrorCode, VoipErrorCode],
): VoipErrorCode {
  const name = error instanceof Error ? error.name : ''; // DOMException is an Error
  if (name === 'NotAllowedError' || name === 'SecurityError') return denied;
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return missing;
  return unavailable;
}

/** Maps a `getUserMedia` rejection for the microphone onto an error code. */
export const micErrorCode = (error: unknown): VoipErrorCode =>
  deviceErrorCode(error, ['mic-denied', 'no-microphone', 'mic-unavailable']);

/** Stops every track of `stream`. */
export function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
