/** Reads 16-bit PCM WAV files and measures their loudness. */
import { readFileSync } from 'node:fs';

interface Wav {
  buf: Buffer;
  channels: number;
  rate: number;
  /** Byte offsets of the samples. */
  start: number;
  end: number;
  /** Whether the data chunk's size is written (baresip writes it when it closes the file). */
  complete: boolean;
}

function readWav(file: string): Wav {
  const buf = readFileSync(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${file} is not a WAV file`);
  }
  let offset = 12;
  let channels = 1;
  let rate = 8000;
  let bits = 16;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(body + 2);
      rate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
    } else if (id === 'data') {
      if (bits !== 16) throw new Error(`${file}: ${bits}-bit samples not supported`);
      const open = size === 0 || size === 0xffffffff;
      const end = Math.min(buf.length, body + (open ? buf.length : size));
      return { buf, channels, rate, start: body, end, complete: !open };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${file}: no data chunk`);
}

/** The RMS (0..1) of the samples between two byte offsets. */
function rmsOf(wav: Wav, from: number, to: number): number {
  let sum = 0;
  let n = 0;
  for (let i = from; i + 1 < to; i += 2) {
    const v = wav.buf.readInt16LE(i) / 32768;
    sum += v * v;
    n += 1;
  }
  return n ? Math.sqrt(sum / n) : 0;
}

/** The byte offset of `ms` into the samples, within them. */
function at(wav: Wav, ms: number): number {
  const frame = wav.channels * 2;
  return Math.min(wav.end, wav.start + Math.floor((Math.min(ms, 1e9) / 1000) * wav.rate) * frame);
}

/**
 * The RMS level (0..1) of a 16-bit PCM WAV file's samples from `fromMs` to `toMs` (default: the
 * end), and the file's whole length in seconds.
 */
export function wavRms(
  file: string,
  fromMs = 0,
  toMs = Infinity,
): { rms: number; seconds: number } {
  const wav = readWav(file);
  return {
    rms: rmsOf(wav, at(wav, fromMs), at(wav, toMs)),
    seconds: (wav.end - wav.start) / 2 / wav.channels / wav.rate,
  };
}

/**
 * The RMS level (0..1) of each whole `windowMs` window of a WAV file from `fromMs` to `toMs`
 * (default: the end), in order: what a check of sustained audio counts.
 */
export function wavWindows(file: string, fromMs = 0, toMs = Infinity, windowMs = 100): number[] {
  const wav = readWav(file);
  const stop = at(wav, toMs);
  const frame = wav.channels * 2;
  const whole = Math.floor((windowMs / 1000) * wav.rate) * frame - frame;
  const windows: number[] = [];
  for (let t = fromMs; ; t += windowMs) {
    const [from, to] = [at(wav, t), at(wav, t + windowMs)];
    if (to > stop || to - from < whole) break;
    windows.push(rmsOf(wav, from, to));
  }
  return windows;
}

/** Whether the WAV file's data size has been written, i.e. its writer closed it. */
export function wavComplete(file: string): boolean {
  return readWav(file).complete;
}
