/**
 * A phone has no hover: the press itself (pointerdown, before its click) starts fetching the
 * call code. Its own file: the call chunk loads once per page.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../src/voip-call-button.js';
import type { VoipCallButton } from '../src/voip-call-button.js';

const loaded = () =>
  performance.getEntriesByType('resource').some((e) => e.name.includes('/src/call/index.'));

describe('<voip-call-button> on a touch screen', () => {
  it('a touch press (pointerdown, no hover) fetches the call code before the click', async () => {
    const el = await fixture<VoipCallButton>(
      html`<voip-call-button server="ws://127.0.0.1:1/ws" sip-domain="pbx.example.com" number="2000"
        >Call us</voip-call-button
      >`,
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(loaded(), 'not loaded before the press').to.equal(false);
    el.shadowRoot!.querySelector('button')!.dispatchEvent(
      new PointerEvent('pointerdown', { pointerType: 'touch', bubbles: true }),
    );
    const end = Date.now() + 5000;
    while (!loaded() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(loaded(), 'loading once pressed').to.equal(true);
    expect(el.state).to.equal('idle');
  });
});
