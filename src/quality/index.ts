/**
 * Call quality, an in-call capability: once the call is answered it samples the peer
 * connection every few seconds, fires `voip-quality`, and shows the "poor connection" notice
 * (media/quality.ts holds the model). Owns its sampling timer.
 */
import { html } from 'lit';
import type { CapabilityFactory } from '../call-contract.js';
import { createVoipEvent } from '../events.js';
import { nextWarning, sampleQuality, type QualityCounters } from '../media/quality.js';

/** How often call quality is sampled while connected. */
const QUALITY_INTERVAL_MS = 3000;

export const quality: CapabilityFactory = (call) => {
  let timer: ReturnType<typeof setInterval> | undefined;
  let counters: QualityCounters | undefined;
  let stopped = false;
  let poor = false;
  const recent: number[] = [];
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
