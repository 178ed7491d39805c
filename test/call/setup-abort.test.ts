/**
 * Hanging up at every instant of call set-up (issue 10): each point ends with exactly one
 * terminal event, nothing left behind (microphone, session, timers), and the next call on the
 * same element connects. Also the double-click guard. The gateway is the fake connector.
 */
import { expect } from '@open-wc/testing';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import type { VoipEndedDetail } from '../../src/events.js';
import {
  answeredCall,
  FakeConnector,
  mountWithFake,
  record,
  until,
} from '../support/fake-connector.js';

type Log = ReturnType<typeof record>;

/** Every microphone track the element opened, through a wrapped getUserMedia. */
function watchMicrophone(hold?: Promise<void>) {
  const tracks: MediaStreamTrack[] = [];
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    if (hold) await hold; // the permission prompt stays open until `hold` resolves
    const stream = await gum(constraints);
    tracks.push(...stream.getTracks());
    return stream;
  };
  return { tracks, restore: () => (navigator.mediaDevices.getUserMedia = gum) };
}

/** The call is over and left nothing behind; the next call on the element connects. */
async function endedCleanly(el: VoipCallButton, connector: FakeConnector, log: Log) {
  await until(() => el.state === 'idle', 5000);
  expect(log.count('voip-ended') + log.count('voip-error'), 'one terminal event').to.equal(1);
  expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('cancelled');
  expect(el.localStream).to.equal(null);
  for (const session of connector.sessions) expect(session.closes, 'session closed').to.equal(1);
  const before = connector.sessions.length;
  await answeredCall(el, connector);
  expect(connector.sessions.length).to.equal(before + 1);
  el.hangup();
  await until(() => el.state === 'idle');
  expect(log.count('voip-ended')).to.equal(2);
}

describe('hanging up at every instant of set-up', () => {
  let restore: (() => void) | undefined;
  afterEach(() => restore?.());

  it('before the call chunk has loaded (hang-up in the same task as the call)', async () => {
    const { el, connector } = await mountWithFake();
    const log = record(el);
    const mic = watchMicrophone();
    restore = mic.restore;
    el.call();
    el.hangup();
    await until(() => el.state === 'idle');
    expect(connector.connects, 'no gateway session').to.equal(0);
    expect(mic.tracks, 'no microphone').to.deep.equal([]);
    await endedCleanly(el, connector, log);
  });

  it('while the token is fetched (the fetch is aborted)', async () => {
    const { el, connector } = await mountWithFake({ 'token-url': '/never-answers' });
    const log = record(el);
    const fetch = window.fetch;
    let aborted = false;
    window.fetch = (_url, init) =>
      new Promise((_, reject) =>
        init?.signal?.addEventListener('abort', () => {
          aborted = true;
          reject(new DOMException('aborted', 'AbortError'));
        }),
      );
    restore = () => (window.fetch = fetch);
    el.call();
    await until(() => el.state === 'connecting');
    await new Promise((r) => setTimeout(r, 50));
    el.hangup();
    await until(() => el.state === 'idle', 5000);
    expect(aborted, 'the token fetch was aborted').to.equal(true);
    expect(connector.connects).to.equal(0);
    restore();
    el.removeAttribute('token-url');
    await endedCleanly(el, connector, log);
  });

  it('while the microphone prompt is open (a late "allow" is stopped at once)', async () => {
    const { el, connector } = await mountWithFake();
    const log = record(el);
    let allow!: () => void;
    const mic = watchMicrophone(new Promise((resolve) => (allow = resolve)));
    el.call();
    await until(() => connector.connects === 1);
    el.hangup();
    await until(() => el.state === 'idle', 5000);
    allow();
    await until(() => mic.tracks.length > 0);
    await until(() => mic.tracks.every((t) => t.readyState === 'ended'));
    expect(connector.last.calledUri, 'no INVITE').to.equal(undefined);
    mic.restore();
    await endedCleanly(el, connector, log);
  });

  it('while the gateway session is created and the handle attached', async () => {
    const { el, connector } = await mountWithFake();
    const log = record(el);
    let open!: () => void;
    connector.gate = new Promise((resolve) => (open = resolve));
    el.call();
    await until(() => connector.connects === 1);
    el.hangup();
    open();
    await until(() => el.state === 'idle', 5000);
    expect(connector.last.calledUri, 'no INVITE').to.equal(undefined);
    expect(connector.last.hangups, 'nothing to hang up').to.equal(0);
    connector.gate = undefined;
    await endedCleanly(el, connector, log);
  });

  for (const [when, play] of [
    ['after the INVITE, before any 1xx', () => undefined],
    ['while ringing', (c: FakeConnector) => c.last.emit({ type: 'ringing', sipCode: 180 })],
    [
      'in early media',
      (c: FakeConnector) => c.last.emit({ type: 'ringing', sipCode: 183, earlyMedia: true }),
    ],
  ] as const) {
    it(`${when}: a CANCEL (hangup) is sent`, async () => {
      const { el, connector } = await mountWithFake();
      const log = record(el);
      el.call();
      await until(() => el.state === 'calling');
      play(connector);
      el.hangup();
      await until(() => el.state === 'idle', 5000);
      expect(connector.last.hangups).to.equal(1);
      await endedCleanly(el, connector, log);
    });
  }
});

describe('a double-click', () => {
  it('places one call: a second click within 500 ms is ignored; a later one hangs up', async () => {
    const { el, connector } = await mountWithFake();
    const log = record(el);
    const button = el.shadowRoot!.querySelector('button')!;
    button.click();
    await new Promise((r) => setTimeout(r, 30));
    button.click();
    await until(() => el.state === 'calling');
    await new Promise((r) => setTimeout(r, 100));
    expect(connector.connects).to.equal(1);
    expect(log.count('voip-ended')).to.equal(0);
    await new Promise((r) => setTimeout(r, 450));
    button.click();
    await until(() => el.state === 'idle', 5000);
    expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('cancelled');
    expect(log.count('voip-ended')).to.equal(1);
  });
});
