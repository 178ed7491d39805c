/**
 * The floating variant (src/floating/): a round button in a corner that opens a card with what
 * the element shows; Escape or the close button folds it without ending the call.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
import '../../src/voip-call-button.js';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import { answeredCall, FakeConnector, hangUp, until } from '../support/fake-connector.js';
import { chromiumOnly } from '../support/browsers.js';

async function mount(attributes: Record<string, string> = {}, label = '') {
  const connector = new FakeConnector();
  const el = await fixture<VoipCallButton>(html`
    <voip-call-button
      variant="floating"
      server="ws://127.0.0.1:8188"
      sip-domain="127.0.0.1:5060"
      number="2000"
      .connector=${connector}
      >${label}</voip-call-button
    >
  `);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  await until(() => !!launcher(el));
  await el.updateComplete;
  return { el, connector };
}

const part = (el: VoipCallButton, name: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const launcher = (el: VoipCallButton) => part(el, 'launcher') as HTMLButtonElement | null;
const card = (el: VoipCallButton) => part(el, 'card')!;
const shown = (node: Element | null) => !!node && node.getClientRects().length > 0;
/** The part name of what has the focus in the element ('' for none). */
const focused = (el: VoipCallButton) => el.shadowRoot!.activeElement?.getAttribute('part') ?? '';

describe('variant="floating"', () => {
  it('a round button in the bottom-right corner, named by the label, the card folded', async () => {
    const { el } = await mount();
    const button = launcher(el)!;
    const box = button.getBoundingClientRect();
    expect(getComputedStyle(el).position).to.equal('fixed');
    expect(innerWidth - box.right).to.be.within(19, 21);
    expect(innerHeight - box.bottom).to.be.within(19, 21);
    expect(box.width).to.equal(box.height);
    expect(box.width).to.be.at.least(44);
    expect(getComputedStyle(button).borderTopLeftRadius).to.equal('50%');
    expect(button.textContent!.trim()).to.equal('Call us');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    expect(shown(card(el))).to.equal(false);
    expect(shown(part(el, 'button')), 'the call button is in the folded card').to.equal(false);
    await expect(el).to.be.accessible();
  });

  it('position="bottom-left" and the offsets as custom properties; a slotted label names it', async () => {
    const { el } = await mount({ position: 'bottom-left' }, 'Talk to sales');
    el.style.setProperty('--voip-floating-left', '32px');
    el.style.setProperty('--voip-floating-bottom', '40px');
    const box = launcher(el)!.getBoundingClientRect();
    expect(box.left).to.be.within(31, 33);
    expect(innerHeight - box.bottom).to.be.within(39, 41);
    expect(launcher(el)!.textContent!.trim()).to.equal('Talk to sales');
  });

  it('opens into the card (focus on its call button); Escape folds it back to the round button', async () => {
    const { el } = await mount();
    launcher(el)!.click();
    await until(() => shown(card(el)) && focused(el) === 'button');
    expect(launcher(el)!.getAttribute('aria-expanded')).to.equal('true');
    const box = card(el).getBoundingClientRect();
    expect(box.bottom).to.be.below(launcher(el)!.getBoundingClientRect().top);
    expect(box.width).to.be.at.least(280);
    expect(part(el, 'card-title')!.textContent!.trim()).to.equal('Call us');
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    await until(() => !shown(card(el)) && focused(el) === 'launcher');
    expect(launcher(el)!.getAttribute('aria-expanded')).to.equal('false');
  });

  it('folding during a call keeps the call; the round button says so; the close button folds too', async () => {
    const { el, connector } = await mount();
    launcher(el)!.click();
    await until(() => shown(card(el)));
    await answeredCall(el, connector);
    await until(() => !!part(el, 'panel') || !!el.shadowRoot!.querySelector('voip-call-panel'));
    part(el, 'close')!.click();
    await until(() => !shown(card(el)) && focused(el) === 'launcher');
    expect(el.state).to.equal('in-call');
    expect(connector.last.hangups).to.equal(0);
    expect(launcher(el)!.textContent!.trim()).to.equal('Back to the call');
    expect(launcher(el)!.hasAttribute('data-active')).to.equal(true);
    expect(el.shadowRoot!.querySelector('voip-call-panel'), 'the panel stays').not.to.equal(null);
    await expect(el).to.be.accessible();
    launcher(el)!.click();
    await until(() => shown(card(el)) && shown(el.shadowRoot!.querySelector('voip-call-panel')));
    await hangUp(el);
    expect(launcher(el)!.textContent!.trim()).to.equal('Call us');
  });

  it('a double-click on the round button opens the card (the second click is not a fold)', async () => {
    const { el } = await mount();
    launcher(el)!.click();
    launcher(el)!.click();
    await el.updateComplete;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(shown(card(el)), 'open').to.equal(true);
    expect(launcher(el)!.getAttribute('aria-expanded')).to.equal('true');
    // Later, a click folds it as ever.
    await new Promise((resolve) => setTimeout(resolve, 550));
    launcher(el)!.click();
    await until(() => !shown(card(el)));
    // Folded by the close button right after a click, the next click opens it at once.
    await new Promise((resolve) => setTimeout(resolve, 550));
    launcher(el)!.click();
    await until(() => shown(card(el)));
    part(el, 'close')!.click();
    await until(() => !shown(card(el)));
    launcher(el)!.click();
    await until(() => shown(card(el)));
  });

  it('mid-call: the page switches to German (the round and close buttons follow), then removes the element (the call ends)', async () => {
    const { el, connector } = await mount();
    launcher(el)!.click();
    await until(() => shown(card(el)));
    await answeredCall(el, connector);
    await sendKeys({ press: 'Escape' });
    await until(() => !shown(card(el)));
    el.parentElement!.lang = 'de';
    await until(() => launcher(el)!.textContent!.trim() === 'Zurück zum Anruf');
    expect(part(el, 'close')!.getAttribute('aria-label')).to.equal('Schließen');
    el.remove();
    await until(() => el.state === 'idle');
    expect(connector.last.closes, 'the session closed').to.equal(1);
  });

  it('a call that ends while the card is folded opens it, showing how it ended', async () => {
    const { el, connector } = await mount();
    launcher(el)!.click();
    await until(() => shown(card(el)));
    await answeredCall(el, connector);
    await sendKeys({ press: 'Escape' });
    await until(() => !shown(card(el)));
    connector.last.emit({ type: 'hangup', sipCode: 200, reason: 'BYE' });
    await until(() => el.state === 'idle');
    await el.updateComplete;
    expect(shown(card(el)), 'opened').to.equal(true);
    expect(part(el, 'status')!.textContent!.trim()).to.equal('The other side hung up.');
    expect(focused(el), 'the focus stays').to.equal('launcher');
  });

  chromiumOnly(
    'emulates the colour scheme through the DevTools protocol, which puppeteer has only in Chromium',
  )(
    "the card, with a background of its own, follows the visitor's preference by default",
    async () => {
      await emulateMedia({ colorScheme: 'dark' });
      try {
        const { el } = await mount();
        launcher(el)!.click();
        await until(() => shown(card(el)));
        expect(getComputedStyle(card(el)).backgroundColor).to.equal('rgb(31, 31, 31)');
        el.setAttribute('theme', 'light');
        expect(getComputedStyle(card(el)).backgroundColor).to.equal('rgb(255, 255, 255)');
      } finally {
        await emulateMedia({ colorScheme: 'light' });
      }
    },
  );

  it('holds on a 280 px wide screen: the card fits, nothing sticks out of it', async () => {
    await setViewport({ width: 280, height: 640 });
    try {
      const { el, connector } = await mount();
      launcher(el)!.click();
      await until(() => shown(card(el)));
      await answeredCall(el, connector);
      await until(() => shown(el.shadowRoot!.querySelector('voip-call-panel')));
      const box = card(el).getBoundingClientRect();
      expect(box.left).to.be.at.least(0);
      expect(box.right).to.be.at.most(280);
      expect(card(el).scrollWidth, 'no horizontal overflow').to.be.at.most(card(el).clientWidth);
      await hangUp(el);
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });
});
