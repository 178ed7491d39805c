/**
 * Call quality from WebRTC statistics: round-trip time, jitter and packet loss, and an estimated
 * MOS (mean opinion score, 1 = bad ... 4.5 = best for narrowband calls) from the simplified
 * ITU-T G.107 E-model. Pure functions; the quality capability (quality/) samples the peer connection.
 */

/** One quality sample, as carried by `voip-quality`. */
export interface QualitySample {
  /** Estimated mean opinion score, 1.0 to 4.5. */
  readonly mos: number;
  /** Round-trip time to the gateway, ms. */
  readonly rttMs: number;
  /** Jitter of the received audio, ms. */
  readonly jitterMs: number;
  /** Packets lost since the previous sample, percent (the worse of the two directions). */
  readonly lossPct: number;
  /** The voice codec the call receives (`opus`, `g722`, `pcmu`, `pcma`...), when known. */
  readonly codec?: string;
  /** That codec's audio sample rate, Hz (G.722 samples 16 kHz under its 8 kHz RTP clock). */
  readonly sampleRateHz?: number;
}

/** The running packet counters a sample is computed against. */
export interface QualityCounters {
  readonly received: number;
  readonly lost: number;
}

/** The warning shows below this MOS (two samples in a row) ... */
export const POOR_MOS = 3.5;
/** ... and clears at or above this MOS (two samples in a row). */
export const GOOD_MOS = 3.8;

/** MOS from network figures, with the simplified E-model (R factor from delay and loss). */
export function estimateMos(rttMs: number, jitterMs: number, lossPct: number): number {
  // One-way delay plus the jitter buffer the receiver needs, plus codec delay.
  const effective = rttMs / 2 + 2 * jitterMs + 10;
  const delayImpairment = effective < 160 ? effective / 40 : (effective - 120) / 10;
  const r = Math.max(0, Math.min(100, 93.2 - delayImpairment - 2.5 * lossPct));
  const mos = 1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r);
  return Math.round(Math.max(1, Math.min(4.5, mos)) * 100) / 100;
}

interface StatLike {
  type: string;
  kind?: string;
  mediaType?: string;
  state?: string;
  nominated?: boolean;
  currentRoundTripTime?: number;
  roundTripTime?: number;
  jitter?: number;
  packetsLost?: number;
  packetsReceived?: number;
  fractionLost?: number;
  codecId?: string;
  mimeType?: string;
  clockRate?: number;
}

/** The codec of an RTP stat, by its `codecId`, as `{ codec, sampleRateHz }`. */
function codecOf(
  report: RTCStatsReport,
  stat: StatLike,
): Pick<QualitySample, 'codec' | 'sampleRateHz'> {
  const entry = (stat.codecId ? report.get(stat.codecId) : undefined) as StatLike | undefined;
  const codec = entry?.mimeType?.replace(/^audio\//i, '').toLowerCase();
  if (!codec) return {};
  const sampleRateHz = codec === 'g722' ? 16_000 : entry?.clockRate;
  return { codec, ...(sampleRateHz ? { sampleRateHz } : {}) };
}

/**
 * A sample from a `getStats()` report and the counters of the previous sample (undefined for the
 * first). Returns the sample and the counters to pass next time; `undefined` when the report has
 * no received audio yet.
 */
export function sampleQuality(
  report: RTCStatsReport,
  previous: QualityCounters | undefined,
): { sample: QualitySample; counters: QualityCounters } | undefined {
  let inbound: StatLike | undefined;
  let remoteInbound: StatLike | undefined;
  let pairRtt: number | undefined;
  report.forEach((value) => {
    const stat = value as StatLike;
    const audio = (stat.kind ?? stat.mediaType) === 'audio';
    if (stat.type === 'inbound-rtp' && audio) inbound = stat;
    else if (stat.type === 'remote-inbound-rtp' && audio) remoteInbound = stat;
    else if (
      stat.type === 'candidate-pair' &&
      stat.state === 'succeeded' &&
      stat.nominated &&
      stat.currentRoundTripTime !== undefined
    ) {
      pairRtt = stat.currentRoundTripTime;
    }
  });
  if (!inbound) return undefined;
  const counters = { received: inbound.packetsReceived ?? 0, lost: inbound.packetsLost ?? 0 };
  const received = counters.received - (previous?.received ?? 0);
  const lost = counters.lost - (previous?.lost ?? 0);
  // Nothing at all since the last sample is no audio, not a clean line.
  const inboundLoss =
    received + lost > 0 ? (100 * Math.max(0, lost)) / (received + lost) : previous ? 100 : 0;
  const outboundLoss = 100 * (remoteInbound?.fractionLost ?? 0);
  const lossPct = Math.round(Math.max(inboundLoss, outboundLoss) * 10) / 10;
  const rttMs = Math.round(1000 * (pairRtt ?? remoteInbound?.roundTripTime ?? 0));
  const jitterMs = Math.round(1000 * (inbound.jitter ?? 0));
  return {
    sample: {
      mos: estimateMos(rttMs, jitterMs, lossPct),
      rttMs,
      jitterMs,
      lossPct,
      ...codecOf(report, inbound),
    },
    counters,
  };
}

/**
 * Whether to warn, given the last samples' MOS values (newest last) and whether the warning is
 * on now: on after two poor samples in a row, off after two good ones (no flicker in between).
 */
export function nextWarning(recent: readonly number[], warning: boolean): boolean {
  if (recent.length < 2) return warning;
  const lastTwo = recent.slice(-2);
  if (!warning && lastTwo.every((mos) => mos < POOR_MOS)) return true;
  if (warning && lastTwo.every((mos) => mos >= GOOD_MOS)) return false;
  return warning;
}
