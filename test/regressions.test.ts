/**
 * Regressions (issue 10), each seen failing before its fix. Found while covering the untested
 * surface: an attribute the page removes (`null`) broke the panel and the ringback; a refused
 * microphone switch left the new microphone open; a Janus session closed while its offer was
 * made left a wait that rejected, unhandled, 10 s later. Found by a review of the restructured
 * call: the panel showed no controls while the microphone prompt was open; a session Janus
 * created after the page gave up stayed alive; a limit beyond setTimeout's range ended the call
 * at once; a hang-up from a `voip-state-change` listener left the ringback playing; an action
 * cut short by the end of the call fired a `voip-error`.
 */
import { expect } from '@open-wc/testing';
import '../src/voip-call-button.js';
import type { VoipCallPanel } from '../src/panel/call-panel.js';
import { VoipError } from '../src/errors.js';
import { createJanusConnector } from '../src/janus/connector.js';
import { createFakeJanus } from './support/fake-janus.js';
import { answeredCall, mountWithFake, record, until } from './support/fake-connector.js';
import { chromiumOnly } from './support/browsers.js';

describe('regressions', () => {
  it('removing the controls attribute mid-call shows every control again', async () => {
    const { el, connector } = await mountWithFake({ controls: 'mute' });
    await answeredCall(el, connector);
    const panel = el.shadowRoot!.querySelector<VoipCallPanel>('voip-call-panel')!;
    el.removeAttribute('controls');
    await el.updateComplete;
    await panel.updateComplete.catch(() => undefined);
    const parts = [...panel.shadowRoot!.querySelectorAll('[part~="panel-button"]')].map((b) =>
      b.getAttribute('part')!.replace('panel-button ', ''),
    );
    expect(parts).to.deep.equal([
      'mute',
      'hold',
      'keypad-toggle',
      'text-toggle',
      'settings-toggle',
    ]);
  });

  it('removing the ringback attribute before a call falls back to the language preset', async () => {
    const { el, connector } = await mountWithFake({ ringback: 'uk' });
    el.removeAttribute('ringback');
    el.call();
    await until(() => el.state === 'calling');
    expect(() => connector.last.emit({ type: 'ringing', sipCode: 180 })).to.not.throw();
    el.hangup();
    await until(() => el.state === 'idle');
  });

  chromiumOnly("needs two microphones: Chromium's fake devices offer two, Firefox's one")(
    'a microphone switch the gateway refuses stops the microphone it opened',
    async () => {
      const { el, connector } = await mountWithFake();
      await answeredCall(el, connector);
      const opened: MediaStream[] = [];
      const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (c) => {
        const s = await gum(c);
        opened.push(s);
        return s;
      };
      try {
        connector.last.replaceAudioTrack = () =>
          Promise.reject(new VoipError('failed', 'replaceTracks: no sender'));
        const panel = el.shadowRoot!.querySelector<VoipCallPanel>('voip-call-panel')!;
        await panel.call!.useMicrophone('default');
      } finally {
        navigator.mediaDevices.getUserMedia = gum;
      }
      expect(opened).to.have.length(1);
      el.hangup();
      await until(() => el.state === 'idle');
      expect(opened[0]!.getAudioTracks()[0]!.readyState).to.equal('ended');
    },
  );

  it('closing a Janus session during its offer leaves no unhandled rejection', async function () {
    this.timeout(15000);
    const { lib } = createFakeJanus();
    const session = await createJanusConnector(lib, {}).connect({
      servers: ['ws://127.0.0.1:8188/'],
      sipDomain: '127.0.0.1',
      iceServers: [],
      signal: new AbortController().signal,
      onEvent: () => undefined,
    });
    const unhandled: string[] = [];
    const listener = (e: PromiseRejectionEvent) => {
      unhandled.push(String(e.reason));
      e.preventDefault();
    };
    addEventListener('unhandledrejection', listener);
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    try {
      const placing = session.call('sip:2000@127.0.0.1', stream).catch(() => undefined);
      await session.close(); // the visitor hung up while the offer was being made
      await placing;
      await new Promise((r) => setTimeout(r, 10_500));
    } finally {
      removeEventListener('unhandledrejection', listener);
      for (const t of stream.getTracks()) t.stop();
    }
    expect(unhandled).to.deep.equal([]);
  });

  it('the panel shows mute while the microphone prompt is still open', async () => {
    const { el } = await mountWithFake();
    const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    let allow!: () => void;
    const prompt = new Promise<void>((resolve) => (allow = resolve));
    navigator.mediaDevices.getUserMedia = async (c) => {
      await prompt;
      return gum(c);
    };
    try {
      el.call();
      const mute = () =>
        el.shadowRoot
          ?.querySelector('voip-call-panel')
          ?.shadowRoot?.querySelector('[part~="mute"]') ?? null;
      await until(() => mute() !== null);
      expect(el.state).to.equal('connecting');
      expect(el.localStream, 'the prompt is still open').to.equal(null);
    } finally {
      navigator.mediaDevices.getUserMedia = gum;
      allow();
    }
    el.hangup();
    await until(() => el.state === 'idle');
  });

  it('a session Janus creates after the page gave up is destroyed', async () => {
    const { lib, fake } = createFakeJanus({ connect: 'hang' });
    const abort = new AbortController();
    const connecting = createJanusConnector(lib, {}).connect({
      servers: ['ws://127.0.0.1:8188/'],
      sipDomain: '127.0.0.1',
      iceServers: [],
      signal: abort.signal,
      onEvent: () => undefined,
    });
    await until(() => fake.made.length === 1);
    abort.abort();
    let failed = false;
    await connecting.catch(() => (failed = true));
    expect(failed).to.equal(true);
    const before = fake.last.destroys.length;
    // Janus answers the create request after all.
    (fake.last.options.success as () => void)();
    expect(fake.last.destroys.length, 'destroyed once created').to.equal(before + 1);
  });

  it("a max-duration beyond setTimeout's range does not end the call at once", async () => {
    const { el, connector } = await mountWithFake({ 'max-duration': '3000000' }); // 34.7 days
    const log = record(el);
    await answeredCall(el, connector);
    await new Promise((r) => setTimeout(r, 100));
    expect(el.state).to.equal('in-call');
    expect(log.count('voip-ended')).to.equal(0);
    el.hangup();
    await until(() => el.state === 'idle');
  });

  it('a hang-up from a voip-state-change listener leaves no ringback playing', async () => {
    let started = 0;
    let stopped = 0;
    const proto = OscillatorNode.prototype;
    const { start, stop } = proto;
    proto.start = function (...args) {
      started += 1;
      return start.apply(this, args);
    };
    proto.stop = function (...args) {
      stopped += 1;
      return stop.apply(this, args);
    };
    try {
      const { el, connector } = await mountWithFake({ ringback: 'eu' });
      el.addEventListener('voip-state-change', (e) => {
        if (e.detail.state === 'ringing') el.hangup();
      });
      el.call();
      await until(() => el.state === 'calling');
      connector.last.emit({ type: 'ringing', sipCode: 180 });
      await until(() => el.state === 'idle');
      expect(started - stopped, 'oscillators still playing').to.equal(0);
    } finally {
      Object.assign(proto, { start, stop });
    }
  });

  it('an action cut short by the end of the call fires no voip-error', async () => {
    const { el, connector } = await mountWithFake();
    const log = record(el);
    await answeredCall(el, connector);
    let refuse!: (e: Error) => void;
    connector.last.hold = () => new Promise((_, reject) => (refuse = reject));
    const holding = el.hold(true);
    connector.last.emit({ type: 'hangup', sipCode: 200, reason: 'BYE' });
    refuse(new VoipError('failed', 'session closed'));
    await holding;
    await until(() => el.state === 'idle');
    expect(log.count('voip-error')).to.equal(0);
    expect(log.count('voip-ended')).to.equal(1);
  });
});
