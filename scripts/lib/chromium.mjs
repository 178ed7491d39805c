// Debian's Chromium, headless, as every test and script here launches it: one list of flags.
// Without the background-networking flags Chromium tries to reach the internet at start-up.

/** The Chromium binary (Debian's, unless VCB_CHROMIUM or CHROME_PATH says otherwise). */
export const CHROMIUM_PATH =
  process.env.VCB_CHROMIUM || process.env.CHROME_PATH || '/usr/bin/chromium';

/**
 * Command-line flags. `fakeMicrophone`: a fake capture device (playing `audioFile` when given);
 * `noCamera`: no fake camera (the microphones stay); `allowMicrophone`: answer every permission
 * prompt (microphone, camera, screen) with "allow" (without it headless Chromium
 * refuses); `autoplay`: let remote audio play without a user gesture (false: a browser's usual policy).
 */
export function chromiumArgs({
  fakeMicrophone = true,
  noCamera = false,
  allowMicrophone = true,
  audioFile,
  autoplay = true,
} = {}) {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // Headless Chromium's own default lets pages play sound without a gesture; `autoplay: false`
    // asks for the policy a visitor's browser applies.
    `--autoplay-policy=${autoplay ? 'no-user-gesture-required' : 'user-gesture-required'}`,
    // device-count applies to the fake cameras only: `noCamera` keeps the fake microphones.
    ...(fakeMicrophone
      ? [`--use-fake-device-for-media-stream${noCamera ? '=device-count=0' : ''}`]
      : []),
    ...(fakeMicrophone && audioFile ? [`--use-file-for-fake-audio-capture=${audioFile}`] : []),
    ...(allowMicrophone ? ['--use-fake-ui-for-media-stream'] : []),
  ];
}
