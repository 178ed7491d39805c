/**
 * The `preconnect` attribute: the visitor's intent (pointing at, focusing or pressing the button)
 * opens the gateway session ahead of the call, through the connector; without the attribute only
 * the call code is fetched. The connector's side (the session taken by the call, closed when
 * unused) is in test/janus/connector.test.ts; the real gateway's in test/e2e/call.test.ts.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { mountWithFake, until } from './support/fake-connector.js';

const button = (el: HTMLElement) => el.shadowRoot!.querySelector('button')!;

describe('<voip-call-button preconnect>', () => {
  for (const [what, intent] of [
    ['pointing at it', 'pointerenter'],
    ['pressing it', 'pointerdown'],
    ['tabbing to it', 'Tab'],
  ] as const) {
    it(`${what} opens the gateway session ahead of the call, and nothing else`, async () => {
      const { el, connector } = await mountWithFake({ preconnect: '' });
      if (intent === 'Tab') await sendKeys({ press: 'Tab' });
      else button(el).dispatchEvent(new PointerEvent(intent));
      await until(() => connector.preconnects.length === 1);
      expect(connector.preconnects[0]).to.deep.equal({
        servers: ['ws://127.0.0.1:8188/'],
        iceServers: [],
        sipDomain: '127.0.0.1:5060',
      });
      expect(connector.connects).to.equal(0);
      expect(el.state).to.equal('idle');
    });
  }

  it('without the attribute, pointing at it opens nothing', async () => {
    const { el, connector } = await mountWithFake();
    button(el).dispatchEvent(new PointerEvent('pointerenter'));
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.preconnects).to.deep.equal([]);
  });

  it('settings a call would refuse: nothing is opened (the call reports them)', async () => {
    const { el, connector } = await mountWithFake({ preconnect: '', server: 'ftp://nowhere' });
    button(el).dispatchEvent(new PointerEvent('pointerenter'));
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.preconnects).to.deep.equal([]);
    expect(el.state).to.equal('idle');
  });
});
