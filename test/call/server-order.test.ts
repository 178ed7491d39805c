/**
 * `server-order`: with several gateways, `ordered` (the default) tries them as listed; `random`
 * starts each call at a random one and then goes round the list, so that every call can still
 * fail over to every other gateway (src/call/plan.ts).
 */
import { expect } from '@open-wc/testing';
import '../../src/voip-call-button.js';
import { orderServers } from '../../src/call/plan.js';
import { mountWithFake, until } from '../support/fake-connector.js';

const A = 'ws://127.0.0.1:8188/';
const B = 'ws://127.0.0.1:8190/';
const C = 'ws://127.0.0.1:8192/';

describe('server-order', () => {
  it('ordered (or absent, or unknown): as listed', () => {
    for (const order of [null, '', 'ordered', 'weighted']) {
      expect(
        orderServers([A, B, C], order, () => 0.9),
        String(order),
      ).to.deep.equal([A, B, C]);
    }
  });

  it('random: from a random gateway on, then round the list; every gateway once', () => {
    expect(orderServers([A, B, C], 'random', () => 0)).to.deep.equal([A, B, C]);
    expect(orderServers([A, B, C], 'random', () => 0.4)).to.deep.equal([B, C, A]);
    expect(orderServers([A, B, C], ' Random ', () => 0.999)).to.deep.equal([C, A, B]);
    expect(orderServers([A], 'random', () => 0.7)).to.deep.equal([A]);
  });

  it('random spreads the first gateway over all of them', () => {
    const first = new Map<string, number>();
    for (let i = 0; i < 300; i += 1) {
      const [server] = orderServers([A, B, C], 'random');
      first.set(server!, (first.get(server!) ?? 0) + 1);
    }
    // 100 each on average; below 50 has a chance of about 1e-9.
    expect([...first.keys()].sort()).to.deep.equal([A, B, C]);
    for (const [server, count] of first) expect(count, server).to.be.above(50);
  });

  it('the element hands the gateway list in that order to each call', async () => {
    const random = Math.random;
    const { el, connector } = await mountWithFake({
      server: `${A} ${B} ${C}`,
      'server-order': 'random',
    });
    try {
      Math.random = () => 0.5;
      el.call();
      await until(() => el.state === 'calling');
      expect(connector.last.options.servers).to.deep.equal([B, C, A]);
      el.hangup();
      await until(() => el.state === 'idle');
      el.removeAttribute('server-order');
      el.call();
      await until(() => el.state === 'calling');
      expect(connector.last.options.servers).to.deep.equal([A, B, C]);
      el.hangup();
      await until(() => el.state === 'idle');
    } finally {
      Math.random = random;
    }
  });
});
