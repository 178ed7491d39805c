/**
 * Themes and sizes, measured in the browser: the text of every part a visitor reads has at least
 * 4.5:1 contrast (WCAG 2.2 AA) against what is behind it, in the light and the dark theme, forced
 * with `theme` or followed from the visitor's preference (`auto`); `size` scales the targets.
 */
import { expect } from '@open-wc/testing';
import { emulateMedia, executeServerCommand } from '@web/test-runner-commands';
import '../src/voip-call-button.js';
import type { VoipCallButton } from '../src/voip-call-button.js';
import {
  answeredCall,
  hangUp,
  mountWithFake,
  until,
  type FakeConnector,
} from './support/fake-connector.js';
import { chromiumOnly, chromiumOnlySuite, inFirefox } from './support/browsers.js';

/** Why Firefox skips a test: it emulates the colour scheme through the DevTools protocol, which puppeteer has only in Chromium. */
const EMULATES =
  'emulates the colour scheme through the DevTools protocol, which puppeteer has only in Chromium';

afterEach(() => (inFirefox ? undefined : emulateMedia({ colorScheme: 'light' })));

/** [r, g, b, alpha] of a computed colour (`rgb()`/`rgba()`, as Chromium computes them). */
function rgba(color: string): [number, number, number, number] {
  const parts = /rgba?\(([^)]+)\)/
    .exec(color)?.[1]
    ?.split(/[\s,/]+/)
    .map(Number);
  if (!parts || parts.length < 3) throw new Error(`unexpected colour ${color}`);
  const [r = 0, g = 0, b = 0, a = 1] = parts;
  return [r, g, b, a];
}

/** WCAG relative luminance. */
function luminance([r, g, b]: readonly number[]): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r!) + 0.7152 * linear(g!) + 0.0722 * linear(b!);
}

function contrast(a: readonly number[], b: readonly number[]): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

/** The first opaque background behind `node`, through shadow roots up to the page. */
function backgroundOf(node: Element): number[] {
  for (let at: Element | null = node; at;) {
    const color = rgba(getComputedStyle(at).backgroundColor);
    if (color[3] === 1) return color;
    at = at.parentElement ?? ((at.getRootNode() as ShadowRoot).host as Element | undefined) ?? null;
  }
  throw new Error('no opaque background');
}

/** `name: ratio` of each part's text against its background (rounded to 0.1). */
function ratios(parts: Record<string, Element | null | undefined>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [name, node] of Object.entries(parts)) {
    if (!node) throw new Error(`${name} not rendered`);
    const ratio = contrast(rgba(getComputedStyle(node).color), backgroundOf(node));
    result[name] = Math.round(ratio * 10) / 10;
  }
  return result;
}

/** The element on a page area of the given scheme (its Canvas background), with a fake gateway. */
const mount = (scheme: 'light' | 'dark' | 'light dark', attributes: Record<string, string>) =>
  mountWithFake({ controls: 'mute keypad', ...attributes }, { scheme });

const part = (root: ParentNode | null | undefined, name: string) =>
  root?.querySelector(`[part~="${name}"]`);

/** Every text a visitor reads, idle, in a call (a toggle pressed, the keypad open) and failed. */
async function measure(el: VoipCallButton, connector: FakeConnector) {
  const root = el.shadowRoot!;
  const idle = ratios({ button: part(root, 'button') });
  await answeredCall(el, connector);
  const panel = root.querySelector('voip-call-panel')!;
  await until(() => !!part(panel.shadowRoot, 'mute'));
  const mute = part(panel.shadowRoot, 'mute') as HTMLButtonElement;
  const keypad = part(panel.shadowRoot, 'keypad-toggle') as HTMLButtonElement;
  const inCall = ratios({
    'hang-up': part(root, 'button'),
    toggle: mute,
    status: part(root, 'status'),
  });
  mute.click();
  keypad.click();
  await until(
    () => mute.getAttribute('aria-pressed') === 'true' && !!part(panel.shadowRoot, 'key'),
  );
  const pressed = ratios({ pressed: mute, key: part(panel.shadowRoot, 'key') });
  await hangUp(el);
  el.setAttribute('number', 'not a number');
  el.call();
  await until(() => part(root, 'status')?.getAttribute('data-outcome') === 'error');
  const failed = ratios({ error: part(root, 'status') });
  return { ...idle, ...inCall, ...pressed, ...failed };
}

/** Each ratio under 4.5, by name (none expected). */
const under = (measured: Record<string, number>) =>
  Object.entries(measured).filter(([, ratio]) => ratio < 4.5);

describe('themes', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`theme="${theme}": every text at least 4.5:1 against its background`, async () => {
      const { el, connector } = await mount(theme, { theme });
      const measured = await measure(el, connector);
      expect(under(measured), JSON.stringify(measured)).to.deep.equal([]);
    });
  }

  chromiumOnly(EMULATES)(
    'theme="auto" (the default) follows the visitor\'s preference on a page that declares both schemes',
    async () => {
      await emulateMedia({ colorScheme: 'dark' });
      const dark = await mount('light dark', {});
      const darkStatus = getComputedStyle(part(dark.el.shadowRoot, 'status')!).color;
      expect(under(await measure(dark.el, dark.connector))).to.deep.equal([]);
      await emulateMedia({ colorScheme: 'light' });
      const light = await mount('light dark', {});
      const lightStatus = getComputedStyle(part(light.el.shadowRoot, 'status')!).color;
      expect(under(await measure(light.el, light.connector))).to.deep.equal([]);
      expect(darkStatus, 'the status text follows the preference').not.to.equal(lightStatus);
      // Forced: the preference no longer matters.
      await emulateMedia({ colorScheme: 'dark' });
      const forced = await mount('light', { theme: 'light' });
      expect(getComputedStyle(part(forced.el.shadowRoot, 'status')!).color).to.equal(lightStatus);
    },
  );

  chromiumOnly(EMULATES)(
    'theme="auto" on a light-only page stays light for a visitor who prefers dark (readable)',
    async () => {
      await emulateMedia({ colorScheme: 'dark' });
      const { el, connector } = await mount('light', {});
      const measured = await measure(el, connector);
      expect(under(measured), JSON.stringify(measured)).to.deep.equal([]);
    },
  );

  it('a page colour set with a --voip-* property wins over both themes', async () => {
    const { el } = await mount('dark', { theme: 'dark' });
    el.style.setProperty('--voip-status-color', 'rgb(1, 2, 3)');
    expect(getComputedStyle(part(el.shadowRoot, 'status')!).color).to.equal('rgb(1, 2, 3)');
  });
});

/** Whether `node`'s border shows its shape: drawn, with 3:1 against what is around it. */
function outlined(node: Element): boolean {
  const style = getComputedStyle(node);
  const around = backgroundOf(
    node.parentElement ?? ((node.getRootNode() as ShadowRoot).host as Element),
  );
  return (
    style.borderTopStyle !== 'none' &&
    parseFloat(style.borderTopWidth) > 0 &&
    contrast(rgba(style.borderTopColor), around) >= 3
  );
}

chromiumOnlySuite(
  'emulates forced colours through the DevTools protocol, which puppeteer has only in Chromium',
)('forced colors (Windows high contrast)', () => {
  afterEach(() => executeServerCommand('forced-colors', false));

  it('every control keeps its shape and its text, and a pressed toggle looks pressed', async () => {
    await executeServerCommand('forced-colors', true);
    expect(matchMedia('(forced-colors: active)').matches, 'emulated').to.equal(true);
    const { el, connector } = await mount('light', {});
    const root = el.shadowRoot!;
    const shapes: Record<string, boolean> = { button: outlined(part(root, 'button')!) };
    const texts = ratios({ button: part(root, 'button') });
    await answeredCall(el, connector);
    const panel = root.querySelector('voip-call-panel')!;
    await until(() => !!part(panel.shadowRoot, 'mute'));
    const mute = part(panel.shadowRoot, 'mute') as HTMLButtonElement;
    const up = getComputedStyle(mute).backgroundColor;
    (part(panel.shadowRoot, 'keypad-toggle') as HTMLButtonElement).click();
    mute.click();
    await until(
      () => mute.getAttribute('aria-pressed') === 'true' && !!part(panel.shadowRoot, 'key'),
    );
    shapes['hang-up'] = outlined(part(root, 'button')!);
    shapes['key'] = outlined(part(panel.shadowRoot, 'key')!);
    Object.assign(texts, ratios({ pressed: mute, key: part(panel.shadowRoot, 'key') }));
    expect(shapes).to.deep.equal({ button: true, 'hang-up': true, key: true });
    expect(under(texts), JSON.stringify(texts)).to.deep.equal([]);
    expect(getComputedStyle(mute).backgroundColor, 'pressed differs').not.to.equal(up);
    await hangUp(el);
  });
});

describe('sizes', () => {
  for (const size of ['small', 'medium', 'large']) {
    it(`size="${size}" holds 280 px wide: in a call with every view open, nothing sticks out`, async () => {
      const { el, connector } = await mount('light', { size, controls: '' });
      const area = el.parentElement!;
      area.style.width = '280px';
      area.style.boxSizing = 'border-box';
      await answeredCall(el, connector);
      const panel = el.shadowRoot!.querySelector('voip-call-panel')!;
      await until(() => !!part(panel.shadowRoot, 'settings-toggle'));
      for (const toggle of ['keypad-toggle', 'settings-toggle']) {
        (part(panel.shadowRoot, toggle) as HTMLButtonElement).click();
        await panel.updateComplete;
      }
      await until(
        () => !!part(panel.shadowRoot, 'key') && !!part(panel.shadowRoot, 'message-input'),
      );
      const right = area.getBoundingClientRect().right;
      const outside = [
        ...panel.shadowRoot!.querySelectorAll('[part]'),
        ...el.shadowRoot!.querySelectorAll('[part]'),
      ]
        .filter((node) => node.getBoundingClientRect().right > right + 0.5)
        .map((node) => node.getAttribute('part'));
      expect(outside, JSON.stringify(outside)).to.deep.equal([]);
      await hangUp(el);
    });
  }

  const heightOf = async (size: string) => {
    const { el } = await mount('light', size ? { size } : {});
    const button = part(el.shadowRoot, 'button')!;
    return {
      height: button.getBoundingClientRect().height,
      font: getComputedStyle(button).fontSize,
    };
  };

  it('small, medium (the default) and large scale the button; small keeps a 24 px target', async () => {
    const small = await heightOf('small');
    const medium = await heightOf('');
    const large = await heightOf('large');
    expect(small.height).to.be.at.least(24);
    expect(medium.height).to.be.at.least(44);
    expect(parseFloat(small.font)).to.be.below(parseFloat(medium.font));
    expect(parseFloat(large.font)).to.be.above(parseFloat(medium.font));
    expect(large.height).to.be.above(medium.height);
    expect((await heightOf('medium')).font).to.equal(medium.font);
  });
});
