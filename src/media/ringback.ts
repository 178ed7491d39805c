/**
 * The ringback tone a caller hears while the far end rings (180, or 183 without SDP: no early
 * media), made in the
 * browser with WebAudio oscillators: no audio files to host. Loaded with the call chunk.
 */

/** A country's ringback cadence: tone frequencies, then on/off durations in ms, repeated. */
export interface Cadence {
  readonly frequencies: readonly number[];
  readonly pattern: readonly number[];
}

/** Ringback presets by the `ringback` attribute's value (ITU-T E.180 and national plans). */
export const RINGBACK_PRESETS = {
  /** North America: 440 + 480 Hz, 2 s on, 4 s off. */
  us: { frequencies: [440, 480], pattern: [2000, 4000] },
  /** United Kingdom: 400 + 450 Hz, 0.4 s on, 0.2 s off, 0.4 s on, 2 s off. */
  uk: { frequencies: [400, 450], pattern: [400, 200, 400, 2000] },
  /** Most of Europe (and CEPT): 425 Hz, 1 s on, 4 s off. */
  eu: { frequencies: [425], pattern: [1000, 4000] },
  /** Indonesia: 425 Hz, 1 s on, 4 s off. */
  id: { frequencies: [425], pattern: [1000, 4000] },
  /** Japan: 400 Hz modulated by 16 Hz, 1 s on, 2 s off (played here as plain 400 Hz). */
  jp: { frequencies: [400], pattern: [1000, 2000] },
  /** Australia: 400 + 425 + 450 Hz, 0.4 s on, 0.2 s off, 0.4 s on, 2 s off. */
  au: { frequencies: [400, 425, 450], pattern: [400, 200, 400, 2000] },
} as const satisfies Record<string, Cadence>;

/** A `ringback` attribute value: a preset, or `off` for no locally made tone. */
export type RingbackSetting = keyof typeof RINGBACK_PRESETS | 'off';

/** The setting for a `ringback` attribute value; empty or unknown: the language's preset. */
export function resolveRingback(value: string | null, lang: string): RingbackSetting {
  const v = (value ?? '').trim().toLowerCase();
  if (v === 'off' || v in RINGBACK_PRESETS) return v as RingbackSetting;
  return ringbackForLanguage(lang);
}

/** The preset for a language tag when the page sets no `ringback` attribute. */
export function ringbackForLanguage(lang: string): keyof typeof RINGBACK_PRESETS {
  const tag = lang.toLowerCase();
  if (/^en-(gb|ie)\b/.test(tag)) return 'uk';
  if (/^en-(au|nz)\b/.test(tag)) return 'au';
  if (/^(en|es-us|fr-ca)\b/.test(tag) && !/^en-(in|za)\b/.test(tag)) return 'us';
  if (tag.startsWith('ja')) return 'jp';
  if (tag.startsWith('id')) return 'id';
  return 'eu';
}

/** Level of the tone (0..1): clearly audible, well below the far end's speech. */
const GAIN = 0.12;

/** Starts the ringback tone of a setting; returns a function that stops it. */
export function startRingback(setting: RingbackSetting): () => void {
  return setting === 'off' ? () => undefined : startTone(RINGBACK_PRESETS[setting]);
}

/**
 * Starts a tone; returns a function that stops it and releases the audio context. The cadence
 * is scheduled on the audio clock a minute ahead and rescheduled, so it stays exact.
 */
export function startTone(cadence: Cadence): () => void {
  if (typeof AudioContext === 'undefined') return () => undefined;
  const ctx = new AudioContext();
  const gain = ctx.createGain();
  gain.gain.value = 0;
  gain.connect(ctx.destination);
  const oscillators = cadence.frequencies.map((frequency) => {
    const osc = ctx.createOscillator();
    osc.frequency.value = frequency;
    osc.connect(gain);
    osc.start();
    return osc;
  });
  const level = GAIN / cadence.frequencies.length;
  const cycle = cadence.pattern.reduce((a, b) => a + b, 0) / 1000;
  let scheduledUntil = ctx.currentTime;
  const schedule = () => {
    while (scheduledUntil < ctx.currentTime + 60) {
      let t = scheduledUntil;
      cadence.pattern.forEach((ms, i) => {
        gain.gain.setValueAtTime(i % 2 === 0 ? level : 0, t);
        t += ms / 1000;
      });
      scheduledUntil += cycle;
    }
  };
  schedule();
  const timer = setInterval(schedule, 30_000);
  void ctx.resume().catch(() => undefined);
  return () => {
    clearInterval(timer);
    for (const osc of oscillators) osc.stop();
    void ctx.close().catch(() => undefined);
  };
}
