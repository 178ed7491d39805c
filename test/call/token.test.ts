import { expect } from '@open-wc/testing';
import '../../src/voip-call-button.js';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import { tokenTiming } from '../../src/call/token.js';
import { FakeConnector, mountWithFake, until } from '../support/fake-connector.js';

/** Replaces fetch for token URLs with `answer`, counting requests; other URLs pass through. */
function stubTokenEndpoint(
  answer: (url: string, init?: RequestInit) => Response | Promise<Response>,
) {
  const real = window.fetch;
  const requests: Array<{ url: string; init?: RequestInit }> = [];
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.includes('/token')) return real(input, init);
    requests.push({ url, init });
    return Promise.resolve(answer(url, init));
  };
  return { requests, restore: () => (window.fetch = real) };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

async function mount(tokenUrl: string) {
  const { el, connector } = await mountWithFake({ 'token-url': tokenUrl });
  const seen: unknown[] = [];
  for (const type of ['voip-error', 'voip-ended', 'voip-state-change', 'voip-connected']) {
    el.addEventListener(type, (e) => seen.push({ type, detail: (e as CustomEvent).detail }));
  }
  return { el, connector, seen };
}

async function placeAndEnd(el: VoipCallButton, connector: FakeConnector) {
  const before = connector.sessions.length;
  el.call();
  await until(() => connector.sessions.length === before + 1 && el.state === 'calling');
  el.hangup();
  await until(() => el.state === 'idle');
}

describe('token-url', () => {
  it('fetches a token with same-origin credentials and hands it to the gateway, in memory only', async () => {
    const secret = '1900000000,janus,janus.plugin.sip:c2lnbmF0dXJl';
    const stub = stubTokenEndpoint(() => json({ token: secret, expiresAt: Date.now() + 600_000 }));
    try {
      const { el, connector, seen } = await mount('/token/a');
      await placeAndEnd(el, connector);
      expect(connector.last.options.token).to.equal(secret);
      expect(stub.requests[0]!.init?.credentials).to.equal('same-origin');
      expect(el.outerHTML).to.not.contain(secret);
      expect(JSON.stringify(seen)).to.not.contain(secret);
      expect(JSON.stringify({ ...localStorage })).to.not.contain(secret);
      // A fresh token is used again for the next call; no second request.
      await placeAndEnd(el, connector);
      expect(stub.requests).to.have.length(1);
      expect(connector.last.options.token).to.equal(secret);
    } finally {
      stub.restore();
    }
  });

  it('fetches a new token when the one held is about to expire', async () => {
    let n = 0;
    const stub = stubTokenEndpoint(() =>
      json({ token: `t${++n}`, expiresAt: Date.now() + 30_000 }),
    );
    try {
      const { el, connector } = await mount('/token/b');
      await placeAndEnd(el, connector);
      await placeAndEnd(el, connector);
      expect(stub.requests).to.have.length(2);
      expect(connector.sessions.map((s) => s.options.token)).to.deep.equal(['t1', 't2']);
    } finally {
      stub.restore();
    }
  });

  for (const [what, answer, code] of [
    ['refuses (403)', () => json({ error: 'forbidden' }, 403), 'unauthorized'],
    ['answers no token', () => json({ nope: true }), 'unauthorized'],
    [
      'cannot be reached',
      () => Promise.reject(new TypeError('Failed to fetch')),
      'server-unreachable',
    ],
  ] as const) {
    it(`an endpoint that ${what} gives ${code} and no connection`, async () => {
      const stub = stubTokenEndpoint(answer);
      try {
        const { el, connector, seen } = await mount(`/token/${code}-${what.length}`);
        el.call();
        await until(
          () =>
            el.state === 'idle' && seen.some((e) => (e as { type: string }).type === 'voip-error'),
        );
        const error = seen.find((e) => (e as { type: string }).type === 'voip-error') as {
          detail: { code: string };
        };
        expect(error.detail.code).to.equal(code);
        expect(connector.connects).to.equal(0);
      } finally {
        stub.restore();
      }
    });
  }

  it('an endpoint that never answers ends the call with server-unreachable, its request aborted', async () => {
    const saved = tokenTiming.timeoutMs;
    tokenTiming.timeoutMs = 300;
    const aborted: boolean[] = [];
    // Answers only by failing once the element gives up (as fetch does when aborted).
    const stub = stubTokenEndpoint(
      (_url, init) =>
        new Promise<Response>((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => {
            aborted.push(true);
            reject(new DOMException('aborted', 'AbortError'));
          }),
        ),
    );
    try {
      const { el, connector, seen } = await mount('/token/never');
      el.call();
      await until(() => el.state === 'idle', 3000);
      const errors = seen.filter((e) => (e as { type: string }).type === 'voip-error') as Array<{
        detail: { code: string; message: string };
      }>;
      expect(errors.map((e) => e.detail.code)).to.deep.equal(['server-unreachable']);
      expect(aborted).to.deep.equal([true]);
      expect(connector.connects).to.equal(0);
      expect(el.localStream === null, 'no microphone held').to.equal(true);
      // The button is not stuck: the next call tries again.
      el.call();
      await until(() => aborted.length === 2 && el.state === 'idle', 3000);
    } finally {
      tokenTiming.timeoutMs = saved;
      stub.restore();
    }
  });
});
