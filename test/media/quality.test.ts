import { expect } from '@open-wc/testing';
import {
  GOOD_MOS,
  POOR_MOS,
  estimateMos,
  nextWarning,
  sampleQuality,
} from '../../src/media/quality.js';

/** A stand-in for an RTCStatsReport: getStats() reports are Maps of stats by id. */
function report(stats: Array<Record<string, unknown>>): RTCStatsReport {
  return new Map(stats.map((s, i) => [String(i), s])) as unknown as RTCStatsReport;
}

describe('estimateMos', () => {
  it('rates a clean local network as excellent and degrades with loss and delay', () => {
    expect(estimateMos(1, 0, 0)).to.be.greaterThan(4.3);
    expect(estimateMos(150, 10, 0)).to.be.within(4.0, 4.4);
    expect(estimateMos(40, 5, 5)).to.be.within(3.8, 4.1);
    expect(estimateMos(40, 5, 15)).to.be.lessThan(POOR_MOS);
    expect(estimateMos(800, 80, 0)).to.be.lessThan(POOR_MOS);
    expect(estimateMos(2000, 200, 60)).to.equal(1);
  });

  it('never rises as the network gets worse', () => {
    let last = 5;
    for (let loss = 0; loss <= 40; loss += 2) {
      const mos = estimateMos(100, 20, loss);
      expect(mos).to.be.at.most(last);
      last = mos;
    }
  });
});

describe('sampleQuality', () => {
  const stats = (received: number, lost: number, extra: Array<Record<string, unknown>> = []) =>
    report([
      {
        type: 'inbound-rtp',
        kind: 'audio',
        packetsReceived: received,
        packetsLost: lost,
        jitter: 0.012,
      },
      { type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: 0.08 },
      ...extra,
    ]);

  it('rates a sample with nothing received since the previous one as all lost, not clean', () => {
    const first = sampleQuality(stats(100, 0), undefined)!;
    const silent = sampleQuality(stats(100, 0), first.counters)!;
    expect(silent.sample.lossPct).to.equal(100);
    expect(silent.sample.mos).to.be.lessThan(POOR_MOS);
  });

  it('reads rtt, jitter and the loss since the previous sample', () => {
    const first = sampleQuality(stats(100, 0), undefined)!;
    expect(first.sample).to.include({ rttMs: 80, jitterMs: 12, lossPct: 0 });
    const second = sampleQuality(stats(190, 10), first.counters)!;
    expect(second.sample.lossPct).to.equal(10);
    expect(second.sample.mos).to.be.lessThan(first.sample.mos);
  });

  it('takes the worse direction: loss the far end reports for what we send', () => {
    const { sample } = sampleQuality(
      stats(100, 0, [
        { type: 'remote-inbound-rtp', kind: 'audio', fractionLost: 0.2, roundTripTime: 0.05 },
      ]),
      undefined,
    )!;
    expect(sample.lossPct).to.equal(20);
  });

  it('names the codec received and its sample rate (G.722 samples 16 kHz under an 8 kHz clock)', () => {
    for (const [mimeType, clockRate, codec, sampleRateHz] of [
      ['audio/opus', 48000, 'opus', 48000],
      ['audio/G722', 8000, 'g722', 16000],
      ['audio/PCMU', 8000, 'pcmu', 8000],
    ] as const) {
      const byId = new Map<string, Record<string, unknown>>([
        ['in', { type: 'inbound-rtp', kind: 'audio', packetsReceived: 50, codecId: 'c1' }],
        ['c1', { type: 'codec', mimeType, clockRate }],
      ]);
      const { sample } = sampleQuality(byId as unknown as RTCStatsReport, undefined)!;
      expect(sample).to.deep.include({ codec, sampleRateHz });
    }
    const { sample } = sampleQuality(stats(100, 0), undefined)!;
    expect(sample, 'no codec stat: none named').to.not.have.property('codec');
  });

  it('has nothing to say before audio is received', () => {
    expect(sampleQuality(report([{ type: 'transport' }]), undefined)).to.equal(undefined);
  });
});

describe('nextWarning', () => {
  it('turns on after two poor samples and off after two good ones, without flicker', () => {
    const bad = POOR_MOS - 0.5;
    const good = GOOD_MOS + 0.2;
    const between = (POOR_MOS + GOOD_MOS) / 2;
    expect(nextWarning([good, bad], false)).to.equal(false);
    expect(nextWarning([bad, bad], false)).to.equal(true);
    expect(nextWarning([bad, between], true)).to.equal(true);
    expect(nextWarning([between, good], true)).to.equal(true);
    expect(nextWarning([good, good], true)).to.equal(false);
    expect(nextWarning([bad], false)).to.equal(false);
  });
});
