/**
 * End to end: the stack's Janus runs with token_auth. Without a valid token for the SIP plugin
 * the element gets `unauthorized`; with one (every other end-to-end test) calls connect.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TIMEOUT } from './support/test.js';
import { addButton, events, placeCall, waitForEvent, waitForState } from './support/browser.js';
import { useStackFixture, assertCalleeGotBye } from './support/fixture.js';
import { untilNoJanusSessions } from './support/stack.js';

const fixture = useStackFixture();

describe('Janus tokens', () => {
  for (const [what, tokenUrl] of [
    ['no token at all', null],
    ['an expired token', '/token/expired'],
    ['a tampered token', '/token/tampered'],
    ['a token for another plugin', '/token/other-plugin'],
  ] as const) {
    it(`${what} gives "unauthorized", and no call`, TIMEOUT, async () => {
      const { page } = await fixture.freshPage();
      const mark = fixture.baresip.mark();
      await addButton(page, { tokenUrl });
      await page.evaluate(() => window.vcbEl.call());
      const error = await waitForEvent(page, 'voip-error', 15_000);
      assert.equal(error.detail['code'], 'unauthorized');
      assert.match(String(error.detail['message']), /did not accept this page/);
      await waitForState(page, 'idle');
      assert.equal((await events(page)).filter((e) => e.type === 'voip-ended').length, 0);
      assert.deepEqual(fixture.baresip.events(mark), [], 'nothing reached the callee');
      await untilNoJanusSessions();
    });
  }

  it(
    'a call never outlives its token: it ends ("max-duration") just before, with a BYE and a warning',
    TIMEOUT,
    async (t) => {
      const { page } = await fixture.freshPage();
      const warnings: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'warning') warnings.push(m.text());
      });
      const mark = fixture.baresip.mark();
      await addButton(page, { tokenUrl: '/token/short' }); // a token that lives 15 s
      const start = await placeCall(page);
      await waitForEvent(page, 'voip-connected');
      const ended = await waitForEvent(page, 'voip-ended', 20_000);
      t.diagnostic(
        `ended ${((ended.at - start) / 1000).toFixed(1)} s after call() with a 15 s token`,
      );
      assert.equal(ended.detail['reason'], 'max-duration');
      assert.ok(ended.at - start < 15_000, 'before the token expired');
      const closed = await fixture.baresip.waitFor('CALL_CLOSED', 5000, mark);
      assert.match(String(closed.param), /reset by peer/i, 'the callee got a BYE');
      await untilNoJanusSessions();
      const warning = warnings.find((w) => w.includes('token-url gave a token that expires in'));
      assert.ok(warning, 'the site owner is told the token is short');
      assert.doesNotMatch(warning, /janus\.plugin\.sip:/, 'without the token');
    },
  );

  it(
    'max-duration ends a call after that many seconds, with a BYE to the callee',
    TIMEOUT,
    async (t) => {
      const { page } = await fixture.freshPage();
      const mark = fixture.baresip.mark();
      await addButton(page, { maxDuration: 3 });
      const start = await placeCall(page);
      const connected = await waitForEvent(page, 'voip-connected');
      const established = await fixture.baresip.waitFor('CALL_ESTABLISHED', 5000, mark);
      const ended = await waitForEvent(page, 'voip-ended', 10_000);
      t.diagnostic(
        `ended ${(ended.at - start).toFixed(0)} ms after call(), ${(ended.at - connected.at).toFixed(0)} ms after the answer`,
      );
      assert.equal(ended.detail['reason'], 'max-duration');
      assert.ok(ended.at - connected.at < 3500);
      // The limit counts from the start of the call: not before 3 s have passed since call().
      assert.ok(ended.at - start >= 2950, `ended ${(ended.at - start).toFixed(0)} ms after call()`);
      await assertCalleeGotBye(fixture.baresip, mark, String(established['id']));
      await waitForState(page, 'idle');
    },
  );

  it('the token never reaches an attribute, an event or storage', TIMEOUT, async () => {
    const { page } = await fixture.freshPage();
    // The token the element itself fetched (the body of its token-url response), and what it
    // sent to Janus over the WebSocket.
    const fetched: string[] = [];
    page.on('response', (res) => {
      if (new URL(res.url()).pathname === '/token')
        void res.json().then((body: { token: string }) => fetched.push(body.token));
    });
    const sent: string[] = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));
    const mark = fixture.baresip.mark();
    await addButton(page);
    await page.evaluate(() => window.vcbEl.call());
    await waitForEvent(page, 'voip-connected');
    await fixture.baresip.waitFor('CALL_ESTABLISHED', 5000, mark);
    assert.equal(fetched.length, 1, 'the element fetched one token');
    const token = fetched[0]!;
    assert.ok(
      sent.some((frame) => frame.includes(`"token":"${token}"`)),
      'and used that one with Janus',
    );
    // Its signature: what no other place has by chance (the expiry is just a number).
    const signature = token.split(':')[1]!;
    assert.ok(signature.length >= 20, `a signature: ${signature}`);
    const seen = await page.evaluate(
      (needles) => {
        // The document's markup and that of every shadow root (attributes inside them too).
        let markup = document.documentElement.outerHTML;
        const roots: Array<Document | ShadowRoot> = [document];
        for (let root = roots.pop(); root; root = roots.pop()) {
          for (const el of root.querySelectorAll('*')) {
            if (el.shadowRoot) {
              markup += el.shadowRoot.innerHTML;
              roots.push(el.shadowRoot);
            }
          }
        }
        return needles.map((needle) => ({
          html: markup.includes(needle),
          events: JSON.stringify(window.vcbLog).includes(needle),
          storage: JSON.stringify({ ...localStorage, ...sessionStorage }).includes(needle),
        }));
      },
      [token, signature],
    );
    assert.deepEqual(seen, [
      { html: false, events: false, storage: false },
      { html: false, events: false, storage: false },
    ]);
    await page.evaluate(() => window.vcbEl.hangup());
    await waitForState(page, 'idle');
  });
});
