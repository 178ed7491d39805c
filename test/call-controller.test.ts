/**
 * Why a call cannot start (src/call-controller.ts): a browser without WebRTC or a microphone API
 * (`unsupported-browser`, found before anything is downloaded), and a gateway that refuses
 * (`server-error`, `unauthorized`). Each gives one `voip-error` with the message in the
 * element's language, no `voip-ended`, and leaves the element idle. `load-failed` is in
 * call-chunk-load.test.ts (it breaks the page's call chunk for good).
 */
import { expect } from '@open-wc/testing';
import '../src/voip-call-button.js';
import type { VoipCallButton } from '../src/voip-call-button.js';
import { VoipError } from '../src/errors.js';
import { loadTranslation } from '../src/i18n/index.js';
import type { VoipErrorDetail } from '../src/events.js';
import { mountWithFake, record, until } from './support/fake-connector.js';

function statusOf(el: VoipCallButton): HTMLElement {
  return el.shadowRoot!.querySelector<HTMLElement>('[part="status"]')!;
}

/**
 * Makes `target[name]` undefined, as in a browser without it, until the returned function puts
 * back what was there (an own property, or none: then the prototype's shows again).
 */
function remove(target: object, name: string): () => void {
  const own = Object.getOwnPropertyDescriptor(target, name);
  Object.defineProperty(target, name, { value: undefined, configurable: true, writable: true });
  return () => {
    if (own) Object.defineProperty(target, name, own);
    else Reflect.deleteProperty(target, name);
  };
}

/** Wraps getUserMedia to keep every stream it opens, until `restore()`. */
function watchMicrophone() {
  const streams: MediaStream[] = [];
  const own = Object.getOwnPropertyDescriptor(navigator.mediaDevices, 'getUserMedia');
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await gum(constraints);
    streams.push(stream);
    return stream;
  };
  return {
    streams,
    restore: () => {
      if (own) Object.defineProperty(navigator.mediaDevices, 'getUserMedia', own);
      else Reflect.deleteProperty(navigator.mediaDevices, 'getUserMedia');
    },
  };
}

describe('call-controller: calls that cannot start', () => {
  const restores: Array<() => void> = [];
  afterEach(() => {
    for (const restore of restores.splice(0).reverse()) restore();
  });

  describe('unsupported-browser', () => {
    for (const [what, hide] of [
      ['RTCPeerConnection', () => remove(window, 'RTCPeerConnection')],
      ['navigator.mediaDevices', () => remove(navigator, 'mediaDevices')],
      ['navigator.mediaDevices.getUserMedia', () => remove(navigator.mediaDevices, 'getUserMedia')],
    ] as const) {
      it(`without ${what}: one voip-error, no state change, nothing contacted; a later call works once it is back`, async () => {
        const { el, connector } = await mountWithFake();
        const log = record(el);
        const restore = hide();
        restores.push(restore);
        el.call();
        expect(log.events.map((e) => e.type)).to.deep.equal(['voip-error']);
        expect(log.detail<VoipErrorDetail>('voip-error')).to.deep.equal({
          code: 'unsupported-browser',
          message: 'This browser cannot make calls. Try a current Chrome, Firefox, Safari or Edge.',
        });
        expect(el.state).to.equal('idle');
        expect(connector.connects).to.equal(0);
        await el.updateComplete;
        expect(statusOf(el).textContent!.trim()).to.equal(
          'This browser cannot make calls. Try a current Chrome, Firefox, Safari or Edge.',
        );
        expect(statusOf(el).dataset['outcome']).to.equal('error');

        // The check is made at each call, not once per page.
        restore();
        el.call();
        await until(() => el.state === 'calling');
        expect(log.count('voip-error')).to.equal(1);
        el.hangup();
        await until(() => el.state === 'idle');
      });
    }
  });

  describe('a gateway that refuses', () => {
    for (const [code, message] of [
      ['server-error', 'The call service refused the call. Please try again later.'],
      ['unauthorized', 'The call service did not accept this page. Reload the page and try again.'],
    ] as const) {
      it(`connect() rejecting with ${code} → one voip-error ${code}, microphone released, back to idle`, async () => {
        const { el, connector } = await mountWithFake();
        const log = record(el);
        const mic = watchMicrophone();
        restores.push(mic.restore);
        connector.connectError = new VoipError(code, 'SIP plugin error 446: refused');
        el.call();
        await until(() => el.state === 'idle' && log.count('voip-error') === 1);
        expect(log.detail<VoipErrorDetail>('voip-error')).to.deep.equal({ code, message });
        expect(log.states()).to.deep.equal(['connecting', 'ending', 'idle']);
        expect(log.count('voip-ended')).to.equal(0);
        expect(log.count('voip-connected')).to.equal(0);
        expect(connector.sessions).to.have.length(0);
        expect(mic.streams).to.have.length(1);
        expect(mic.streams[0]!.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
        expect(el.localStream === null, 'no microphone stream').to.equal(true);
        await el.updateComplete;
        expect(statusOf(el).textContent!.trim()).to.equal(message);
      });
    }

    it('server-error in Indonesian with lang="id"', async () => {
      const { el, connector } = await mountWithFake({ lang: 'id' });
      await loadTranslation('id');
      const log = record(el);
      connector.connectError = new VoipError('server-error', 'registration failed: 403');
      el.call();
      await until(() => el.state === 'idle' && log.count('voip-error') === 1);
      expect(log.detail<VoipErrorDetail>('voip-error')).to.deep.equal({
        code: 'server-error',
        message: 'Layanan panggilan menolak panggilan. Silakan coba lagi nanti.',
      });
      await el.updateComplete;
      expect(statusOf(el).textContent!.trim()).to.equal(
        'Layanan panggilan menolak panggilan. Silakan coba lagi nanti.',
      );
    });

    it('the INVITE request refused before "calling" (server-error from call()) → voip-error server-error, session closed', async () => {
      const { el, connector } = await mountWithFake();
      const log = record(el);
      connector.callError = new VoipError('server-error', 'SIP plugin error 444: bad URI');
      el.call();
      await until(() => el.state === 'idle' && log.count('voip-error') === 1);
      expect(log.detail<VoipErrorDetail>('voip-error').code).to.equal('server-error');
      expect(log.states()).to.deep.equal(['connecting', 'ending', 'idle']);
      expect(log.count('voip-ended')).to.equal(0);
      expect(connector.last.calledUri).to.equal('sip:2000@127.0.0.1:5060');
      expect(connector.last.hangups).to.equal(0);
      expect(connector.last.closes).to.equal(1);
    });

    it('the next call after a refusal connects', async () => {
      const { el, connector } = await mountWithFake();
      const log = record(el);
      connector.connectError = new VoipError('server-error', 'refused');
      el.call();
      await until(() => el.state === 'idle' && log.count('voip-error') === 1);
      connector.connectError = undefined;
      el.call();
      await until(() => el.state === 'calling');
      await el.updateComplete;
      expect(statusOf(el).textContent!.trim()).to.equal('Calling…');
      el.hangup();
      await until(() => el.state === 'idle');
      expect(log.count('voip-error')).to.equal(1);
      expect(log.count('voip-ended')).to.equal(1);
    });
  });
});
