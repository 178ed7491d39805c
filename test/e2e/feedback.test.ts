/**
 * The visitor's rating after a real call (`feedback`): the call is answered by the stack's callee
 * and hung up by the visitor (the callee gets the BYE), the form asks, and `voip-feedback` carries
 * the rating, the problems ticked and the very `voip-call-summary` of that call. The next call is not held up by the form.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TIMEOUT } from './support/test.js';
import { waitForEvent, waitForState } from './support/browser.js';
import { assertEndedByUs, useStackFixture } from './support/fixture.js';

const fixture = useStackFixture();

type RatedWindow = Window & { vcbRated: Array<Record<string, unknown>> };

describe('the rating after a call', () => {
  it(
    'asks after an answered call; voip-feedback carries the rating, the problems and that call’s summary',
    TIMEOUT,
    async (t) => {
      const { page, mark, callId } = await fixture.connectedCall({ attributes: { feedback: '' } });
      await page.evaluate(() => {
        const w = window as unknown as RatedWindow;
        w.vcbRated = [];
        w.vcbEl.addEventListener('voip-feedback', (e) =>
          w.vcbRated.push((e as CustomEvent).detail as Record<string, unknown>),
        );
      });
      // One quality sample (every 3 s) in the summary.
      await new Promise((r) => setTimeout(r, 3500));
      await page.evaluate(() => window.vcbEl.hangup());
      await assertEndedByUs(page, fixture.baresip, mark, callId);
      const summary = await waitForEvent(page, 'voip-call-summary');
      const rating = page.locator('#under-test [part="feedback-rating"] input');
      await rating.nth(1).check();
      // Below 4, what went wrong: the third problem is choppy audio.
      await page.locator('#under-test [part="feedback-problem"] input').nth(2).check();
      await page.locator('#under-test [part~="feedback-send"]').click();
      const rated = await page.evaluate(() => (window as unknown as RatedWindow).vcbRated);
      t.diagnostic(`voip-feedback: ${JSON.stringify(rated)}`);
      assert.equal(rated.length, 1);
      assert.equal(rated[0]!['rating'], 2);
      assert.deepEqual(rated[0]!['problems'], ['choppy-audio']);
      assert.deepEqual(rated[0]!['summary'], summary.detail);
      assert.equal(summary.detail['reason'], 'local-hangup');
      assert.ok(Number(summary.detail['samples']) >= 1, 'a quality sample');
      assert.match(
        (await page.locator('#under-test [part="feedback-status"]').textContent()) ?? '',
        /Thank you/,
      );
      // A second answered call, rated or not, is never held up: it starts at once.
      await fixture.nextCallConnects(page);
      await waitForState(page, 'idle');
    },
  );
});
