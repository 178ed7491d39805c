/**
 * `load-failed`: the call chunk (`import('./call/index.js')` in src/call-controller.ts) cannot
 * be downloaded, as when the network drops or the CDN's `chunks/` folder is missing.
 *
 * The test breaks the download without touching src/: before anything in this page has loaded
 * the chunk, an import map sends the chunk's URL to a port where nothing listens. The browser
 * keeps that mapping for the life of the page (each test file runs in its own page), so this file
 * holds only tests that want the chunk unreachable.
 */
import { expect } from '@open-wc/testing';
import '../src/voip-call-button.js';
import type { VoipErrorDetail } from '../src/events.js';
import { mountWithFake, record, until, statusText } from './support/fake-connector.js';
import { chromiumOnlySuite, inFirefox } from './support/browsers.js';

/** Where the chunk is sent instead: a closed port (the fetch fails as a network error). */
const UNREACHABLE = 'http://127.0.0.1:9/voip-call-chunk.js';

before(() => {
  if (inFirefox) return;
  const chunkLoaded = performance
    .getEntriesByType('resource')
    .some((e) => e.name.includes('/src/call/index.'));
  expect(chunkLoaded, 'nothing in this page loaded the call chunk yet').to.equal(false);
  const map = document.createElement('script');
  map.type = 'importmap';
  // The dev server serves src/call-controller.ts with its import rewritten to the .ts file.
  const imports: Record<string, string> = {};
  for (const file of ['../src/call/index.js', '../src/call/index.ts']) {
    imports[new URL(file, import.meta.url).href.replace(/\?.*$/, '')] = UNREACHABLE;
  }
  map.textContent = JSON.stringify({ imports });
  document.head.append(map);
});

chromiumOnlySuite(
  "Firefox (ESR 153) does not apply an import map added after the page's modules loaded, the way this file makes the chunk unreachable",
)('the call chunk cannot be loaded', () => {
  it('→ one voip-error load-failed, no gateway contacted, no microphone, back to idle', async () => {
    const { el, connector } = await mountWithFake();
    const log = record(el);
    let microphones = 0;
    const own = Object.getOwnPropertyDescriptor(navigator.mediaDevices, 'getUserMedia');
    const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints) => {
      microphones += 1;
      return gum(constraints);
    };
    try {
      el.call();
      await until(() => el.state === 'idle' && log.count('voip-error') === 1, 4000);
    } finally {
      if (own) Object.defineProperty(navigator.mediaDevices, 'getUserMedia', own);
      else Reflect.deleteProperty(navigator.mediaDevices, 'getUserMedia');
    }
    expect(log.detail<VoipErrorDetail>('voip-error')).to.deep.equal({
      code: 'load-failed',
      message: 'The call feature could not be loaded. Reload the page and try again.',
    });
    expect(log.states()).to.deep.equal(['connecting', 'ending', 'idle']);
    expect(log.count('voip-ended')).to.equal(0);
    expect(connector.connects).to.equal(0);
    expect(microphones).to.equal(0);
    expect(el.localStream === null, 'no microphone stream').to.equal(true);
    await el.updateComplete;
    expect(statusText(el)).to.equal(
      'The call feature could not be loaded. Reload the page and try again.',
    );
    expect(el.shadowRoot!.querySelector('voip-call-panel') === null, 'no panel').to.equal(true);
    expect(customElements.get('voip-call-panel') === undefined, 'panel not defined').to.equal(true);
  });

  it('the button is not stuck: the next click fails the same way', async () => {
    const { el, connector } = await mountWithFake();
    const log = record(el);
    el.shadowRoot!.querySelector('button')!.click();
    await until(() => el.state === 'idle' && log.count('voip-error') === 1, 4000);
    el.shadowRoot!.querySelector('button')!.click();
    await until(() => log.count('voip-error') === 2, 4000);
    expect(log.events.filter((e) => e.type === 'voip-error').map((e) => e.detail)).to.deep.equal([
      {
        code: 'load-failed',
        message: 'The call feature could not be loaded. Reload the page and try again.',
      },
      {
        code: 'load-failed',
        message: 'The call feature could not be loaded. Reload the page and try again.',
      },
    ]);
    expect(log.count('voip-ended')).to.equal(0);
    expect(connector.connects).to.equal(0);
    expect(el.state).to.equal('idle');
  });

  it('pointing at the button (preload) fails quietly: no event, no state change', async () => {
    const { el } = await mountWithFake();
    const log = record(el);
    el.shadowRoot!.querySelector('button')!.dispatchEvent(new PointerEvent('pointerenter'));
    await new Promise((r) => setTimeout(r, 200));
    expect(log.events).to.deep.equal([]);
    expect(el.state).to.equal('idle');
  });
});
