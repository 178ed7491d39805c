/**
 * Call quality, an in-call capability: once the call is answered it samples the peer
 * connection every few seconds, fires `voip-quality`, and shows the "poor connection" notice
 * (media/quality.ts holds the model); it also keeps the call's figures for `voip-call-summary`
 * (the samples' means and worst MOS, the codec, the time spent reconnecting). Owns its
 * sampling timer.
 */
import { html } from 'lit';
import type { CapabilityFactory } from '../call-contract.js';
import { createVoipEvent } from '../events.js';
import {
  nextWarning,
  sampleQuality,
  type QualityCounters,
  type QualitySample,
} from '../media/quality.js';

/** How often call quality is sampled while connected. */
const QUALITY_INTERVAL_MS = 3000;

export const quality: CapabilityFactory = (call) => {
  let timer: ReturnType<typeof setInterval> | undefined;
  let counters: QualityCounters | undefined;
  let stopped = false;
  let poor = false;
  const recent: number[] = [];
  /** Every sample of the call, for its summary. */
  const samples: QualitySample[] = [];
  let reconnects = 0;
  let reconnectingMs = 0;
  /** When the call went to `reconnecting` (performance.now()), while it is there. */
  let since: number | undefined;
  const sample = () => {
    // On hold the far end sends nothing, and a reconnecting call has its own notice.
    if (call.onHold || call.remoteHold || call.host.state !== 'in-call') {
      counters = undefined;
      return;
    }
    void call.session?.getStats().then((report) => {
      if (!report || stopped) return;
      const result = sampleQuality(report, counters);
      if (!result) return;
      counters = result.counters;
      samples.push(result.sample);
      recent.push(result.sample.mos);
      const warn = nextWarning(recent, poor);
      if (warn !== poor) {
        poor = warn;
        call.host.update();
      }
      const video = call.videoFigures(report);
      call.host.emit(
        createVoipEvent('voip-quality', { ...result.sample, poor: warn, ...(video && { video }) }),
      );
    });
  };
  return {
    get poorQuality() {
      return poor;
    },
    onState(state) {
      if (state === 'in-call' && !stopped) timer ??= setInterval(sample, QUALITY_INTERVAL_MS);
      if (state === 'reconnecting') {
        reconnects += 1;
        since ??= performance.now();
      } else if (since !== undefined) {
        reconnectingMs += performance.now() - since;
        since = undefined;
      }
    },
    figures() {
      const n = samples.length;
      const mean = (key: 'mos' | 'lossPct' | 'jitterMs' | 'rttMs', digits: number) =>
        Number((samples.reduce((sum, s) => sum + s[key], 0) / n).toFixed(digits));
      const last = samples.at(-1);
      return {
        ...(last?.codec ? { codec: last.codec } : {}),
        ...(last?.sampleRateHz ? { sampleRateHz: last.sampleRateHz } : {}),
        samples: n,
        ...(n > 0
          ? {
              mos: { mean: mean('mos', 2), worst: Math.min(...samples.map((s) => s.mos)) },
              lossPct: mean('lossPct', 1),
              jitterMs: mean('jitterMs', 0),
              rttMs: mean('rttMs', 0),
            }
          : {}),
        reconnects,
        reconnectingMs: Math.round(reconnectingMs),
      };
    },
    section: {
      notice: (panel) =>
        panel.state === 'in-call' && poor
          ? html`<p part="quality-warning" role="status">${panel.t('panel.poor-quality')}</p>`
          : undefined,
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
};
