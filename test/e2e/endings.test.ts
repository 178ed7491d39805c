/**
 * End to end: how calls end when the far end refuses or never answers, on the real stack.
 * Each ends with one voip-ended carrying its documented reason, back to idle, nothing left.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TIMEOUT } from './support/test.js';
import { addButton, waitForEvent, waitForState } from './support/browser.js';
import { assertReleased, useStackFixture } from './support/fixture.js';
import { Baresip, kamailio, literal, stack } from './support/stack.js';

const fixture = useStackFixture();

/**
 * Waits for the CANCEL of the call to 2002 at Kamailio, after `since`, and for the held INVITE's
 * timer to find its transaction gone (after VCB_RINGING_SECONDS; Kamailio's tm logs it): the
 * INVITE was never relayed, so 2002 never saw the call.
 */
async function cancelledAtKamailio(since: number): Promise<void> {
  const [cancel] = await kamailio.waitFor(/vcb: CANCEL .*to '2002'/, 2000, since);
  const callId = /call-id=(\S+)/.exec(cancel!)?.[1];
  assert.ok(callId, cancel);
  await kamailio.waitFor(/t_continue_helper\(\): active transaction not found/, 5000, since);
  assert.deepEqual(
    kamailio.lines(new RegExp(`ext 2002: relaying to .*${literal(callId)}`), since),
    [],
    'the INVITE was never relayed to 2002',
  );
}

describe('how calls end', () => {
  for (const [what, number, reason, sipCode, text] of [
    ['a declined call', stack.extDeclined, 'declined', 603, /declined/],
    ['an unavailable line', stack.extUnavailable, 'unavailable', 480, /Nobody is available/],
    [
      'an unavailable service',
      stack.extServiceUnavailable,
      'service-unavailable',
      503,
      /unavailable/,
    ],
    ["the SIP side's own timeout", stack.extTimeout, 'no-answer', 408, /No answer/],
  ] as const) {
    it(`${what} (SIP ${sipCode}) ends with "${reason}"`, TIMEOUT, async () => {
      const { page } = await fixture.freshPage();
      await addButton(page, { number });
      await page.evaluate(() => window.vcbEl.call());
      const ended = await waitForEvent(page, 'voip-ended');
      assert.deepEqual(ended.detail, { reason, sipCode, durationMs: 0, messages: 0 });
      await assertReleased(page);
      assert.match((await page.locator('#under-test [part="status"]').textContent()) ?? '', text);
    });
  }

  it(
    'ring-timeout cancels a call nobody answers: "no-answer", and the callee side sees the CANCEL',
    TIMEOUT,
    async (t) => {
      const since = kamailio.mark();
      const { page } = await fixture.freshPage();
      await addButton(page, { number: stack.extRinging });
      await page.evaluate(() => window.vcbEl.setAttribute('ring-timeout', '1'));
      await page.evaluate(() => window.vcbEl.call());
      const calling = await waitForEvent(page, 'voip-state-change');
      const ended = await waitForEvent(page, 'voip-ended', 10_000);
      t.diagnostic(
        `no-answer ${((ended.at - calling.at) / 1000).toFixed(1)} s after call() with ring-timeout=1`,
      );
      assert.equal(ended.detail['reason'], 'no-answer');
      assert.ok(ended.at - calling.at < 3000, 'before 2002 would have answered (3 s)');
      await assertReleased(page);
      await cancelledAtKamailio(since);
    },
  );

  it('hanging up while it rings ends with "cancelled", with a CANCEL', TIMEOUT, async () => {
    const since = kamailio.mark();
    const { page } = await fixture.freshPage();
    await addButton(page, { number: stack.extRinging });
    await page.evaluate(() => window.vcbEl.call());
    await waitForState(page, 'ringing');
    await page.evaluate(() => window.vcbEl.hangup());
    const ended = await waitForEvent(page, 'voip-ended');
    assert.equal(ended.detail['reason'], 'cancelled');
    await assertReleased(page);
    await cancelledAtKamailio(since);
    const callee = await Baresip.open(stack.baresipRingingCtrl);
    try {
      await fixture.nextCallConnects(page, callee); // 2002 answers after its 3 s of ringing
    } finally {
      callee.close();
    }
  });
});
