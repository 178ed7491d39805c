/**
 * End to end, text beside voice on the real stack: the visitor's messages reach the far end (SIP
 * MESSAGE in the call's dialog, through Kamailio, shown on baresip's console) with their
 * delivery state, the far end's messages reach the page (baresip's out-of-dialog MESSAGE that
 * Kamailio routes to the visitor of its current call; the agent's in-dialog MESSAGE) and show as
 * text, a refused delivery (the agent answers 415) is marked failed and can be retried, and the
 * rate limit sends nothing past five messages in 5 s.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { TIMEOUT } from './support/test.js';
import { events, waitForEvent, waitForState } from './support/browser.js';
import { useStackFixture } from './support/fixture.js';
import {
  agent,
  agentLog,
  callAgent,
  dialogMessages,
  sendTextFromExtension,
  waitConsoleText,
  waitDialogMessages,
  waitExtensionMessage,
  waitSipReply,
} from './support/sip-observe.js';
import { baresipConsole, kamailio } from './support/stack.js';
import { setTimeout as sleep } from 'node:timers/promises';

const fixture = useStackFixture();

/** A locator inside the element's in-call panel (Playwright pierces the shadow roots). */
const panel = (page: Page, selector: string) =>
  page.locator(`#under-test voip-call-panel ${selector}`);

/** `sendMessage(text)` in the page: how it settled. */
function send(page: Page, text: string): Promise<{ ok: boolean; code?: string }> {
  return page.evaluate(
    (t) =>
      window.vcbEl.sendMessage(t).then(
        () => ({ ok: true }),
        (e: { code?: string }) => ({ ok: false, code: e.code }),
      ),
    text,
  );
}

describe('text during the call', () => {
  it(
    "both ways with 2000: delivered to baresip, baresip's reply shown as text (never HTML)",
    TIMEOUT,
    async () => {
      const since = kamailio.mark();
      const consoleSince = baresipConsole().mark();
      const { page, callId } = await fixture.connectedCall();
      // The Text view is open once the call is answered.
      await panel(page, '[part="message-input"]').waitFor();
      // Typed and sent with Enter, as a visitor does.
      await panel(page, '[part="message-input"]').fill('Hello from the page — ünïcode ✓');
      await panel(page, '[part="message-input"]').press('Enter');
      const status = await waitForEvent(page, 'voip-message-status');
      assert.equal(status.detail['status'], 'delivered');
      const out = (await events(page)).find((e) => e.type === 'voip-message');
      assert.equal(out?.detail['direction'], 'out');
      assert.equal(out?.detail['text'], 'Hello from the page — ünïcode ✓');
      assert.equal(status.detail['id'], out?.detail['id']);
      // At the far end: the MESSAGE in the call's dialog, its 200, and baresip showing the text.
      const [message] = await waitDialogMessages(since, 3000, callId);
      assert.equal(message!.contentType, 'text/plain');
      assert.equal(message!.body, 'Hello from the page — ünïcode ✓');
      assert.equal((await waitSipReply('MESSAGE', since, 3000, callId)).code, 200);
      const shown = await waitConsoleText('Hello from the page', consoleSince, 3000);
      assert.match(shown.text, /Hello from the page/);

      // baresip answers: markup and a script must arrive as text.
      const html = '<b>bold</b> <img src=x onerror="window.vcbPwned=1"> & https://example.com/help';
      sendTextFromExtension(fixture.baresip, html);
      const routed = await waitExtensionMessage(since, 3000, '2000');
      assert.equal(routed.callId, callId, 'Kamailio routed it to the visitor of this call');
      const incoming = await waitForEvent(page, 'voip-message', 5000, 2);
      assert.equal(incoming.detail['direction'], 'in');
      assert.equal(incoming.detail['text'], html);
      const shownIn = panel(page, '[part~="message-in"] [part="message-text"]').last();
      assert.equal(await shownIn.textContent(), html);
      assert.equal(await shownIn.locator('b, img').count(), 0, 'no markup was rendered');
      // The https: link is a link, opened safely.
      const link = shownIn.locator('a');
      assert.equal(await link.getAttribute('href'), 'https://example.com/help');
      assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
      assert.equal(
        await page.evaluate(() => (window as { vcbPwned?: number }).vcbPwned),
        undefined,
      );

      await page.evaluate(() => window.vcbEl.hangup());
      const ended = await waitForEvent(page, 'voip-ended');
      assert.equal(ended.detail['messages'], 2);
      // The conversation stays readable until the next call.
      assert.equal(await page.evaluate(() => window.vcbEl.messages.length), 2);
    },
  );

  it(
    'a refused delivery (the agent answers 415) is marked failed, and Retry delivers it',
    TIMEOUT,
    async () => {
      const since = agentLog().mark();
      const { page } = await fixture.freshPage();
      await callAgent(page);
      try {
        const result = await send(page, 'Can you read me?');
        assert.deepEqual(result, { ok: false, code: 'message-failed' });
        const status = await waitForEvent(page, 'voip-message-status');
        assert.deepEqual(
          { status: status.detail['status'], sipCode: status.detail['sipCode'] },
          { status: 'failed', sipCode: 415 },
        );
        const error = await waitForEvent(page, 'voip-error');
        assert.equal(error.detail['code'], 'message-failed');
        await agentLog().waitFor(/MESSAGE .*body="Can you read me\?" -> 415/, 3000, since);
        // The text stays in the conversation, with a Retry action.
        assert.equal(
          await panel(page, '[part~="message-out"] [part="message-text"]').textContent(),
          'Can you read me?',
        );
        await agent.setMessageReply(200);
        await panel(page, '[part="retry"]').click();
        await waitForEvent(page, 'voip-message-status', 5000, 2);
        const statuses = (await events(page)).filter((e) => e.type === 'voip-message-status');
        assert.equal(statuses.at(-1)?.detail['status'], 'delivered');
        await agentLog().waitFor(/MESSAGE .*body="Can you read me\?" -> 200/, 3000, since);
        assert.equal(await panel(page, '[part="retry"]').count(), 0);
      } finally {
        await agent.setMessageReply(415);
      }
      // The agent's own in-dialog MESSAGE reaches the page too.
      await agent.message('Thanks, one moment please.');
      const incoming = await waitForEvent(page, 'voip-message', 5000, 3);
      assert.deepEqual(
        { direction: incoming.detail['direction'], text: incoming.detail['text'] },
        { direction: 'in', text: 'Thanks, one moment please.' },
      );
      await page.evaluate(() => window.vcbEl.hangup());
      await waitForState(page, 'idle');
    },
  );

  it('a sixth message within 5 s is refused (rate-limited) and never sent', TIMEOUT, async () => {
    const since = kamailio.mark();
    const { page, callId } = await fixture.connectedCall();
    const results = [];
    for (let i = 1; i <= 6; i += 1) results.push(await send(page, `message ${i}`));
    assert.deepEqual(results.slice(0, 5), Array(5).fill({ ok: true }));
    assert.deepEqual(results[5], { ok: false, code: 'rate-limited' });
    await sleep(1000);
    const sent = dialogMessages(since, callId).map((m) => m.body);
    assert.deepEqual(sent, ['message 1', 'message 2', 'message 3', 'message 4', 'message 5']);
    const errors = (await events(page)).filter((e) => e.type === 'voip-error');
    assert.deepEqual(
      errors.map((e) => e.detail['code']),
      ['rate-limited'],
    );
    await page.evaluate(() => window.vcbEl.hangup());
    await waitForState(page, 'idle');
  });
});
