/**
 * The call-quality capability (src/quality/index.ts) in a call: it samples the session's
 * `getStats()` every 3 s once the call is answered, fires `voip-quality`, and shows the "poor
 * connection" notice after two poor samples in a row, until two good ones. The formulas are in
 * test/media/quality.test.ts.
 *
 * One test runs on the real 3 s clock. The others compress the capability's 3 s sampling
 * interval (and only that one: `setInterval` with 3000 ms) so that the poor/good cycle takes
 * about a second instead of 15 s; src/ is run unchanged.
 */
import { expect } from '@open-wc/testing';
import '../../src/voip-call-button.js';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import type { VoipCallPanel } from '../../src/panel/call-panel.js';
import type { VoipCallSummaryDetail, VoipQualityDetail } from '../../src/events.js';
import { answeredCall, mountWithFake, until, type FakeSession } from '../support/fake-connector.js';

/** The capability's sampling interval, as documented (`voip-quality`: "every 3 s"). */
const QUALITY_INTERVAL_MS = 3000;
/** What it is compressed to in the fast tests. */
const FAST_MS = 120;

interface Conditions {
  /** Fraction of packets lost, 0..1. */
  loss: number;
  /** Round-trip time, seconds. */
  rtt: number;
  /** Jitter, seconds. */
  jitter: number;
}

const GOOD: Conditions = { loss: 0, rtt: 0.02, jitter: 0.002 };
const POOR: Conditions = { loss: 0.3, rtt: 0.4, jitter: 0.05 };

/**
 * Plays a network on `session`: every 20 ms ten audio packets arrive (some lost, as
 * `conditions` say), and `session.stats` is the getStats() report of the moment: an
 * `inbound-rtp` audio stat with its counters and jitter, the nominated candidate pair's RTT,
 * and the transport's bytes (which the media watchdog reads).
 */
function network(session: FakeSession, conditions: Conditions = GOOD) {
  let now = conditions;
  let received = 0;
  let lost = 0;
  let bytes = 0;
  const report = () =>
    new Map<string, Record<string, unknown>>([
      ['T01', { type: 'transport', bytesReceived: bytes }],
      [
        'IT01',
        {
          type: 'inbound-rtp',
          kind: 'audio',
          packetsReceived: received,
          packetsLost: lost,
          jitter: now.jitter,
        },
      ],
      [
        'CP01',
        {
          type: 'candidate-pair',
          state: 'succeeded',
          nominated: true,
          currentRoundTripTime: now.rtt,
        },
      ],
    ]) as unknown as RTCStatsReport;
  const tick = () => {
    const dropped = Math.round(10 * now.loss);
    received += 10 - dropped;
    lost += dropped;
    bytes += 1720;
    session.stats = report();
  };
  tick();
  const timer = setInterval(tick, 20);
  return {
    set: (conditions: Conditions) => (now = conditions),
    stop: () => clearInterval(timer),
  };
}

/** An answered call on a network; `samples` are the `voip-quality` details so far. */
async function answeredOn(conditions: Conditions = GOOD) {
  const { el, connector } = await mountWithFake({ ringback: 'off' });
  const samples: VoipQualityDetail[] = [];
  el.addEventListener('voip-quality', (e) => samples.push(e.detail));
  await answeredCall(el, connector);
  const session = connector.last;
  session.emit({ type: 'ice-state', state: 'connected' });
  const net = network(session, conditions);
  return { el, session, samples, net };
}

/**
 * The "poor connection" notice, if the panel shows it. (Tests compare `!== null` rather than the
 * element itself: a failed assertion that prints a DOM node stalls the test runner.)
 */
function warning(el: VoipCallButton): HTMLElement | null {
  const panel = el.shadowRoot!.querySelector<VoipCallPanel>('voip-call-panel');
  return panel?.shadowRoot?.querySelector<HTMLElement>('[part="quality-warning"]') ?? null;
}

async function rendered(el: VoipCallButton): Promise<void> {
  await el.updateComplete;
  await el.shadowRoot!.querySelector<VoipCallPanel>('voip-call-panel')?.updateComplete;
}

describe('call quality in a call', () => {
  const stops: Array<() => void> = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
  });

  it('samples every 3 s once answered: the first voip-quality about 3 s after the answer', async function () {
    this.timeout(10_000);
    const { el, samples, net } = await answeredOn(GOOD);
    stops.push(net.stop);
    const answered = performance.now();
    await until(() => samples.length === 1, 5000);
    const after = performance.now() - answered;
    expect(after).to.be.within(QUALITY_INTERVAL_MS - 200, QUALITY_INTERVAL_MS + 800);
    const [sample] = samples;
    expect(Object.keys(sample!).sort()).to.deep.equal([
      'jitterMs',
      'lossPct',
      'mos',
      'poor',
      'rttMs',
    ]);
    expect(sample).to.include({ rttMs: 20, jitterMs: 2, lossPct: 0, poor: false });
    expect(sample!.mos).to.be.greaterThan(4.3);
    expect(el.poorQuality).to.equal(false);
    el.hangup();
    await until(() => el.state === 'idle');
  });

  describe('with the 3 s interval compressed', () => {
    let intervals: number[];
    beforeEach(() => {
      const real = window.setInterval;
      intervals = [];
      window.setInterval = ((handler: TimerHandler, timeout?: number, ...args: unknown[]) => {
        if (timeout === QUALITY_INTERVAL_MS) {
          intervals.push(timeout);
          return real(handler, FAST_MS, ...args);
        }
        return real(handler, timeout, ...args);
      }) as typeof window.setInterval;
      stops.push(() => (window.setInterval = real));
    });

    it('two poor samples in a row: poorQuality, voip-quality poor: true, and the notice; two good ones clear it', async () => {
      const { el, samples, net } = await answeredOn(POOR);
      stops.push(net.stop);
      expect(intervals, 'one 3 s sampling interval').to.deep.equal([QUALITY_INTERVAL_MS]);

      await until(() => samples.length === 2);
      expect(samples[0]!.poor, 'one poor sample is not enough').to.equal(false);
      expect(samples[1]!.poor).to.equal(true);
      for (const s of samples) {
        expect(s.mos).to.be.lessThan(3.5);
        expect(s.lossPct).to.equal(30);
        expect(s.rttMs).to.equal(400);
        expect(s.jitterMs).to.equal(50);
      }
      expect(el.poorQuality).to.equal(true);
      await rendered(el);
      expect(warning(el) !== null, 'the notice shows').to.equal(true);
      expect(warning(el)!.textContent!.trim()).to.equal('Poor connection: you may hear gaps.');
      expect(warning(el)!.getAttribute('role')).to.equal('status');
      expect(el.state).to.equal('in-call');

      net.set(GOOD);
      const before = samples.length;
      await until(() => !el.poorQuality, 3000);
      const after = samples.slice(before);
      // The first sample after the change may still hold some of the loss; two good in a row clear it.
      expect(after.length).to.be.within(2, 3);
      expect(after.at(-1)!.poor).to.equal(false);
      expect(after.slice(-2).every((s) => s.mos >= 3.8)).to.equal(true);
      expect(after.slice(0, -1).every((s) => s.poor)).to.equal(true);
      await rendered(el);
      expect(warning(el) === null, 'no notice').to.equal(true);
      el.hangup();
      await until(() => el.state === 'idle');
    });

    it('an answered call: voip-call-summary right after voip-ended, from the samples, with nothing personal', async () => {
      const { el, samples, net, session } = await answeredOn(POOR);
      stops.push(net.stop);
      const order: string[] = [];
      let summary: VoipCallSummaryDetail | undefined;
      el.addEventListener('voip-ended', () => order.push('voip-ended'));
      el.addEventListener('voip-call-summary', (e) => {
        order.push('voip-call-summary');
        summary = e.detail;
      });
      await until(() => samples.length >= 2);
      // A reconnect of about 100 ms, counted with how long it took.
      session.emit({ type: 'connection-interrupted' });
      await new Promise((r) => setTimeout(r, 100));
      session.emit({ type: 'connection-restored' });
      expect(el.state).to.equal('in-call');
      net.set(GOOD);
      const before = samples.length;
      await until(() => samples.length >= before + 3);
      el.hangup();
      await until(() => el.state === 'idle' && summary !== undefined);
      expect(order).to.deep.equal(['voip-ended', 'voip-call-summary']);
      const taken = samples.slice();
      const mean = (f: (s: VoipQualityDetail) => number) =>
        taken.reduce((sum, s) => sum + f(s), 0) / taken.length;
      expect(Object.keys(summary!).sort()).to.deep.equal([
        'durationMs',
        'jitterMs',
        'lossPct',
        'microphones',
        'mos',
        'reason',
        'reconnectingMs',
        'reconnects',
        'rttMs',
        'samples',
      ]);
      expect(summary).to.deep.include({
        reason: 'local-hangup',
        samples: taken.length,
        reconnects: 1,
        microphones: 1,
      });
      expect(summary!.mos!.worst).to.equal(Math.min(...taken.map((s) => s.mos)));
      expect(summary!.mos!.mean).to.be.closeTo(
        mean((s) => s.mos),
        0.01,
      );
      expect(summary!.lossPct).to.be.closeTo(
        mean((s) => s.lossPct),
        0.1,
      );
      expect(summary!.rttMs).to.be.closeTo(
        mean((s) => s.rttMs),
        1,
      );
      expect(summary!.jitterMs).to.be.closeTo(
        mean((s) => s.jitterMs),
        1,
      );
      expect(summary!.reconnectingMs).to.be.within(90, 1000);
      expect(summary!.durationMs).to.be.greaterThan(0);
    });

    it('a call never answered has no summary; one shorter than a sample has no averages', async () => {
      const { el, connector } = await mountWithFake({ ringback: 'off' });
      const summaries: VoipCallSummaryDetail[] = [];
      el.addEventListener('voip-call-summary', (e) => summaries.push(e.detail));
      el.call();
      await until(() => el.state === 'calling');
      el.hangup();
      await until(() => el.state === 'idle');
      expect(summaries).to.deep.equal([]);
      await answeredCall(el, connector);
      el.hangup();
      await until(() => el.state === 'idle' && summaries.length === 1);
      expect(summaries[0]).to.deep.include({ samples: 0, reconnects: 0, microphones: 1 });
      expect(summaries[0]).to.not.have.property('mos');
    });

    it('a good line never warns', async () => {
      const { el, samples, net } = await answeredOn(GOOD);
      stops.push(net.stop);
      await until(() => samples.length >= 4);
      expect(samples.every((s) => !s.poor && s.mos > 4.3 && s.lossPct === 0)).to.equal(true);
      expect(el.poorQuality).to.equal(false);
      await rendered(el);
      expect(warning(el) === null, 'no notice').to.equal(true);
      el.hangup();
      await until(() => el.state === 'idle');
    });

    it('does not sample on hold, samples again after resuming, and stops when the call ends', async () => {
      const { el, samples, net } = await answeredOn(GOOD);
      stops.push(net.stop);
      await until(() => samples.length >= 1);
      await el.hold(true);
      const held = samples.length;
      await new Promise((r) => setTimeout(r, FAST_MS * 4));
      // A sample already in flight when the hold came may still land.
      expect(samples.length).to.be.at.most(held + 1);
      const onHold = samples.length;
      await new Promise((r) => setTimeout(r, FAST_MS * 3));
      expect(samples.length).to.equal(onHold);
      await el.hold(false);
      await until(() => samples.length >= onHold + 2);
      el.hangup();
      await until(() => el.state === 'idle');
      const ended = samples.length;
      await new Promise((r) => setTimeout(r, FAST_MS * 4));
      expect(samples.length).to.equal(ended);
      expect(el.poorQuality).to.equal(false);
    });

    it('the notice gives way while the call is reconnecting, and comes back once it is in-call', async () => {
      const { el, session, samples, net } = await answeredOn(POOR);
      stops.push(net.stop);
      await until(() => el.poorQuality);
      await rendered(el);
      expect(warning(el) !== null, 'the notice shows').to.equal(true);
      session.emit({ type: 'connection-interrupted' });
      expect(el.state).to.equal('reconnecting');
      await rendered(el);
      expect(warning(el) === null, 'no notice').to.equal(true);
      const during = samples.length;
      await new Promise((r) => setTimeout(r, FAST_MS * 3));
      expect(samples.length, 'no samples while reconnecting').to.be.at.most(during + 1);
      session.emit({ type: 'connection-restored' });
      expect(el.state).to.equal('in-call');
      await rendered(el);
      expect(warning(el) !== null, 'the notice shows').to.equal(true);
      el.hangup();
      await until(() => el.state === 'idle');
    });
  });
});
