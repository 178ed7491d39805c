/**
 * The pre-call check's steps, in order: the microphone (permission, a live level, the device),
 * the speaker (a short tone on the chosen output, and the visitor's answer), the gateway (each
 * server's answer, the token) and the media path (a few seconds of audio through the gateway's
 * echo, measured like a call). It never places a SIP call, and whatever happens (done, failed,
 * cancelled) it releases everything it opened: tracks, audio contexts, the echo and its session.
 */
import { VoipError } from '../errors.js';
import type { PreflightCheck, PreflightCheckName, VoipPreflightDetail } from '../events.js';
import type { PreflightTools } from '../call-contract.js';
import type { QualityCounters } from '../media/quality.js';
import type { EchoTest, SipConnector } from '../sip/session.js';

/** How long each measured step lasts. Tests shorten them. */
export const preflightTiming = {
  /** The microphone's level is watched this long. */
  micMs: 2_500,
  /** The tone the speaker plays. */
  toneMs: 1_000,
  /** How long the "did you hear it?" question waits for an answer. */
  answerMs: 30_000,
  /** The echo is measured this long, one sample a second. */
  mediaMs: 4_000,
};

/** Below this peak level (0-1) the microphone counts as silent. */
const SILENT_LEVEL = 0.01;

/** What a check needs: the element's settings and the visitor's side (the panel). */
export interface PreflightOptions {
  readonly connector: SipConnector;
  /** The quality model of a call (media/quality.ts), from the call code. */
  readonly quality: Pick<PreflightTools, 'sampleQuality' | 'estimateMos' | 'poorMos'>;
  readonly servers: readonly string[];
  /** Fetches the Janus token (`token-url`), when the element has one. */
  readonly token?: (signal: AbortSignal) => Promise<string>;
  readonly iceServers: readonly RTCIceServer[];
  readonly audio: MediaTrackConstraints | boolean;
  /** The output chosen in the audio settings (`setSinkId`), if any. */
  readonly speaker?: string;
  /**
   * Plays nothing itself: asks the visitor whether the tone was heard; `undefined` when there is
   * nobody to ask (or no answer came).
   */
  readonly ask?: (signal: AbortSignal) => Promise<boolean | undefined>;
  /** Each step's result as it comes, and the microphone's level while it is watched. */
  readonly progress: (checks: readonly PreflightCheck[], running?: PreflightCheckName) => void;
  readonly level?: (level: number) => void;
  readonly signal: AbortSignal;
}

// (Not util/time.ts's helpers: they are in the call's chunk, and a static import from this chunk
// would split the call's code in two; see call/index.ts, preflightTools.)
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new VoipError('failed', 'cancelled'));
      },
      { once: true },
    );
  });

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The peak level (0-1) of `stream` over `ms`, reported to `level` as it goes. */
async function watchLevel(
  audio: AudioContext,
  stream: MediaStream,
  options: PreflightOptions,
): Promise<number> {
  const analyser = audio.createAnalyser();
  analyser.fftSize = 1024;
  audio.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let peak = 0;
  const end = performance.now() + preflightTiming.micMs;
  while (performance.now() < end) {
    await sleep(100, options.signal);
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const value of samples) sum += value * value;
    const rms = Math.sqrt(sum / samples.length);
    peak = Math.max(peak, rms);
    options.level?.(Math.min(1, rms * 4));
  }
  return Math.round(Math.min(1, peak * 4) * 1000) / 1000;
}

/** A generated tone as a stream: the media step's audio when the microphone could not open. */
function toneStream(audio: AudioContext): MediaStream {
  const oscillator = audio.createOscillator();
  const destination = audio.createMediaStreamDestination();
  oscillator.frequency.value = 440;
  oscillator.connect(destination);
  oscillator.start();
  return destination.stream;
}

async function microphone(
  options: PreflightOptions,
  audio: AudioContext,
  held: MediaStream[],
): Promise<PreflightCheck> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: options.audio });
  } catch (error) {
    const name = (error as { name?: string } | null)?.name;
    const detail =
      name === 'NotAllowedError' || name === 'SecurityError'
        ? 'denied'
        : name === 'NotFoundError' || name === 'OverconstrainedError'
          ? 'not-found'
          : 'unavailable';
    return { name: 'microphone', status: 'failed', detail };
  }
  held.push(stream);
  const device = stream.getAudioTracks()[0]?.label ?? '';
  const level = await watchLevel(audio, stream, options);
  const silent = level < SILENT_LEVEL;
  return {
    name: 'microphone',
    status: silent ? 'warning' : 'ok',
    detail: silent ? 'silent' : 'ok',
    device,
    level,
  };
}

async function speaker(options: PreflightOptions, audio: AudioContext): Promise<PreflightCheck> {
  // The tone plays through an <audio> element, which can be sent to the chosen output.
  const destination = audio.createMediaStreamDestination();
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.frequency.value = 660;
  gain.gain.value = 0.3;
  oscillator.connect(gain).connect(destination);
  const player = new Audio();
  player.srcObject = destination.stream;
  let device = '';
  try {
    if (options.speaker && 'setSinkId' in player) {
      await player.setSinkId(options.speaker).catch(() => undefined);
      const outputs = await navigator.mediaDevices.enumerateDevices();
      device = outputs.find((d) => d.deviceId === options.speaker)?.label ?? '';
    }
    oscillator.start();
    await player.play().catch(() => undefined);
    const answer = options.ask?.(options.signal);
    await sleep(preflightTiming.toneMs, options.signal);
    oscillator.stop();
    const heard = await answer;
    if (heard === undefined)
      return { name: 'speaker', status: 'skipped', detail: 'no-answer', device };
    return heard
      ? { name: 'speaker', status: 'ok', detail: 'heard', device }
      : { name: 'speaker', status: 'failed', detail: 'not-heard', device };
  } finally {
    player.pause();
    player.srcObject = null;
  }
}

async function gateway(
  options: PreflightOptions,
): Promise<{ check: PreflightCheck; token?: string }> {
  let token: string | undefined;
  let tokenMs: number | undefined;
  if (options.token) {
    const start = performance.now();
    try {
      token = await options.token(options.signal);
    } catch (error) {
      if (options.signal.aborted) throw error;
      const detail =
        error instanceof VoipError && error.code === 'unauthorized'
          ? 'unauthorized'
          : 'token-failed';
      return { check: { name: 'gateway', status: 'failed', detail } };
    }
    tokenMs = Math.round(performance.now() - start);
  }
  const probe = options.connector.probe?.bind(options.connector);
  const servers = await Promise.all(
    options.servers.map(async (url) => {
      if (!probe) return { url };
      try {
        return { url, ms: Math.round(await probe(url, options.signal)) };
      } catch {
        return { url };
      }
    }),
  );
  if (options.signal.aborted) throw new VoipError('failed', 'cancelled');
  const answered = servers.filter((s) => s.ms !== undefined).length;
  const status = !probe
    ? 'skipped'
    : answered === 0
      ? 'failed'
      : answered < servers.length
        ? 'warning'
        : 'ok';
  const detail =
    status === 'failed' ? 'unreachable' : status === 'warning' ? 'some-unreachable' : 'ok';
  return {
    check: {
      name: 'gateway',
      status,
      detail,
      servers,
      ...(tokenMs !== undefined ? { tokenMs } : {}),
    },
    ...(token !== undefined ? { token } : {}),
  };
}

/** Whether a relay (TURN) candidate was gathered, from a stats report. */
function hasRelay(report: RTCStatsReport | null): boolean {
  let relay = false;
  report?.forEach((stat: { type: string; candidateType?: string }) => {
    if (stat.type === 'local-candidate' && stat.candidateType === 'relay') relay = true;
  });
  return relay;
}

async function media(
  options: PreflightOptions,
  stream: MediaStream,
  token: string | undefined,
  opened: EchoTest[],
): Promise<PreflightCheck> {
  const echoTest = options.connector.echoTest?.bind(options.connector);
  if (!echoTest) return { name: 'media', status: 'skipped', detail: 'not-run' };
  let echo: EchoTest;
  try {
    echo = await echoTest({
      servers: options.servers,
      iceServers: options.iceServers,
      stream,
      signal: options.signal,
      ...(token !== undefined ? { token } : {}),
    });
  } catch (error) {
    if (options.signal.aborted) throw error;
    const refused = error instanceof VoipError && error.code === 'unauthorized';
    return { name: 'media', status: 'failed', detail: refused ? 'not-allowed' : 'no-echo' };
  }
  opened.push(echo);
  let first: QualityCounters | undefined;
  let previous: QualityCounters | undefined;
  const rtts: number[] = [];
  const jitters: number[] = [];
  let report: RTCStatsReport | null = null;
  const end = performance.now() + preflightTiming.mediaMs;
  while (performance.now() < end && !echo.failed) {
    await sleep(Math.min(1000, preflightTiming.mediaMs), options.signal);
    report = await echo.getStats();
    const reading = report && options.quality.sampleQuality(report, previous);
    if (!reading) continue;
    first ??= previous ?? { received: 0, lost: 0 };
    previous = reading.counters;
    rtts.push(reading.sample.rttMs);
    jitters.push(reading.sample.jitterMs);
  }
  const received = (previous?.received ?? 0) - (first?.received ?? 0);
  if (echo.failed || !previous || received <= 0) {
    return { name: 'media', status: 'failed', detail: 'no-echo' };
  }
  const lost = Math.max(0, previous.lost - (first?.lost ?? 0));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const rttMs = Math.round(mean(rtts));
  const jitterMs = Math.round(mean(jitters));
  const lossPct = Math.round((1000 * lost) / (received + lost)) / 10;
  const mos = options.quality.estimateMos(rttMs, jitterMs, lossPct);
  const relay = options.iceServers.length > 0 ? hasRelay(report) : undefined;
  const poor = mos < options.quality.poorMos;
  return {
    name: 'media',
    status: poor || relay === false ? 'warning' : 'ok',
    detail: poor ? 'poor' : relay === false ? 'no-relay' : 'ok',
    rttMs,
    lossPct,
    jitterMs,
    mos,
    ...(relay !== undefined ? { relay } : {}),
  };
}

/** The verdict of a set of checks: any failed, any warning, else ok. */
export function verdictOf(checks: readonly PreflightCheck[]): VoipPreflightDetail['verdict'] {
  if (checks.some((c) => c.status === 'failed')) return 'failed';
  if (checks.some((c) => c.status === 'warning')) return 'warning';
  return 'ok';
}

/**
 * Runs the check. Resolves with its result; rejects with a `VoipError` (`failed`, "cancelled")
 * when `signal` aborts it. Everything it opened is released either way.
 */
export async function runPreflight(options: PreflightOptions): Promise<VoipPreflightDetail> {
  const checks: PreflightCheck[] = [];
  const held: MediaStream[] = [];
  const opened: EchoTest[] = [];
  const audio = new AudioContext();
  const step = async <T extends PreflightCheck>(
    name: PreflightCheckName,
    run: () => Promise<T>,
  ) => {
    options.progress(checks, name);
    const check = await run();
    checks.push(check);
    options.progress(checks);
    return check;
  };
  try {
    // A context made outside a click may start suspended: the level and the tone need it
    // running. Without a gesture (a script's preflight()) a browser may never resume it: then
    // the level reads nothing and the tone is silent, and the check goes on.
    await Promise.race([audio.resume().catch(() => undefined), delay(500)]);
    await step('microphone', () => microphone(options, audio, held));
    await step('speaker', () => speaker(options, audio));
    let token: string | undefined;
    const gate = await step('gateway', async () => {
      const result = await gateway(options);
      token = result.token;
      return result.check;
    });
    let mos: number | undefined;
    if (gate.status === 'failed') {
      await step('media', () =>
        Promise.resolve({ name: 'media' as const, status: 'skipped' as const, detail: 'not-run' }),
      );
    } else {
      // Without a microphone the network is still measured, with a generated tone.
      const stream = held[0] ?? toneStream(audio);
      mos = (await step('media', () => media(options, stream, token, opened))).mos;
    }
    return { verdict: verdictOf(checks), checks, ...(mos !== undefined ? { mos } : {}) };
  } finally {
    await Promise.all(opened.map((echo) => echo.close()));
    for (const stream of held) for (const track of stream.getTracks()) track.stop();
    await audio.close().catch(() => undefined);
  }
}
