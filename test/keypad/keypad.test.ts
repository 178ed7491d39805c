/**
 * The keypad capability (src/keypad/index.ts) when sending a tone fails: one `voip-error`
 * `action-failed` per attempt, no `voip-dtmf`, and the call goes on. The happy paths (both
 * `dtmf-mode`s, the keys, typed digits, invalid digits) are in test/panel/call-panel.test.ts.
 */
import { expect } from '@open-wc/testing';
import '../../src/voip-call-button.js';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import type { VoipCallPanel } from '../../src/panel/call-panel.js';
import { VoipError } from '../../src/errors.js';
import type { VoipErrorDetail } from '../../src/events.js';
import {
  answeredCall,
  mountWithFake,
  until,
  statusText,
  hangUp,
} from '../support/fake-connector.js';

async function answered() {
  const { el, connector } = await mountWithFake();
  const errors: VoipErrorDetail[] = [];
  const tones: string[] = [];
  el.addEventListener('voip-error', (e) => errors.push(e.detail));
  el.addEventListener('voip-dtmf', (e) => tones.push(e.detail.digits));
  await answeredCall(el, connector);
  await el.updateComplete;
  return { el, connector, session: connector.last, errors, tones };
}

function panelPart(el: VoipCallButton, part: string): HTMLButtonElement | null {
  return el
    .shadowRoot!.querySelector<VoipCallPanel>('voip-call-panel')!
    .shadowRoot!.querySelector<HTMLButtonElement>(`[part~="${part}"]`);
}

describe('keypad tones that fail', () => {
  it('sendDtmf() rejected by the gateway → one voip-error action-failed; the call stays in-call', async () => {
    const { el, session, errors, tones } = await answered();
    // What the Janus adapter rejects with when janus.js cannot send the tones.
    session.sendDtmf = () => Promise.reject(new VoipError('failed', 'dtmf: no DTMF sender'));
    await el.sendDtmf('123');
    expect(errors).to.deep.equal([
      { code: 'action-failed', message: 'That did not work. Please try again.' },
    ]);
    expect(tones).to.deep.equal([]);
    expect(el.state).to.equal('in-call');
    await el.updateComplete;
    // An in-call refusal is not the call's outcome: the status line still says the call is up.
    expect(statusText(el)).to.equal('Connected');
    expect(session.hangups).to.equal(0);
    await hangUp(el);
  });

  it('any other failure of the session is action-failed too, and the next tones go through', async () => {
    const { el, session, errors, tones } = await answered();
    const send = session.sendDtmf.bind(session);
    session.sendDtmf = () => Promise.reject(new Error('INFO timed out'));
    await el.sendDtmf('9');
    expect(errors.map((e) => e.code)).to.deep.equal(['action-failed']);
    session.sendDtmf = send;
    await el.sendDtmf('9');
    expect(session.dtmf.map((d) => d.digits)).to.deep.equal(['9']);
    expect(tones).to.deep.equal(['9']);
    expect(errors).to.have.length(1);
    await hangUp(el);
  });

  it('a key of the panel keypad whose tone fails → one voip-error action-failed, the keypad stays open', async () => {
    const { el, session, errors, tones } = await answered();
    session.sendDtmf = () => Promise.reject(new VoipError('failed', 'dtmf: no DTMF sender'));
    await until(() => panelPart(el, 'keypad-toggle') !== null);
    panelPart(el, 'keypad-toggle')!.click();
    await until(() => panelPart(el, 'key') !== null);
    const panel = el.shadowRoot!.querySelector<VoipCallPanel>('voip-call-panel')!;
    const five = [...panel.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="key"]')].find(
      (k) => k.textContent!.trim() === '5',
    )!;
    five.click();
    await until(() => errors.length === 1);
    await new Promise((r) => setTimeout(r, 30));
    expect(errors.map((e) => e.code)).to.deep.equal(['action-failed']);
    expect(tones).to.deep.equal([]);
    expect(el.state).to.equal('in-call');
    await panel.updateComplete;
    expect(panelPart(el, 'keypad-toggle')!.getAttribute('aria-expanded')).to.equal('true');
    expect(panel.shadowRoot!.querySelectorAll('[part="key"]')).to.have.length(12);
    await hangUp(el);
  });
});
