import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/voip-call-button.js';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import type { VoipCallPanel } from '../../src/panel/call-panel.js';
import { resolveRingback, ringbackForLanguage } from '../../src/media/ringback.js';
import { mountWithFake, until } from '../support/fake-connector.js';

interface Logged {
  type: string;
  detail: Record<string, unknown>;
}

async function inCall(attrs: Record<string, string> = {}) {
  const { el, connector } = await mountWithFake(attrs);
  const log: Logged[] = [];
  for (const type of ['voip-mute', 'voip-hold', 'voip-dtmf', 'voip-error', 'voip-ended']) {
    el.addEventListener(type, (e) =>
      log.push({ type, detail: (e as CustomEvent).detail as Record<string, unknown> }),
    );
  }
  el.call();
  await until(() => el.state === 'calling');
  return {
    el,
    connector,
    log,
    answer: async () => {
      connector.last.emit({ type: 'accepted' });
      await until(() => el.state === 'in-call');
      await el.updateComplete;
    },
    panel: () => el.shadowRoot!.querySelector<VoipCallPanel>('voip-call-panel')!,
    part: (name: string) =>
      el
        .shadowRoot!.querySelector<VoipCallPanel>('voip-call-panel')!
        .shadowRoot!.querySelector<HTMLButtonElement>(`[part~="${name}"]`),
    errors: () => log.filter((e) => e.type === 'voip-error').map((e) => e.detail['code']),
  };
}

async function done(el: VoipCallButton) {
  el.hangup();
  await until(() => el.state === 'idle');
}

describe('in-call controls', () => {
  it('mute disables the microphone track (also before the answer) and unmute enables it', async () => {
    const { el, log, answer, part } = await inCall();
    await until(() => el.localStream !== null);
    el.mute(true);
    const track = el.localStream!.getAudioTracks()[0]!;
    expect(track.enabled).to.equal(false);
    expect(el.muted).to.equal(true);
    await answer();
    await until(() => part('mute')?.getAttribute('aria-pressed') === 'true');
    part('mute')!.click();
    expect(track.enabled).to.equal(true);
    expect(el.muted).to.equal(false);
    expect(track.readyState).to.equal('live');
    expect(log.filter((e) => e.type === 'voip-mute').map((e) => e.detail)).to.deep.equal([
      { muted: true },
      { muted: false },
    ]);
    await done(el);
  });

  it('hold re-INVITEs through the session, says "On hold", silences the microphone; resume undoes it', async () => {
    const { el, connector, log, answer, part } = await inCall();
    await answer();
    await until(() => part('hold') !== null);
    part('hold')!.click();
    await until(() => el.onHold);
    await el.updateComplete;
    expect(connector.last.holds).to.deep.equal([true]);
    expect(el.state).to.equal('in-call');
    expect(el.shadowRoot!.querySelector('[part="status"]')!.textContent!.trim()).to.equal(
      'On hold',
    );
    expect(el.localStream!.getAudioTracks()[0]!.enabled).to.equal(false);
    await until(() => part('hold')?.getAttribute('aria-pressed') === 'true');
    await el.hold(false);
    expect(connector.last.holds).to.deep.equal([true, false]);
    expect(el.localStream!.getAudioTracks()[0]!.enabled).to.equal(true);
    expect(log.filter((e) => e.type === 'voip-hold').map((e) => e.detail)).to.deep.equal([
      { onHold: true, by: 'local' },
      { onHold: false, by: 'local' },
    ]);
    await done(el);
  });

  it('refuses hold and tones before the answer (not-in-call), sending nothing', async () => {
    const { el, connector, errors } = await inCall();
    await el.hold(true);
    await el.sendDtmf('1');
    expect(errors()).to.deep.equal(['not-in-call', 'not-in-call']);
    expect(connector.last.holds).to.deep.equal([]);
    expect(connector.last.dtmf).to.deep.equal([]);
    expect(el.state).to.equal('calling');
    await done(el);
  });

  it('sends keypad tones as RFC 4733 by default, SIP INFO with dtmf-mode="info"', async () => {
    for (const [mode, expected] of [
      ['', 'rfc4733'],
      ['info', 'info'],
    ] as const) {
      const { el, connector, log, answer } = await inCall(mode ? { 'dtmf-mode': mode } : {});
      await answer();
      await el.sendDtmf('0123456789*#');
      expect(connector.last.dtmf).to.deep.equal([{ digits: '0123456789*#', mode: expected }]);
      expect(log.filter((e) => e.type === 'voip-dtmf').map((e) => e.detail)).to.deep.equal([
        { digits: '0123456789*#' },
      ]);
      await done(el);
    }
  });

  for (const digits of ['12a', '', '1 2', 'A', '１', '1'.repeat(33)]) {
    it(`refuses ${JSON.stringify(digits)} with invalid-digits and sends nothing`, async () => {
      const { el, connector, errors, answer } = await inCall();
      await answer();
      await el.sendDtmf(digits);
      expect(errors()).to.deep.equal(['invalid-digits']);
      expect(connector.last.dtmf).to.deep.equal([]);
      expect(el.state).to.equal('in-call');
      await done(el);
    });
  }

  it('the keypad sends a clicked key, and digits typed while the panel has focus', async () => {
    const { el, connector, answer, part, panel } = await inCall();
    await answer();
    await until(() => part('keypad-toggle') !== null);
    const toggle = part('keypad-toggle')!;
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    toggle.click();
    await panel().updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    const keys = [...panel().shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="key"]')];
    expect(keys.map((k) => k.textContent!.trim())).to.deep.equal(
      '1 2 3 4 5 6 7 8 9 * 0 #'.split(' '),
    );
    keys[4]!.click();
    toggle.focus();
    await sendKeys({ type: '7#' });
    await until(() => connector.last.dtmf.length === 3);
    expect(connector.last.dtmf.map((d) => d.digits)).to.deep.equal(['5', '7', '#']);
    await expect(el).to.be.accessible();
    await done(el);
  });

  it('in a right-to-left page the keypad still reads 1-2-3 from left to right', async () => {
    const { el, answer, part, panel } = await inCall({ dir: 'rtl', lang: 'ar' });
    await answer();
    await until(() => part('keypad-toggle') !== null);
    part('keypad-toggle')!.click();
    await panel().updateComplete;
    const keys = [...panel().shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="key"]')];
    const left = (label: string) =>
      keys.find((k) => k.textContent!.trim() === label)!.getBoundingClientRect().left;
    expect(getComputedStyle(panel()).direction).to.equal('rtl');
    expect(left('1')).to.be.below(left('2'));
    expect(left('2')).to.be.below(left('3'));
    expect(left('*')).to.be.below(left('#'));
    // ... and sits at the start of the line, on the right, like the rest of the panel.
    const keypad = panel().shadowRoot!.querySelector('[part="keypad"]')!.getBoundingClientRect();
    const row = panel().getBoundingClientRect();
    expect(row.right - keypad.right).to.be.below(1);
    expect(keypad.left - row.left).to.be.above(0);
    await done(el);
  });

  it('every toggle shows an icon beside its text; the icon is hidden from assistive technology', async () => {
    const { el, answer, panel } = await inCall();
    await answer();
    await until(() => panel().shadowRoot!.querySelectorAll('[part~="panel-button"]').length >= 5);
    const toggles = [...panel().shadowRoot!.querySelectorAll('[part~="panel-button"]')].map(
      (b) => ({
        part: b.getAttribute('part'),
        icon: b.querySelector('svg[part="panel-icon"]')?.getAttribute('aria-hidden') ?? 'none',
        drawn: (b.querySelector('svg path')?.getAttribute('d') ?? '').length > 10,
        name: b.textContent!.trim(),
      }),
    );
    expect(toggles.map((t) => t.part)).to.include.members([
      'panel-button mute',
      'panel-button hold',
      'panel-button keypad-toggle',
      'panel-button text-toggle',
      'panel-button settings-toggle',
    ]);
    for (const toggle of toggles) {
      expect([toggle.part, toggle.icon, toggle.drawn]).to.deep.equal([toggle.part, 'true', true]);
      expect(toggle.name, toggle.part!).to.match(/^\w/);
    }
    await done(el);
  });

  it('controls="mute" shows only the mute toggle', async () => {
    const { el, answer, part } = await inCall({ controls: 'mute' });
    await answer();
    await until(() => part('mute') !== null);
    expect(part('hold')).to.equal(null);
    expect(part('keypad-toggle')).to.equal(null);
    await done(el);
  });

  it('a hold that fails gives action-failed, and the call goes on', async () => {
    const { el, connector, errors, answer } = await inCall();
    await answer();
    connector.last.hold = () => Promise.reject(new Error('re-INVITE timed out'));
    await el.hold(true);
    expect(errors()).to.deep.equal(['action-failed']);
    expect(el.onHold).to.equal(false);
    expect(el.state).to.equal('in-call');
    await done(el);
  });

  it('typed digits are not sent when controls hide the keypad', async () => {
    const { el, connector, answer, part } = await inCall({ controls: 'mute hold' });
    await answer();
    await until(() => part('hold') !== null);
    part('hold')!.focus();
    await sendKeys({ type: '12' });
    await new Promise((r) => setTimeout(r, 50));
    expect(connector.last.dtmf).to.deep.equal([]);
    await done(el);
  });

  it('digits typed into a field (the text message, a device choice) are not keypad tones', async () => {
    const { el, connector, answer, part, panel } = await inCall();
    await answer();
    // The Text view is open from the answer.
    await until(() => !!panel().shadowRoot!.querySelector('textarea'));
    const input = panel().shadowRoot!.querySelector('textarea')!;
    input.focus();
    await sendKeys({ type: '12' });
    expect(input.value).to.equal('12');
    // A device choice in the settings: a select, where typed keys pick an option.
    part('settings-toggle')!.click();
    await until(() => !!panel().shadowRoot!.querySelector('#settings select'));
    panel().shadowRoot!.querySelector<HTMLSelectElement>('#settings select')!.focus();
    await sendKeys({ type: '34' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(connector.last.dtmf).to.deep.equal([]);
    part('mute')!.focus();
    await sendKeys({ type: '5' });
    await until(() => connector.last.dtmf.length > 0);
    expect(connector.last.dtmf.map((d) => d.digits)).to.deep.equal(['5']);
    await done(el);
  });

  it('a failed in-call action is announced in the panel (role="alert") for a while', async () => {
    const { el, connector, answer, panel } = await inCall();
    await answer();
    connector.last.hold = () => Promise.reject(new Error('re-INVITE timed out'));
    const alert = () => panel().shadowRoot!.querySelector('[part="action-error"]')!;
    expect(alert().getAttribute('role')).to.equal('alert');
    expect(alert().textContent!.trim()).to.equal('');
    await el.hold(true);
    await panel().updateComplete;
    expect(alert().textContent!.trim()).to.equal('That did not work. Please try again.');
    await expect(el).to.be.accessible();
    await done(el);
  });

  it('when the call ends with the focus in the panel, the focus goes back to the call button', async () => {
    const { el, connector, answer, part } = await inCall();
    await answer();
    await until(() => part('hold') !== null);
    part('hold')!.focus();
    expect(el.shadowRoot!.activeElement?.tagName).to.equal('VOIP-CALL-PANEL');
    connector.last.emit({ type: 'hangup', sipCode: 200, reason: 'Bye' });
    await until(() => el.state === 'idle');
    await until(() => document.activeElement?.tagName === 'VOIP-CALL-BUTTON');
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.equal('button');
  });

  it('does nothing when idle', async () => {
    const { el, connector, log } = await inCall();
    await done(el);
    const events = log.length;
    el.mute(true);
    await el.hold(true);
    await el.sendDtmf('1');
    expect(log.length).to.equal(events);
    expect(connector.last.holds).to.deep.equal([]);
  });
});

describe('ringback', () => {
  /** Counts oscillators started and stopped by the page (the ringback is made with them). */
  function watchOscillators() {
    const counts = { started: 0, stopped: 0 };
    const proto = OscillatorNode.prototype;
    const start = proto.start;
    const stop = proto.stop;
    proto.start = function (...args) {
      counts.started += 1;
      return start.apply(this, args);
    };
    proto.stop = function (...args) {
      counts.stopped += 1;
      return stop.apply(this, args);
    };
    return { counts, restore: () => Object.assign(proto, { start, stop }) };
  }

  it('plays while the far end rings (180) and stops at the answer', async () => {
    const watch = watchOscillators();
    try {
      const { el, connector, answer } = await inCall({ ringback: 'uk' });
      connector.last.emit({ type: 'ringing', sipCode: 180 });
      await until(() => watch.counts.started === 2); // UK: 400 + 450 Hz
      expect(watch.counts.stopped).to.equal(0);
      await answer();
      expect(watch.counts.stopped).to.equal(2);
      await done(el);
    } finally {
      watch.restore();
    }
  });

  it('stays silent with early media (183 with SDP) and with ringback="off"', async () => {
    const watch = watchOscillators();
    try {
      const first = await inCall();
      first.connector.last.emit({ type: 'ringing', sipCode: 183, earlyMedia: true });
      await until(() => first.el.state === 'ringing');
      await done(first.el);
      const second = await inCall({ ringback: 'off' });
      second.connector.last.emit({ type: 'ringing', sipCode: 180 });
      await until(() => second.el.state === 'ringing');
      await done(second.el);
      expect(watch.counts.started).to.equal(0);
    } finally {
      watch.restore();
    }
  });

  it('stops when early media follows a 180', async () => {
    const watch = watchOscillators();
    try {
      const { el, connector } = await inCall({ ringback: 'eu' });
      connector.last.emit({ type: 'ringing', sipCode: 180 });
      await until(() => watch.counts.started === 1);
      connector.last.emit({ type: 'ringing', sipCode: 183, earlyMedia: true });
      expect(watch.counts.stopped).to.equal(1);
      await done(el);
    } finally {
      watch.restore();
    }
  });

  it('picks the preset from the attribute, else from the language', () => {
    expect(resolveRingback('UK', 'en')).to.equal('uk');
    expect(resolveRingback('off', 'en')).to.equal('off');
    expect(resolveRingback('', 'en-US')).to.equal('us');
    expect(resolveRingback('nonsense', 'en-GB')).to.equal('uk');
    expect(ringbackForLanguage('id-ID')).to.equal('id');
    expect(ringbackForLanguage('de')).to.equal('eu');
    expect(ringbackForLanguage('ja')).to.equal('jp');
    expect(ringbackForLanguage('en-AU')).to.equal('au');
  });
});
