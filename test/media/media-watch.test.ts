import { expect } from '@open-wc/testing';
import { MediaWatch, type MediaAction } from '../../src/media/media-watch.js';
import { receivedBytes } from '../../src/media/stats.js';

const TIMING = { connectMs: 1000, stallMs: 200, recoveryMs: 1000, restartEveryMs: 300 };

/** One sample: [time ms, bytes so far, ICE state, on hold?], and the action expected. */
type Step = [number, number, string, boolean, MediaAction];

/** Feeds the samples to a watch answered at 0; restarts are recorded when asked for. */
function run(steps: Step[]): MediaAction[] {
  const watch = new MediaWatch(0, TIMING);
  return steps.map(([now, bytes, ice, held]) => {
    const action = watch.next(now, bytes, ice, held);
    if (action === 'broke' || action === 'restart') watch.restarted(now);
    return action;
  });
}

const cases: Array<[string, Step[]]> = [
  [
    'media that comes up and flows: nothing to do',
    [
      [100, 0, 'checking', false, 'none'],
      [200, 500, 'connected', false, 'none'],
      [400, 900, 'connected', false, 'none'],
      [600, 1300, 'completed', false, 'none'],
    ],
  ],
  [
    'media that never comes up: failed after connectMs, not before',
    [
      [500, 0, 'checking', false, 'none'],
      [1000, 0, 'checking', false, 'none'],
      [1001, 0, 'checking', false, 'failed'],
    ],
  ],
  [
    'bytes that stop for stallMs: broke; restarts every restartEveryMs; back when bytes flow',
    [
      [100, 100, 'connected', false, 'none'],
      [200, 200, 'connected', false, 'none'],
      [350, 200, 'connected', false, 'none'],
      [400, 200, 'connected', false, 'broke'],
      [600, 200, 'connected', false, 'none'],
      [700, 200, 'connected', false, 'restart'],
      [800, 300, 'connected', false, 'recovered'],
      [900, 400, 'connected', false, 'none'],
    ],
  ],
  [
    'ICE that disconnects for good: broke, restarts, then failed after recoveryMs',
    [
      [100, 100, 'connected', false, 'none'],
      [200, 200, 'disconnected', false, 'broke'],
      [500, 300, 'disconnected', false, 'restart'],
      [800, 300, 'failed', false, 'restart'],
      [1050, 300, 'failed', false, 'none'],
      [1200, 300, 'failed', false, 'failed'],
    ],
  ],
  [
    'media that comes up late is timed from then, not from the answer',
    [
      [100, 0, 'checking', false, 'none'],
      [500, 0, 'connected', false, 'none'],
      [650, 0, 'connected', false, 'none'],
      [700, 0, 'connected', false, 'broke'],
    ],
  ],
  [
    'coming off hold starts the silence clock again',
    [
      [100, 100, 'connected', false, 'none'],
      [800, 100, 'connected', true, 'none'],
      [900, 100, 'connected', false, 'none'],
      [1050, 100, 'connected', false, 'none'],
      [1100, 100, 'connected', false, 'broke'],
    ],
  ],
  [
    'silence on hold is no break; a lost ICE connection on hold is',
    [
      [100, 100, 'connected', false, 'none'],
      [800, 100, 'connected', true, 'none'],
      [900, 100, 'disconnected', true, 'broke'],
      [1000, 100, 'connected', true, 'recovered'],
    ],
  ],
];

describe('MediaWatch', () => {
  for (const [name, steps] of cases) {
    it(name, () => {
      expect(run(steps)).to.deep.equal(steps.map((s) => s[4]));
    });
  }

  it('tells whether the media path was ever up and whether it is down now', () => {
    const watch = new MediaWatch(0, TIMING);
    expect([watch.up, watch.down]).to.deep.equal([false, false]);
    watch.next(100, 10, 'connected', false);
    expect([watch.up, watch.down]).to.deep.equal([true, false]);
    watch.next(200, 10, 'disconnected', false);
    expect([watch.up, watch.down]).to.deep.equal([true, true]);
  });

  it('counts the bytes received on every transport, and -1 without a report', () => {
    const report = new Map([
      ['T01', { type: 'transport', bytesReceived: 1200 }],
      ['T02', { type: 'transport', bytesReceived: 300 }],
      ['IT01', { type: 'inbound-rtp', bytesReceived: 999 }],
    ]) as unknown as RTCStatsReport;
    expect(receivedBytes(report)).to.equal(1500);
    expect(receivedBytes(null)).to.equal(-1);
    expect(receivedBytes(new Map() as unknown as RTCStatsReport)).to.equal(0);
  });

  it("in Firefox (transport stats without byte counts) counts the candidate pairs' bytes", () => {
    // The shape of Firefox ESR 153's report in a call on the local stack (fields trimmed).
    const firefox = (pairBytes: number, rtpBytes: number) =>
      new Map([
        ['T', { type: 'transport', dtlsState: 'connected', selectedCandidatePairId: 'P' }],
        ['P', { type: 'candidate-pair', bytesReceived: pairBytes, selected: true }],
        ['I', { type: 'inbound-rtp', bytesReceived: rtpBytes, kind: 'audio' }],
      ]) as unknown as RTCStatsReport;
    expect(receivedBytes(firefox(42952, 56000))).to.equal(42952);
    expect(receivedBytes(firefox(43500, 56000))).to.equal(43500);
  });
});
