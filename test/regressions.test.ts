/**
 * Regressions: four bugs found while covering the untested surface (issue 10), each seen failing
 * before its fix: an attribute the page removes (`null`) broke the panel and the ringback; a
 * refused microphone switch left the new microphone open; a Janus session closed while its offer
 * was made left a wait that rejected, unhandled, 10 s later.
 */
import { expect } from '@open-wc/testing';
import '../src/voip-call-button.js';
import type { VoipCallPanel } from '../src/panel/call-panel.js';
import { VoipError } from '../src/errors.js';
import { createJanusConnector } from '../src/janus/connector.js';
import { createFakeJanus } from './support/fake-janus.js';
import { answeredCall, mountWithFake, until } from './support/fake-connector.js';

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
    expect(parts).to.deep.equal(['mute', 'hold', 'keypad-toggle', 'settings-toggle']);
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

  it('a microphone switch the gateway refuses stops the microphone it opened', async () => {
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
  });

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
});
