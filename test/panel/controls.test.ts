/**
 * The `controls` setting applies at once, during a call too (docs/reference.md, "Attributes and
 * properties"): the panel's toggles follow it while the call is up.
 */
import { expect } from '@open-wc/testing';
import '../../src/voip-call-button.js';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import type { VoipCallPanel } from '../../src/panel/call-panel.js';
import { answeredCall, mountWithFake, until, hangUp } from '../support/fake-connector.js';

const TOGGLES = ['mute', 'hold', 'keypad-toggle', 'text-toggle', 'settings-toggle'];

/** The parts of the panel's toggles, in order, once the panel has rendered. */
async function toggles(el: VoipCallButton): Promise<string[]> {
  await el.updateComplete;
  const panel = el.shadowRoot!.querySelector<VoipCallPanel>('voip-call-panel')!;
  await panel.updateComplete;
  return [...panel.shadowRoot!.querySelectorAll('[part~="panel-button"]')].map((b) =>
    b.getAttribute('part')!.replace('panel-button ', ''),
  );
}

async function answered(attributes: Record<string, string> = {}) {
  const { el, connector } = await mountWithFake(attributes);
  await answeredCall(el, connector);
  await until(() => el.shadowRoot!.querySelector('voip-call-panel')?.shadowRoot != null);
  return { el, connector };
}

describe('controls changed during a call', () => {
  it('the property set to "mute" mid-call hides hold, keypad and audio; set back to "" they return', async () => {
    const { el } = await answered();
    expect(await toggles(el)).to.deep.equal(TOGGLES);
    el.controls = 'mute';
    expect(await toggles(el)).to.deep.equal(['mute']);
    expect(el.state).to.equal('in-call');
    el.controls = '';
    expect(await toggles(el)).to.deep.equal(TOGGLES);
    await hangUp(el);
  });

  it('the attribute works the same way, and a list shows just what it names', async () => {
    const { el } = await answered({ controls: 'mute' });
    expect(await toggles(el)).to.deep.equal(['mute']);
    el.setAttribute('controls', 'hold   settings');
    expect(await toggles(el)).to.deep.equal(['hold', 'settings-toggle']);
    el.setAttribute('controls', '');
    expect(await toggles(el)).to.deep.equal(TOGGLES);
    await hangUp(el);
  });

  it('hiding the keypad mid-call hides its keys and stops typed digits; showing it again brings the toggle back', async () => {
    const { el, connector } = await answered();
    const panel = el.shadowRoot!.querySelector<VoipCallPanel>('voip-call-panel')!;
    panel.shadowRoot!.querySelector<HTMLButtonElement>('[part~="keypad-toggle"]')!.click();
    await panel.updateComplete;
    expect(panel.shadowRoot!.querySelectorAll('[part="key"]')).to.have.length(12);
    el.controls = 'mute hold';
    expect(await toggles(el)).to.deep.equal(['mute', 'hold']);
    expect(panel.shadowRoot!.querySelectorAll('[part="key"]')).to.have.length(0);
    panel.dispatchEvent(new KeyboardEvent('keydown', { key: '5', bubbles: true, composed: true }));
    await new Promise((r) => setTimeout(r, 30));
    expect(connector.last.dtmf).to.deep.equal([]);
    el.controls = '';
    expect(await toggles(el)).to.deep.equal(TOGGLES);
    panel.dispatchEvent(new KeyboardEvent('keydown', { key: '5', bubbles: true, composed: true }));
    await until(() => connector.last.dtmf.length === 1);
    expect(connector.last.dtmf[0]!.digits).to.equal('5');
    await hangUp(el);
  });

  it('the timer does not depend on controls', async () => {
    const { el } = await answered({ controls: 'mute' });
    el.controls = 'hold';
    expect(await toggles(el)).to.deep.equal(['hold']);
    const panel = el.shadowRoot!.querySelector<VoipCallPanel>('voip-call-panel')!;
    expect(panel.shadowRoot!.querySelector('[part="timer"]')).to.not.equal(null);
    await hangUp(el);
  });
});
