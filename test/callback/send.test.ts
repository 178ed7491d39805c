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
});
