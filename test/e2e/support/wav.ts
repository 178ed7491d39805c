/** Reads 16-bit PCM WAV files and measures their loudness. */
import { readFileSync } from 'node:fs';

/**
 * The RMS level (0..1) of a 16-bit PCM WAV file's samples from `fromMs` to `toMs` (default: the
 * end), and the file's whole length in seconds.
 */
export function wavRms(
  file: string,
  fromMs = 0,
  toMs = Infinity,
): { rms: number; seconds: number } {
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
      const end = Math.min(
        buf.length,
        body + (size === 0 || size === 0xffffffff ? buf.length : size),
      );
      const at = (ms: number) => body + Math.floor((ms / 1000) * rate) * channels * 2;
      const start = at(fromMs);
      const stop = Math.min(end, at(Math.min(toMs, 1e9)));
      let sum = 0;
      let n = 0;
      for (let i = start; i + 1 < stop; i += 2) {
        const v = buf.readInt16LE(i) / 32768;
        sum += v * v;
        n += 1;
      }
      return { rms: n ? Math.sqrt(sum / n) : 0, seconds: (end - body) / 2 / channels / rate };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${file}: no data chunk`);
}
