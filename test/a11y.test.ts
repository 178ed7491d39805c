/**
 * axe (WCAG 2.2 AA rules, colour contrast included) on every state and view of the element, in
 * each look: light, dark, right to left (Arabic) and floating. The views: idle; in a call with
 * the keypad, the Text view and the settings open and a toggle pressed; after a failure; closed
 * with the after-hours offers and the callback form open.
 */
import { expect } from '@open-wc/testing';
import '../src/voip-call-button.js';
import { loadTranslation } from '../src/i18n/index.js';
import { answeredCall, hangUp, mountWithFake, until } from './support/fake-connector.js';

interface Look {
  readonly name: string;
  readonly theme: 'light' | 'dark';
  readonly lang?: string;
  readonly dir?: 'rtl';
  readonly variant?: 'floating';
}

const LOOKS: readonly Look[] = [
  { name: 'light', theme: 'light' },
  { name: 'dark', theme: 'dark' },
  { name: 'right to left', theme: 'light', lang: 'ar', dir: 'rtl' },
  { name: 'floating', theme: 'dark', variant: 'floating' },
];

const HOUR = 3_600_000;
const hh = (ms: number) => String(new Date(ms).getUTCHours()).padStart(2, '0');
/** Opening hours that start two hours from now (closed now), every day, in UTC. */
const closedNow = () => `Mo-Su ${hh(Date.now() + 2 * HOUR)}:00-${hh(Date.now() + 4 * HOUR)}:00`;

/** The element on a page area of the look's theme, with a fake gateway. */
async function mount(look: Look, attributes: Record<string, string> = {}) {
  if (look.lang) await loadTranslation(look.lang);
  const { el, connector } = await mountWithFake(
    { theme: look.theme, ...(look.variant && { variant: look.variant }), ...attributes },
    { lang: look.lang ?? 'en', dir: look.dir ?? 'ltr', scheme: look.theme },
  );
  if (look.variant) {
    await until(() => !!part(el.shadowRoot, 'launcher'));
    await expect(el, 'folded').to.be.accessible();
    (part(el.shadowRoot, 'launcher') as HTMLButtonElement).click();
    await until(() => shown(part(el.shadowRoot, 'card')));
  }
  return { el, connector };
}

const part = (root: ParentNode | null | undefined, name: string) =>
  root?.querySelector<HTMLElement>(`[part~="${name}"]`) ?? null;
const shown = (node: Element | null) => !!node && node.getClientRects().length > 0;

describe('accessibility (axe) in every look', function () {
  // Each test runs axe over four or five states; the first in a page also loads axe itself.
  this.timeout(20_000);
  for (const look of LOOKS) {
    it(`${look.name}: idle, in a call with every view open, failed`, async () => {
      const { el, connector } = await mount(look);
      await expect(el, 'idle').to.be.accessible();
      await answeredCall(el, connector);
      const panel = el.shadowRoot!.querySelector('voip-call-panel')!;
      await until(() => !!part(panel.shadowRoot, 'keypad-toggle'));
      for (const toggle of ['keypad-toggle', 'settings-toggle', 'mute']) {
        part(panel.shadowRoot, toggle)!.click();
        await panel.updateComplete;
      }
      if (part(panel.shadowRoot, 'text-toggle')?.getAttribute('aria-expanded') === 'false') {
        part(panel.shadowRoot, 'text-toggle')!.click();
      }
      await until(
        () =>
          !!part(panel.shadowRoot, 'key') &&
          !!part(panel.shadowRoot, 'settings') &&
          !!part(panel.shadowRoot, 'message-input'),
      );
      await expect(el, 'in a call').to.be.accessible();
      await hangUp(el);
      el.setAttribute('number', 'not a number');
      el.call();
      await until(() => part(el.shadowRoot, 'status')?.getAttribute('data-outcome') === 'error');
      await expect(el, 'failed').to.be.accessible();
    });

    it(`${look.name}: closed, with the offers and the callback form open`, async () => {
      const { el } = await mount(look, {
        hours: closedNow(),
        'time-zone': 'UTC',
        voicemail: '2011',
        'callback-url': '/cb',
      });
      await until(() => !!part(el.shadowRoot, 'request-callback'));
      await expect(el, 'closed').to.be.accessible();
      part(el.shadowRoot, 'request-callback')!.click();
      await until(() => shown(el.shadowRoot!.querySelector('voip-callback-form')));
      const form = el.shadowRoot!.querySelector('voip-callback-form')!;
      await form.updateComplete;
      await expect(el, 'the callback form').to.be.accessible();
    });
  }
});
