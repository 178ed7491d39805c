/**
 * Real headless Chromium (Debian's) for the end-to-end tests, with a fake microphone that plays a
 * tone, and page-side helpers: place a <voip-call-button> on the demo page, record its events,
 * and measure the audio it receives with a WebAudio analyser.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH, chromiumArgs } from '../../../scripts/lib/chromium.mjs';
import { stack } from './stack.js';
// The element's global types (HTMLElementTagNameMap, voip-* events) for code run in the page.
import type {} from '../../../src/voip-call-button.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'vcb-e2e-'));

/** A 440 Hz tone, 48 kHz mono, for Chromium's fake microphone (generated, never committed). */
export const TONE_WAV = path.join(scratch, 'tone.wav');
execFileSync('sox', [
  '-n',
  '-r',
  '48000',
  '-c',
  '1',
  '-b',
  '16',
  TONE_WAV,
  'synth',
  '60',
  'sine',
  '440',
  'vol',
  '0.5',
]);

/**
 * Launches Chromium. `micPermission: 'granted'` answers the permission prompt (fake UI);
 * `'denied'` leaves it to headless Chromium, which refuses (NotAllowedError). `autoplay: false`
 * keeps Chromium's autoplay policy (sound needs a user gesture).
 */
export function launchBrowser({
  micPermission = 'granted',
  autoplay = true,
  fakeMicrophone = true,
  noCamera = false,
  display,
  audioFile = TONE_WAV,
  extraArgs = [],
}: {
  micPermission?: 'granted' | 'denied';
  autoplay?: boolean;
  /** `false`: no fake capture device, so the browser finds no microphone at all. */
  fakeMicrophone?: boolean;
  /** The fake microphones without any fake camera (getUserMedia video: NotFoundError). */
  noCamera?: boolean;
  /** An X display (":N") to run with a window instead of headless: a real permission prompt. */
  display?: string;
  /** What the fake microphone plays (a WAV file): the 440 Hz tone by default. */
  audioFile?: string;
  extraArgs?: string[];
} = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: display === undefined,
    ...(display === undefined ? {} : { env: { ...process.env, DISPLAY: display } }),
    args: [
      ...chromiumArgs({
        audioFile,
        allowMicrophone: micPermission === 'granted',
        fakeMicrophone,
        noCamera,
        autoplay,
      }),
      ...extraArgs,
    ],
  });
}

/** Attributes for a test element; defaults point at the local stack's answering extension. */
export interface ButtonOptions {
  server?: string;
  number?: string;
  sipDomain?: string;
  lang?: string;
  /** Turn off echo cancellation, noise suppression and gain control so the tone reaches the callee unchanged. */
  rawAudio?: boolean;
  /** The `dtmf-mode` attribute. */
  dtmfMode?: string;
  /** The `token-url` attribute; default the demo server's `/token`, `null` for none. */
  tokenUrl?: string | null;
  /** The `max-duration` attribute, in seconds. */
  maxDuration?: number;
  /** Other attributes to set. */
  attributes?: Record<string, string>;
}

/** One event the element fired, with the page's clock. */
export interface LoggedEvent {
  type: string;
  detail: Record<string, unknown>;
  at: number;
}

declare global {
  interface Window {
    vcbLog: LoggedEvent[];
    vcbMic: MediaStream | null;
    /** The element under test. */
    vcbEl: HTMLElementTagNameMap['voip-call-button'];
  }
}

/** Adds a <voip-call-button id="under-test"> to the page and records its events. */
export async function addButton(page: Page, options: ButtonOptions = {}): Promise<void> {
  await page.waitForFunction(() => customElements.get('voip-call-button') !== undefined);
  await page.evaluate(
    ({
      server,
      number,
      sipDomain,
      lang,
      rawAudio,
      dtmfMode,
      tokenUrl,
      maxDuration,
      attributes,
    }) => {
      const el = document.createElement('voip-call-button');
      for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
      el.id = 'under-test';
      el.setAttribute('server', server);
      el.setAttribute('number', number);
      el.setAttribute('sip-domain', sipDomain);
      if (lang) el.setAttribute('lang', lang);
      if (dtmfMode) el.setAttribute('dtmf-mode', dtmfMode);
      if (tokenUrl) el.setAttribute('token-url', tokenUrl);
      if (maxDuration) el.setAttribute('max-duration', String(maxDuration));
      if (rawAudio)
        el.audioConstraints = {
          echoCancellation: false,
          noiseSuppression: false,
          autoGainControl: false,
        };
      el.textContent = 'Call the test line';
      window.vcbEl = el;
      window.vcbLog = [];
      window.vcbMic = null;
      for (const type of [
        'voip-state-change',
        'voip-connected',
        'voip-ended',
        'voip-call-summary',
        'voip-error',
        'voip-mute',
        'voip-hold',
        'voip-dtmf',
        'voip-quality',
        'voip-reconnecting',
        'voip-reconnected',
        'voip-message',
        'voip-message-status',
        'voip-transfer',
        'voip-video',
      ]) {
        el.addEventListener(type, (e) => {
          window.vcbLog.push({ type, detail: (e as CustomEvent).detail, at: performance.now() });
          if (el.localStream) window.vcbMic = el.localStream;
        });
      }
      document.body.append(el);
    },
    {
      server: options.server ?? stack.janusWs,
      number: options.number ?? stack.extAnswer,
      sipDomain: options.sipDomain ?? stack.sipDomain,
      lang: options.lang ?? '',
      rawAudio: options.rawAudio ?? false,
      dtmfMode: options.dtmfMode ?? '',
      tokenUrl: options.tokenUrl === undefined ? '/token' : options.tokenUrl,
      maxDuration: options.maxDuration ?? 0,
      attributes: options.attributes ?? {},
    },
  );
}

/** Places a call on the test element; resolves with the page's clock at that moment. */
export function placeCall(page: Page): Promise<number> {
  return page.evaluate(() => {
    window.vcbEl.call();
    return performance.now();
  });
}

/** Everything the test element has fired so far. */
export function events(page: Page): Promise<LoggedEvent[]> {
  return page.evaluate(() => window.vcbLog);
}

/** The states the element went through, in order. */
export async function states(page: Page): Promise<string[]> {
  return (await events(page))
    .filter((e) => e.type === 'voip-state-change')
    .map((e) => String(e.detail['state']));
}

/**
 * Rethrows a failed wait with what the test element went through (its events, the page clock),
 * so that a timeout says where the call stopped.
 */
async function explained(page: Page, what: string, error: unknown): Promise<never> {
  const story = await page
    .evaluate(() =>
      (window.vcbLog ?? [])
        .map((e) =>
          e.type === 'voip-state-change'
            ? String(e.detail['state'])
            : `${e.type}${Object.keys(e.detail).length ? JSON.stringify(e.detail) : ''}`,
        )
        .join(' → '),
    )
    .catch(() => '(page gone)');
  throw new Error(`${String(error)}\n  waiting for ${what}; the element went: ${story || '-'}`, {
    cause: error,
  });
}

/** Waits until the element has fired `count` events of `type`; returns the last one. */
export async function waitForEvent(
  page: Page,
  type: string,
  timeoutMs = 15_000,
  count = 1,
): Promise<LoggedEvent> {
  await page
    .waitForFunction(
      ([t, n]) => window.vcbLog.filter((e) => e.type === t).length >= (n as number),
      [type, count] as const,
      { timeout: timeoutMs },
    )
    .catch((error: unknown) => explained(page, `${count} × ${type}`, error));
  const all = (await events(page)).filter((e) => e.type === type);
  return all[all.length - 1]!;
}

/** Waits for the element's `state` attribute. */
export async function waitForState(
  page: Page,
  state: string,
  timeoutMs = 15_000,
  selector = '#under-test',
): Promise<void> {
  await page
    .waitForFunction(
      ([sel, s]) => document.querySelector(sel!)?.getAttribute('state') === s,
      [selector, state] as const,
      { timeout: timeoutMs },
    )
    .catch((error: unknown) => explained(page, `state ${state} of ${selector}`, error));
}

/** What the element received, measured in the page (see `receivedAudio`). */
export interface ReceivedAudio {
  /** The RMS level (0..1) of each consecutive window, in order. */
  windows: number[];
  /** How long after the measurement began the first window above `onsetLevel` came; -1: none. */
  onsetMs: number;
}

/**
 * Measures the element's received audio with a WebAudio analyser on the remote track: waits
 * (up to `onsetWithinMs`) for the first window louder than `onsetLevel`, then takes the RMS level
 * (0..1) of `ms / windowMs` consecutive windows of about `windowMs` each. No remote stream within
 * 5 s gives no windows.
 */
export function receivedAudio(
  page: Page,
  ms = 1500,
  selector = '#under-test',
  { windowMs = 100, onsetLevel = 0, onsetWithinMs = 3000 } = {},
): Promise<ReceivedAudio> {
  return page.evaluate(
    async ([sel, duration, windowLength, onset, onsetWithin]) => {
      const el = document.querySelector(sel as string) as HTMLElementTagNameMap['voip-call-button'];
      // The far end's track arrives once janus.js has applied its SDP, just after the event.
      const waitUntil = performance.now() + 5000;
      while (!el.remoteStream && performance.now() < waitUntil) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const stream = el.remoteStream;
      if (!stream) return { windows: [], onsetMs: -1 };
      const ctx = new AudioContext();
      await ctx.resume();
      const analyser = ctx.createAnalyser();
      // The largest power of two that fits in one window (4096 samples: 85-93 ms).
      analyser.fftSize = 2 ** Math.floor(Math.log2((ctx.sampleRate * windowLength) / 1000));
      ctx.createMediaStreamSource(stream).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      // One loop on a fixed schedule (no helper functions: the page has no tsx helpers): each
      // reading covers the window that just passed; first the onset, then the windows.
      const windows: number[] = [];
      const began = performance.now();
      let onsetMs = -1;
      for (let next = began + windowLength; ; next += windowLength) {
        await new Promise((r) => setTimeout(r, next - performance.now()));
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const v of samples) sum += v * v;
        const rms = Math.sqrt(sum / samples.length);
        if (onsetMs >= 0) windows.push(rms);
        else if (rms > onset) onsetMs = performance.now() - began;
        else if (performance.now() - began >= onsetWithin) break;
        if (windows.length >= Math.round(duration / windowLength)) break;
      }
      await ctx.close();
      return { windows, onsetMs };
    },
    [selector, ms, windowMs, onsetLevel, onsetWithinMs] as const,
  );
}

/** Whether every track of the microphone stream the element used has stopped. */
export function micStopped(page: Page): Promise<boolean> {
  return page.evaluate(
    () =>
      window.vcbMic !== null && window.vcbMic.getTracks().every((t) => t.readyState === 'ended'),
  );
}
