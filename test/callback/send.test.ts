/** The callback POST (src/callback/send.ts): outcomes by status, and the timeout. */
import { expect } from '@open-wc/testing';
import { sendCallback } from '../../src/callback/send.js';

const request = { id: 'abcdefgh12', phone: '+6281234567890' };
const realFetch = window.fetch;

describe('sendCallback', () => {
  afterEach(() => {
    window.fetch = realFetch;
  });

  it('maps statuses: 2xx sent, 5xx retry, others refused (with a 400 field)', async () => {
    const answers: Response[] = [
      new Response(null, { status: 202 }),
      new Response(null, { status: 502 }),
      Response.json({ field: 'phone' }, { status: 400 }),
      new Response('not json', { status: 400 }),
      new Response(null, { status: 409 }),
    ];
    window.fetch = () => Promise.resolve(answers.shift()!);
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await sendCallback('/cb', '', request));
    expect(outcomes).to.deep.equal([
      'sent',
      'retry',
      { refused: 400, field: 'phone' },
      { refused: 400 },
      { refused: 409 },
    ]);
  });

  it('gives up after the timeout, token included: retry', async () => {
    window.fetch = (_: RequestInfo | URL, init?: RequestInit) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)),
      );
    const started = Date.now();
    expect(await sendCallback('/cb', '', request, 50)).to.equal('retry');
    expect(await sendCallback('/cb', '/token', request, 50)).to.equal('retry');
    expect(Date.now() - started).to.be.below(2000);
  });

  it('retries when the token answer has no token', async () => {
    window.fetch = () => Promise.resolve(Response.json({ nope: 1 }));
    expect(await sendCallback('/cb', '/token', request)).to.equal('retry');
  });

  it('sends the token to its own origin only: another site gets the request without it', async () => {
    const asked: Array<{ url: string; authorization: string | null }> = [];
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      asked.push({ url, authorization: new Headers(init?.headers).get('authorization') });
      return Promise.resolve(
        url.endsWith('/token')
          ? Response.json({ token: 'T' })
          : new Response(null, { status: 204 }),
      );
    };
    const own = new URL('/cb', location.href).href;
    expect(await sendCallback(own, '/token', request)).to.equal('sent');
    expect(await sendCallback('https://crm.example.com/cb', '/token', request)).to.equal('sent');
    expect(asked).to.deep.equal([
      { url: '/token', authorization: null },
      { url: own, authorization: 'Bearer T' },
      { url: 'https://crm.example.com/cb', authorization: null },
    ]);
  });
});
