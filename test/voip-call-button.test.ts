import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../src/voip-call-button.js';
import type { VoipCallButton } from '../src/voip-call-button.js';
import { VoipError } from '../src/errors.js';
import { loadTranslation, registerTranslation } from '../src/i18n/index.js';
import type { VoipEndedDetail, VoipErrorDetail, VoipStateChangeDetail } from '../src/events.js';
import {
  answeredCall,
  hangUp,
  mountWithFake,
  record,
  until,
  statusText,
} from './support/fake-connector.js';

async function mount(attrs = '') {
  const { el, connector } = await mountWithFake({ 'display-name': 'Eve "the" visitor' });
  if (attrs) for (const [k, v] of new URLSearchParams(attrs)) el.setAttribute(k, v);
  await el.updateComplete;
  return { el, connector, log: record(el) };
}

function button(el: VoipCallButton): HTMLButtonElement {
  return el.shadowRoot!.querySelector('button')!;
}

/** Waits out the 500 ms in which a second click is taken for the rest of a double-click. */
function afterDoubleClickWindow(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 550));
}

describe('<voip-call-button>', () => {
  describe('loading', () => {
    it('fetches the call code only when the visitor points at the button (no gateway traffic)', async () => {
      const loaded = () =>
        performance.getEntriesByType('resource').some((e) => e.name.includes('/src/call/index.'));
      // First in this file: nothing has placed a call yet.
      const { el, connector } = await mount();
      await new Promise((r) => setTimeout(r, 50));
      expect(loaded(), 'not loaded before any intent').to.equal(false);
      button(el).dispatchEvent(new PointerEvent('pointerenter'));
      await until(loaded);
      expect(connector.connects).to.equal(0);
      expect(el.state).to.equal('idle');
    });
  });

  describe('rendering', () => {
    it('renders an accessible native button labelled "Call us" and an empty live status', async () => {
      const { el } = await mount();
      const b = button(el);
      expect(b.type).to.equal('button');
      expect(b.textContent!.trim()).to.equal('Call us');
      expect(el.getAttribute('state')).to.equal('idle');
      const status = el.shadowRoot!.querySelector('[part="status"]')!;
      expect(status.getAttribute('role')).to.equal('status');
      expect(statusText(el)).to.equal('');
      await expect(el).to.be.accessible();
    });

    it('uses the text content as the label', async () => {
      const el = await fixture<VoipCallButton>(
        html`<voip-call-button>Talk to sales</voip-call-button>`,
      );
      const slot = el.shadowRoot!.querySelector('slot')!;
      expect(
        slot
          .assignedNodes()
          .map((n) => n.textContent)
          .join(''),
      ).to.equal('Talk to sales');
      await expect(el).to.be.accessible();
    });

    it('speaks Indonesian when lang="id"', async () => {
      const el = await fixture<VoipCallButton>(
        html`<voip-call-button lang="id"></voip-call-button>`,
      );
      await until(() => button(el).textContent!.includes('Hubungi kami'));
    });

    it('takes its language from the nearest ancestor with lang', async () => {
      const section = await fixture<HTMLElement>(
        html`<section lang="id-ID"><voip-call-button></voip-call-button></section>`,
      );
      const el = section.querySelector('voip-call-button')!;
      await until(() => button(el).textContent!.includes('Hubungi kami'));
    });

    it("follows a change of an ancestor's lang and dir after the first render, in a call too", async () => {
      const { el, connector } = await mountWithFake({}, { lang: 'en' });
      const section = el.parentElement!;
      expect(button(el).textContent!.trim()).to.equal('Call us');
      section.lang = 'id';
      await until(() => button(el).textContent!.trim() === 'Hubungi kami');
      await answeredCall(el, connector);
      const panel = el.shadowRoot!.querySelector('voip-call-panel')!;
      const mute = () => panel.shadowRoot?.querySelector('[part~="mute"]')?.textContent?.trim();
      await until(() => !!mute());
      const indonesian = mute();
      section.setAttribute('lang', 'de');
      await until(() => button(el).textContent!.trim() === 'Auflegen');
      await until(() => mute() !== indonesian && mute() === 'Stumm');
      // The direction follows the page's too (CSS inherits it).
      expect(getComputedStyle(panel).direction).to.equal('ltr');
      section.dir = 'rtl';
      expect(getComputedStyle(panel).direction).to.equal('rtl');
      expect(getComputedStyle(el.shadowRoot!.querySelector('[part="base"]')!).direction).to.equal(
        'rtl',
      );
      await hangUp(el);
    });

    it('registerTranslation re-renders the elements already on the page', async () => {
      const el = await fixture<VoipCallButton>(
        html`<voip-call-button lang="x-later"></voip-call-button>`,
      );
      // Its language's load (none built in) has settled and rendered: nothing else re-renders.
      await loadTranslation('x-later');
      await el.updateComplete;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(button(el).textContent!.trim()).to.equal('Call us');
      registerTranslation('x-later', { label: 'Appelez-nous plus tard' });
      await until(() => button(el).textContent!.trim() === 'Appelez-nous plus tard');
    });

    it('renders a SIP-ish label as text, not markup', async () => {
      const el = await fixture<VoipCallButton>(
        html`<voip-call-button>${'<img src=x onerror=alert(1)>'}</voip-call-button>`,
      );
      expect(el.querySelector('img')).to.equal(null);
      expect(el.textContent).to.contain('<img');
    });

    it('says what a click will do during a call, and is accessible then too', async () => {
      const { el, connector } = await mount();
      el.call();
      await until(() => el.state === 'calling');
      expect(button(el).textContent!.trim()).to.equal('Cancel call');
      expect(statusText(el)).to.equal('Calling…');
      connector.last.emit({ type: 'accepted' });
      await until(() => el.state === 'in-call');
      await el.updateComplete;
      expect(button(el).textContent!.trim()).to.equal('Hang up');
      expect(statusText(el)).to.equal('Connected');
      const panel = el.shadowRoot!.querySelector('voip-call-panel')!;
      await until(() => panel.shadowRoot?.querySelector('[part="timer"]') != null);
      expect(panel.shadowRoot!.querySelector('[part="timer"]')!.textContent).to.match(/^00:0\d$/);
      expect(el.getAttribute('state')).to.equal('in-call');
      await expect(el).to.be.accessible();
      el.hangup();
      await until(() => el.state === 'idle');
    });
  });

  describe('a call', () => {
    it('ringTimeout and maxDuration as properties, set right before call(), apply to that call', async () => {
      const { el, connector, log } = await mount();
      el.ringTimeout = 0.3;
      el.call();
      await until(() => el.state === 'calling');
      expect(el.getAttribute('ring-timeout'), 'reflected').to.equal('0.3');
      connector.last.emit({ type: 'ringing', sipCode: 180 });
      await until(() => log.count('voip-ended') === 1);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('no-answer');
      await until(() => el.state === 'idle');
      el.ringTimeout = undefined;
      el.maxDuration = 0.3;
      el.permissionTimeout = 5;
      await answeredCall(el, connector);
      await until(() => log.count('voip-ended') === 2);
      const ended = log.events.filter((e) => e.type === 'voip-ended').at(-1)!
        .detail as VoipEndedDetail;
      expect(ended.reason).to.equal('max-duration');
      expect(el.hasAttribute('ring-timeout')).to.equal(false);
      expect(el.getAttribute('permission-timeout')).to.equal('5');
    });

    it('goes idle → connecting → calling → ringing → in-call → ending → idle with the right events once', async () => {
      const { el, connector, log } = await mount();
      await answeredCall(el, connector);
      expect(connector.last.calledUri).to.equal('sip:2000@127.0.0.1:5060');
      expect(connector.last.options.displayName).to.equal('Eve the visitor');
      expect(connector.last.options.servers).to.deep.equal(['ws://127.0.0.1:8188/']);
      expect(connector.last.options.iceServers).to.deep.equal([]);
      const mic = el.localStream!;
      expect(mic.getAudioTracks()[0]!.readyState).to.equal('live');

      await new Promise((r) => setTimeout(r, 30));
      const ended = oneEvent(el, 'voip-ended');
      el.hangup();
      const { detail } = (await ended) as CustomEvent<VoipEndedDetail>;

      expect(log.states()).to.deep.equal([
        'connecting',
        'calling',
        'ringing',
        'in-call',
        'ending',
        'idle',
      ]);
      expect(log.count('voip-connected')).to.equal(1);
      expect(log.count('voip-ended')).to.equal(1);
      expect(log.count('voip-error')).to.equal(0);
      expect(detail.reason).to.equal('local-hangup');
      expect(detail.durationMs).to.be.greaterThan(20);
      expect(connector.last.hangups).to.equal(1);
      expect(connector.last.closes).to.equal(1);
      expect(mic.getAudioTracks()[0]!.readyState).to.equal('ended');
      expect(el.localStream).to.equal(null);
      expect(el.state).to.equal('idle');
      expect(el.getAttribute('state')).to.equal('idle');
      await el.updateComplete;
      expect(statusText(el)).to.equal('Call ended.');
    });

    it('passes the ICE servers set by the page to the gateway session', async () => {
      const { el, connector } = await mount();
      el.iceServers = [{ urls: 'turn:turn.example.com:3478', username: 'u', credential: 'c' }];
      el.call();
      await until(() => connector.sessions.length === 1);
      expect(connector.last.options.iceServers).to.deep.equal(el.iceServers);
      el.hangup();
      await until(() => el.state === 'idle');
    });

    it('state-change events carry the previous state', async () => {
      const { el, connector, log } = await mount();
      await answeredCall(el, connector);
      el.hangup();
      await until(() => el.state === 'idle');
      const changes = log.events
        .filter((e) => e.type === 'voip-state-change')
        .map((e) => e.detail as VoipStateChangeDetail);
      for (let i = 1; i < changes.length; i++)
        expect(changes[i]!.previous).to.equal(changes[i - 1]!.state);
      expect(changes[0]!.previous).to.equal('idle');
    });

    it('maps a busy line to voip-ended "busy" with the SIP code', async () => {
      const { el, connector, log } = await mount();
      el.call();
      await until(() => el.state === 'calling');
      connector.last.emit({ type: 'hangup', sipCode: 486, reason: 'Busy Here' });
      await until(() => log.count('voip-ended') === 1);
      expect(log.detail<VoipEndedDetail>('voip-ended')).to.deep.equal({
        reason: 'busy',
        sipCode: 486,
        durationMs: 0,
        messages: 0,
      });
      await el.updateComplete;
      expect(statusText(el)).to.equal('The line is busy. Please try again later.');
      expect(connector.last.hangups).to.equal(0);
      expect(connector.last.closes).to.equal(1);
    });

    for (const [code, reason] of [
      [404, 'not-found'],
      [603, 'declined'],
      [480, 'unavailable'],
      [408, 'no-answer'],
      [503, 'service-unavailable'],
      [500, 'service-unavailable'],
      [904, 'failed'],
    ] as const) {
      it(`maps SIP ${code} before the answer to "${reason}"`, async () => {
        const { el, connector, log } = await mount();
        el.call();
        await until(() => el.state === 'calling');
        connector.last.emit({ type: 'hangup', sipCode: code });
        await until(() => log.count('voip-ended') === 1);
        expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal(reason);
        expect(log.detail<VoipEndedDetail>('voip-ended').sipCode).to.equal(code);
      });
    }

    it('ends with remote-hangup when the callee hangs up', async () => {
      const { el, connector, log } = await mount();
      await answeredCall(el, connector);
      connector.last.emit({ type: 'hangup', sipCode: 200, reason: 'BYE' });
      await until(() => log.count('voip-ended') === 1);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('remote-hangup');
      expect(connector.last.hangups).to.equal(0);
      expect(el.state).to.equal('idle');
    });

    it('cancels when hung up before the answer', async () => {
      const { el, connector, log } = await mount();
      el.call();
      await until(() => el.state === 'calling');
      connector.last.emit({ type: 'ringing' });
      await until(() => el.state === 'ringing');
      button(el).click();
      await until(() => log.count('voip-ended') === 1);
      expect(log.detail<VoipEndedDetail>('voip-ended')).to.deep.equal({
        reason: 'cancelled',
        durationMs: 0,
        messages: 0,
      });
      expect(connector.last.hangups).to.equal(1);
    });

    it('cancels while still connecting, and closes the session that arrives late', async () => {
      const { el, connector, log } = await mount();
      let open!: () => void;
      connector.gate = new Promise((resolve) => (open = resolve));
      el.call();
      await until(() => connector.connects === 1);
      el.hangup();
      expect(el.state).to.equal('ending');
      open();
      await until(() => log.count('voip-ended') === 1);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('cancelled');
      expect(connector.last.calledUri).to.equal(undefined);
      expect(connector.last.closes).to.equal(1);
    });

    it('ends with connection-lost when the gateway connection breaks mid-call', async () => {
      const { el, connector, log } = await mount();
      await answeredCall(el, connector);
      connector.last.emit({ type: 'connection-lost' });
      await until(() => log.count('voip-ended') === 1);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('connection-lost');
      expect(connector.last.closes).to.equal(1);
    });

    it('places two calls in a row on the same element', async () => {
      const { el, connector, log } = await mount();
      for (let i = 0; i < 2; i++) {
        await answeredCall(el, connector);
        el.hangup();
        await until(() => el.state === 'idle');
      }
      expect(connector.sessions).to.have.length(2);
      expect(log.count('voip-connected')).to.equal(2);
      expect(log.count('voip-ended')).to.equal(2);
    });

    it('ignores call() during a call and when disabled', async () => {
      const { el, connector } = await mount();
      await answeredCall(el, connector);
      el.call();
      expect(connector.connects).to.equal(1);
      el.hangup();
      await until(() => el.state === 'idle');
      el.disabled = true;
      await el.updateComplete;
      expect(button(el).disabled).to.equal(true);
      el.call();
      button(el).click();
      await new Promise((r) => setTimeout(r, 20));
      expect(connector.connects).to.equal(1);
    });

    it('is operable from the keyboard: Tab to it, Enter calls, Space hangs up', async () => {
      const { el, connector, log } = await mount();
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement).to.equal(button(el));
      await sendKeys({ press: 'Enter' });
      await until(() => el.state === 'calling');
      connector.last.emit({ type: 'accepted' });
      await until(() => el.state === 'in-call');
      await afterDoubleClickWindow();
      await sendKeys({ press: ' ' }); // Space (Firefox's driver knows it only by its key value)
      await until(() => log.count('voip-ended') === 1);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('local-hangup');
    });

    it('a click on the idle button calls, a click during the call hangs up', async () => {
      const { el, connector, log } = await mount();
      button(el).click();
      await until(() => el.state === 'calling');
      connector.last.emit({ type: 'accepted' });
      await until(() => el.state === 'in-call');
      await afterDoubleClickWindow();
      button(el).click();
      await until(() => log.count('voip-ended') === 1);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('local-hangup');
    });
  });

  describe('errors', () => {
    for (const [attr, value, code] of [
      ['number', 'sip:2000@evil.example', 'invalid-number'],
      ['number', '2000;transport=tcp', 'invalid-number'],
      ['number', '', 'invalid-number'],
      ['sip-domain', 'evil.example;x=y', 'invalid-config'],
      ['server', 'janus.example.com', 'invalid-config'],
    ] as const) {
      it(`${attr}=${JSON.stringify(value)} → voip-error ${code}, no connection, idle again`, async () => {
        const { el, connector, log } = await mount();
        el.setAttribute(attr, value);
        await el.updateComplete;
        const error = oneEvent(el, 'voip-error');
        el.call();
        const { detail } = (await error) as CustomEvent<VoipErrorDetail>;
        expect(detail.code).to.equal(code);
        expect(detail.message).to.match(/\w/);
        expect(connector.connects).to.equal(0);
        // Checked by the call chunk once the call started (as a bad context is).
        expect(log.states()).to.deep.equal(['connecting', 'ending', 'idle']);
        expect(log.count('voip-ended')).to.equal(0);
        expect(el.state).to.equal('idle');
        await el.updateComplete;
        expect(statusText(el)).to.equal(detail.message);
      });
    }

    for (const name of ['secret', 'password', 'sip-password', 'ha1']) {
      it(`refuses to call with a "${name}" attribute, without echoing its value`, async () => {
        const { el, connector, log } = await mount();
        el.setAttribute(name, 'hunter2-value');
        const warnings: string[] = [];
        const warn = console.warn;
        console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
        try {
          const error = oneEvent(el, 'voip-error');
          el.call();
          await error;
        } finally {
          console.warn = warn;
        }
        expect(log.detail<VoipErrorDetail>('voip-error').code).to.equal('invalid-config');
        expect(log.count('voip-error')).to.equal(1);
        expect(connector.connects).to.equal(0);
        expect(warnings.join('\n')).to.contain(name);
        expect(warnings.join('\n')).to.not.contain('hunter2');
      });
    }

    it('a SIP reason phrase with HTML never reaches the page: the status comes from the table', async () => {
      const { el, connector, log } = await mount();
      el.call();
      await until(() => el.state === 'calling');
      connector.last.emit({
        type: 'hangup',
        sipCode: 486,
        reason: '<img src=x onerror=alert(1)>Busy',
      });
      await until(() => log.count('voip-ended') === 1);
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('img')).to.equal(null);
      expect(statusText(el)).to.equal('The line is busy. Please try again later.');
    });

    it('server unreachable → one voip-error, microphone released, back to idle', async () => {
      const { el, connector, log } = await mount();
      connector.connectError = new VoipError('server-unreachable', 'refused');
      const streams: MediaStream[] = [];
      const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (c) => {
        const s = await gum(c);
        streams.push(s);
        return s;
      };
      try {
        el.call();
        await until(() => log.count('voip-error') === 1);
      } finally {
        navigator.mediaDevices.getUserMedia = gum;
      }
      expect(log.detail<VoipErrorDetail>('voip-error').code).to.equal('server-unreachable');
      expect(log.detail<VoipErrorDetail>('voip-error').message).to.contain(
        'Cannot reach the call service',
      );
      expect(log.states()).to.deep.equal(['connecting', 'ending', 'idle']);
      expect(log.count('voip-ended')).to.equal(0);
      expect(streams).to.have.length(1);
      expect(streams[0]!.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
    });

    for (const [name, code] of [
      ['NotAllowedError', 'mic-denied'],
      ['NotFoundError', 'no-microphone'],
      ['NotReadableError', 'mic-unavailable'],
    ] as const) {
      it(`getUserMedia ${name} → voip-error ${code}, no INVITE, session closed`, async () => {
        const { el, connector, log } = await mount('lang=id');
        const gum = navigator.mediaDevices.getUserMedia;
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('no', name));
        try {
          el.call();
          await until(() => log.count('voip-error') === 1);
        } finally {
          navigator.mediaDevices.getUserMedia = gum;
        }
        expect(log.detail<VoipErrorDetail>('voip-error').code).to.equal(code);
        expect(connector.last.calledUri).to.equal(undefined);
        expect(connector.last.closes).to.equal(1);
        expect(el.state).to.equal('idle');
      });
    }

    it('localizes the error message (Indonesian)', async () => {
      const { el, log } = await mount('lang=id&number=abc');
      // Indonesian loads on demand; the element asked for it when it rendered.
      await loadTranslation('id');
      const error = oneEvent(el, 'voip-error');
      el.call();
      await error;
      expect(log.count('voip-error')).to.equal(1);
      const { message } = log.detail<VoipErrorDetail>('voip-error');
      expect(message).to.equal('Tombol panggilan ini memiliki nomor yang tidak valid.');
      await el.updateComplete;
      expect(statusText(el)).to.equal(message);
    });

    it('a failed call request before the INVITE → voip-error "failed"', async () => {
      const { el, connector, log } = await mount();
      connector.callError = new VoipError('failed', 'createOffer failed');
      el.call();
      await until(() => log.count('voip-error') === 1);
      expect(log.detail<VoipErrorDetail>('voip-error').code).to.equal('failed');
      expect(log.count('voip-ended')).to.equal(0);
      expect(connector.last.closes).to.equal(1);
    });
  });

  describe('cleanup', () => {
    it('hangs up and releases everything when removed mid-call', async () => {
      const { el, connector, log } = await mount();
      await answeredCall(el, connector);
      const mic = el.localStream!;
      el.remove();
      await until(() => log.count('voip-ended') === 1);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('local-hangup');
      expect(connector.last.hangups).to.equal(1);
      expect(connector.last.closes).to.equal(1);
      expect(mic.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
    });

    it('keeps the call when the element is only moved', async () => {
      const { el, connector, log } = await mount();
      await answeredCall(el, connector);
      const parent = el.parentElement!;
      const box = document.createElement('div');
      parent.append(box);
      box.append(el);
      await new Promise((r) => setTimeout(r, 50));
      expect(el.state).to.equal('in-call');
      expect(log.count('voip-ended')).to.equal(0);
      el.hangup();
      await until(() => el.state === 'idle');
    });
  });
});
