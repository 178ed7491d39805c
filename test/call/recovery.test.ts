import { expect } from '@open-wc/testing';
import '../../src/voip-call-button.js';
import { mediaTiming } from '../../src/media/media-watch.js';
import type {
  VoipEndedDetail,
  VoipErrorDetail,
  VoipReconnectedDetail,
  VoipReconnectingDetail,
} from '../../src/events.js';
import {
  answeredCall,
  mountWithFake,
  record,
  until,
  type FakeConnector,
  type FakeSession,
  statusText,
} from '../support/fake-connector.js';

async function mount(attributes: Record<string, string> = {}) {
  const { el, connector } = await mountWithFake(attributes);
  return { el, connector, log: record(el) };
}

/** A getStats() report with the bytes received on the media path. */
function received(bytes: number): RTCStatsReport {
  return new Map([
    ['T01', { type: 'transport', bytesReceived: bytes }],
  ]) as unknown as RTCStatsReport;
}

/** Plays media arriving on `session`: the byte count grows until `stop()`. */
function flowing(session: FakeSession) {
  let bytes = 0;
  session.stats = received(bytes);
  const timer = setInterval(() => (session.stats = received((bytes += 160))), 10);
  return { stop: () => clearInterval(timer) };
}

async function answered(attributes: Record<string, string> = {}) {
  const { el, connector, log } = await mount(attributes);
  await answeredCall(el, connector as FakeConnector);
  return { el, connector, log, session: connector.last };
}

describe('recovering a call', () => {
  describe('when the connection to the gateway breaks', () => {
    it('an answered call is reconnecting, refuses in-call actions, and is back in-call once restored', async () => {
      const { el, session, log } = await answered();
      session.emit({ type: 'connection-interrupted' });
      expect(el.state).to.equal('reconnecting');
      await el.updateComplete;
      expect(el.getAttribute('state')).to.equal('reconnecting');
      expect(statusText(el)).to.equal('Reconnecting…');
      expect(log.detail<VoipReconnectingDetail>('voip-reconnecting')).to.deep.equal({
        cause: 'signaling',
      });
      const errors: string[] = [];
      el.addEventListener('voip-error', (e) => errors.push(e.detail.code));
      await el.hold(true);
      expect(errors).to.deep.equal(['not-in-call']);
      expect(session.holds).to.deep.equal([]);

      await new Promise((r) => setTimeout(r, 30));
      session.emit({ type: 'connection-restored' });
      expect(el.state).to.equal('in-call');
      const back = log.detail<VoipReconnectedDetail>('voip-reconnected');
      expect(back.cause).to.equal('signaling');
      expect(back.downtimeMs).to.be.within(25, 1000);
      expect(log.states()).to.deep.equal([
        'connecting',
        'calling',
        'ringing',
        'in-call',
        'reconnecting',
        'in-call',
      ]);
      expect(log.count('voip-ended')).to.equal(0);
      el.hangup();
      await until(() => log.count('voip-ended') === 1);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('local-hangup');
    });

    it('reconnecting that fails ends with one voip-ended "connection-lost"', async () => {
      const { session, log } = await answered();
      session.emit({ type: 'connection-interrupted' });
      session.emit({ type: 'connection-lost' });
      await until(() => log.count('voip-ended') === 1);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('connection-lost');
      expect(log.states().slice(-3)).to.deep.equal(['reconnecting', 'ending', 'idle']);
      expect(log.count('voip-reconnected')).to.equal(0);
      expect(session.closes).to.equal(1);
    });

    it('hanging up while reconnecting ends as "local-hangup"', async () => {
      const { el, session, log } = await answered();
      session.emit({ type: 'connection-interrupted' });
      el.hangup();
      await until(() => log.count('voip-ended') === 1);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('local-hangup');
      expect(session.hangups).to.equal(1);
    });

    it('before the answer there is nothing to wait for: the call ends at once', async () => {
      const { el, connector, log } = await mount();
      el.call();
      await until(() => el.state === 'calling');
      connector.last.emit({ type: 'connection-interrupted' });
      await until(() => log.count('voip-ended') === 1);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('connection-lost');
      expect(log.count('voip-reconnecting')).to.equal(0);
    });
  });

  describe('when the media path breaks', () => {
    const saved = { ...mediaTiming };
    beforeEach(() =>
      Object.assign(mediaTiming, {
        checkMs: 20,
        connectMs: 300,
        stallMs: 120,
        recoveryMs: 500,
        restartEveryMs: 150,
      }),
    );
    afterEach(() => Object.assign(mediaTiming, saved));

    it('media that never comes up after the answer ends the call: "media-failed", with a BYE', async () => {
      const { el, session, log } = await answered();
      session.emit({ type: 'ice-state', state: 'checking' });
      await until(() => log.count('voip-ended') === 1, 2000);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('media-failed');
      expect(session.hangups).to.equal(1);
      await el.updateComplete;
      expect(statusText(el)).to.equal(
        'The call audio could not get through. Check your connection and call again.',
      );
    });

    it('media that stops is reconnecting with ICE restarts, and in-call again once it flows', async () => {
      const { el, session, log } = await answered();
      session.emit({ type: 'ice-state', state: 'connected' });
      let media = flowing(session);
      await new Promise((r) => setTimeout(r, 100));
      expect(el.state).to.equal('in-call');
      media.stop();
      await until(() => el.state === 'reconnecting');
      expect(log.detail<VoipReconnectingDetail>('voip-reconnecting')).to.deep.equal({
        cause: 'media',
      });
      await until(() => session.restarts >= 2, 1000);
      media = flowing(session);
      await until(() => el.state === 'in-call');
      media.stop();
      expect(log.detail<VoipReconnectedDetail>('voip-reconnected').cause).to.equal('media');
      el.hangup();
      await until(() => log.count('voip-ended') === 1);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('local-hangup');
    });

    it('ICE that disconnects for good ends the call: "media-failed" after the recovery window', async () => {
      const { session, log } = await answered();
      session.emit({ type: 'ice-state', state: 'connected' });
      const media = flowing(session);
      await new Promise((r) => setTimeout(r, 60));
      const broke = performance.now();
      session.emit({ type: 'ice-state', state: 'disconnected' });
      await until(() => log.count('voip-ended') === 1, 3000);
      media.stop();
      expect(performance.now() - broke).to.be.at.least(mediaTiming.recoveryMs);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('media-failed');
      expect(log.states().slice(-3)).to.deep.equal(['reconnecting', 'ending', 'idle']);
      expect(session.restarts).to.be.at.least(2);
    });

    it('silence on hold is not a break (the far end sends nothing then)', async () => {
      const { el, session } = await answered();
      session.emit({ type: 'ice-state', state: 'connected' });
      const media = flowing(session);
      await new Promise((r) => setTimeout(r, 60));
      await el.hold(true);
      media.stop();
      await new Promise((r) => setTimeout(r, 400));
      expect(el.state).to.equal('in-call');
      expect(session.restarts).to.equal(0);
      el.hangup();
    });

    it('silence while the far end holds the call is not a break either', async () => {
      const { el, session } = await answered();
      session.emit({ type: 'ice-state', state: 'connected' });
      const media = flowing(session);
      await new Promise((r) => setTimeout(r, 60));
      session.emit({ type: 'remote-hold', onHold: true });
      media.stop();
      await new Promise((r) => setTimeout(r, 400));
      expect(el.state).to.equal('in-call');
      expect(session.restarts).to.equal(0);
      el.hangup();
    });

    it("no media while a transfer's target rings is not a break; the target's media is watched once it answers", async () => {
      const { el, session, connector, log } = await answered();
      session.emit({ type: 'ice-state', state: 'connected' });
      const media = flowing(session);
      await new Promise((r) => setTimeout(r, 60));
      session.emit({ type: 'transfer', referId: 1, target: 'sip:2008@127.0.0.1:5060' });
      await until(() => connector.sessions.length === 2 && connector.last.calledUri !== undefined);
      media.stop();
      const target = connector.last;
      await new Promise((r) => setTimeout(r, 500)); // longer than connectMs + stallMs
      expect(el.state).to.equal('calling');
      expect(target.restarts + session.restarts).to.equal(0);
      expect(log.count('voip-ended')).to.equal(0);
      target.emit({ type: 'accepted' });
      await until(() => el.state === 'in-call');
      // The target's media never comes up: that is watched again.
      target.emit({ type: 'ice-state', state: 'checking' });
      await until(() => log.count('voip-ended') === 1, 2000);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('media-failed');
    });

    it('the gateway hanging up itself while the media is down is "media-failed", not the far end', async () => {
      const { session, log } = await answered();
      session.emit({ type: 'ice-state', state: 'checking' });
      session.emit({ type: 'hangup', sipCode: 200, byGateway: true });
      await until(() => log.count('voip-ended') === 1);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('media-failed');
    });

    it('the gateway reporting the media path failed ("ICE failed") ends the call: "media-failed"', async () => {
      const { session, log } = await answered();
      session.emit({ type: 'media-failed', reason: 'ICE failed' });
      await until(() => log.count('voip-ended') === 1);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('media-failed');
    });
  });

  describe('when the microphone prompt is never answered', () => {
    it('gives up after permission-timeout: "mic-denied", the session closed, and a late stream stopped', async () => {
      const { el, connector, log } = await mount({ 'permission-timeout': '0.3' });
      const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      let answer: (stream: MediaStream) => void = () => undefined;
      navigator.mediaDevices.getUserMedia = () => new Promise((resolve) => (answer = resolve));
      try {
        const started = performance.now();
        el.call();
        await until(() => log.count('voip-error') === 1, 3000);
        expect(performance.now() - started).to.be.within(280, 1500);
      } finally {
        navigator.mediaDevices.getUserMedia = gum;
      }
      expect(log.detail<VoipErrorDetail>('voip-error').code).to.equal('mic-denied');
      expect(log.states()).to.deep.equal(['connecting', 'ending', 'idle']);
      expect(connector.last.calledUri).to.equal(undefined);
      expect(connector.last.closes).to.equal(1);
      // The visitor allows the microphone after all: the stream is stopped at once.
      const late = await gum({ audio: true });
      answer(late);
      await until(() => late.getTracks().every((t) => t.readyState === 'ended'));
      expect(el.state).to.equal('idle');
    });
  });
});
