/**
 * End to end: what a visitor does while a call is still being set up, with real (trusted) mouse
 * clicks on the element's button, on the real stack. A double click places exactly one call: a
 * second click within 500 ms of the click that started the call is ignored, and a click after
 * that hangs up. Hanging up 10 ms after the click ends the call attempt with one terminal event,
 * leaves nothing behind, sends no INVITE (or CANCELs it), and the next call connects.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TIMEOUT } from './support/test.js';
import type { Page } from 'playwright-core';
import { addButton, events, states } from './support/browser.js';
import { assertEndedByUs, assertReleased, useStackFixture } from './support/fixture.js';
import { kamailio, literal } from './support/stack.js';
import { setTimeout as sleep } from 'node:timers/promises';

const fixture = useStackFixture();

/** The initial INVITEs to the answering extension that reached Kamailio after `since`. */
const invitesSince = (since: number) => kamailio.lines(/vcb: INVITE call-id=\S+ to '2000'/, since);

declare global {
  interface Window {
    /** The trusted mouse events that reached the page: type and time (page clock). */
    vcbMouse: Array<{ type: string; at: number }>;
  }
}

/**
 * Prepares a page with the test element, records the trusted clicks that reach it and the
 * page's uncaught errors (for the messages), and returns where to click its button.
 */
async function setUp(): Promise<{ page: Page; x: number; y: number; pageErrors: string[] }> {
  const { page } = await fixture.freshPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await addButton(page);
  await page.evaluate(() => {
    window.vcbMouse = [];
    for (const type of ['mousedown', 'mouseup', 'click']) {
      document.addEventListener(
        type,
        (e) => {
          if (e.isTrusted) window.vcbMouse.push({ type, at: performance.now() });
        },
        true,
      );
    }
  });
  // The element is appended below the demo page's content: scrolled into view, since a trusted
  // click goes to viewport coordinates.
  const button = page.locator('#under-test [part="button"]');
  await button.scrollIntoViewIfNeeded();
  const box = await button.boundingBox();
  const viewport = page.viewportSize();
  assert.ok(
    box && viewport && box.y >= 0 && box.y + box.height <= viewport.height,
    'the button is on screen',
  );
  return { page, x: box.x + box.width / 2, y: box.y + box.height / 2, pageErrors };
}

/**
 * A real double click at (x, y): two presses and releases `gapMs` apart, dispatched as input
 * events (trusted, as the visitor's mouse), the second with a click count of 2. The second is
 * sent without waiting for the page to handle the first, as a mouse does.
 */
async function doubleClick(page: Page, x: number, y: number, gapMs: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const send = (type: 'mouseMoved' | 'mousePressed' | 'mouseReleased', clickCount = 0) =>
      cdp.send('Input.dispatchMouseEvent', {
        type,
        x,
        y,
        button: type === 'mouseMoved' ? 'none' : 'left',
        buttons: type === 'mousePressed' ? 1 : 0,
        clickCount,
      });
    await send('mouseMoved');
    const first = [send('mousePressed', 1), send('mouseReleased', 1)];
    await sleep(gapMs);
    const second = [send('mousePressed', 2), send('mouseReleased', 2)];
    await Promise.all([...first, ...second]);
  } finally {
    await cdp.detach();
  }
}

/**
 * Waits (up to 15 s) until the element is in one of the `wanted` states, or has ended the call
 * attempt (`voip-ended` or `voip-error`, then `idle`); returns the state. Fails with what the
 * element went through and the page's errors when it gets stuck on the way.
 */
async function settles(page: Page, wanted: string[], pageErrors: string[]): Promise<string> {
  const end = Date.now() + 15_000;
  let state = '';
  while (Date.now() < end) {
    state = await page.evaluate(() => window.vcbEl.state);
    if (wanted.includes(state)) return state;
    const over = (await events(page)).some(
      (e) => e.type === 'voip-ended' || e.type === 'voip-error',
    );
    if (over && state === 'idle') return state;
    await sleep(100);
  }
  assert.fail(
    `stuck in "${state}" (states: ${(await states(page)).join(' → ')}; page errors: ${
      pageErrors.join(' | ') || 'none'
    })`,
  );
}

/** What the element went through: its states, terminal events and the page's errors. */
async function story(page: Page, pageErrors: string[]): Promise<string> {
  const terminal = (await events(page)).filter(
    (e) => e.type === 'voip-ended' || e.type === 'voip-error',
  );
  return `states: ${(await states(page)).join(' → ')}; ended: ${JSON.stringify(
    terminal.map((e) => ({ type: e.type, ...e.detail })),
  )}; page errors: ${pageErrors.join(' | ') || 'none'}`;
}

describe('actions during call set-up (trusted clicks)', () => {
  it(
    'a double click (30 ms apart) places exactly one call; a click after 500 ms hangs up',
    TIMEOUT,
    async (t) => {
      const { page, x, y, pageErrors } = await setUp();
      const since = kamailio.mark();
      const mark = fixture.baresip.mark();
      await doubleClick(page, x, y, 30);
      const mouse = await page.evaluate(() => window.vcbMouse);
      assert.deepEqual(
        mouse.map((e) => e.type),
        ['mousedown', 'mouseup', 'click', 'mousedown', 'mouseup', 'click'],
        'two trusted clicks reached the page, one after the other',
      );
      const clicks = mouse.filter((e) => e.type === 'click').map((e) => e.at);
      const gap = clicks[1]! - clicks[0]!;
      t.diagnostic(`the two clicks reached the page ${gap.toFixed(0)} ms apart`);
      assert.ok(gap < 500, `within the 500 ms of the first (${gap.toFixed(0)} ms)`);

      const state = await settles(page, ['in-call'], pageErrors);
      assert.equal(state, 'in-call', `the call goes on (${await story(page, pageErrors)})`);
      const established = await fixture.baresip.waitFor('CALL_ESTABLISHED', 5000, mark);
      const invites = invitesSince(since);
      assert.equal(invites.length, 1, `one INVITE at Kamailio: ${invites.join(' | ')}`);
      assert.match(invites[0]!, new RegExp(`call-id=${literal(String(established['id']))} `));
      assert.equal(
        fixture.baresip.events(mark).filter((e) => e.type === 'CALL_ESTABLISHED').length,
        1,
        'one call at the callee',
      );
      assert.equal((await events(page)).filter((e) => e.type === 'voip-connected').length, 1);
      assert.deepEqual(
        (await events(page)).filter((e) => e.type === 'voip-ended' || e.type === 'voip-error'),
        [],
        'the second click did not end the call',
      );

      // More than 500 ms after the first click: a click is a hang-up again.
      const now = await page.evaluate(() => performance.now());
      await sleep(Math.max(0, clicks[0]! + 600 - now));
      await page.mouse.click(x, y);
      await assertEndedByUs(page, fixture.baresip, mark, String(established['id']));
      await assertReleased(page);
    },
  );

  it(
    'hanging up 10 ms after the click: one terminal event, nothing left, and the next call connects',
    TIMEOUT,
    async (t) => {
      const { page, x, y, pageErrors } = await setUp();
      // hangup() from the page, 10 ms after the click: a second click that soon would be ignored.
      await page.evaluate(() => {
        document.addEventListener(
          'click',
          (e) => {
            if (e.isTrusted) setTimeout(() => window.vcbEl.hangup(), 10);
          },
          { capture: true, once: true },
        );
      });
      const since = kamailio.mark();
      const mark = fixture.baresip.mark();
      await page.mouse.click(x, y);

      await settles(page, ['idle'], pageErrors);
      const terminal = (await events(page)).filter(
        (e) => e.type === 'voip-ended' || e.type === 'voip-error',
      );
      t.diagnostic(`states: ${(await states(page)).join(' → ')}; ${JSON.stringify(terminal)}`);
      assert.equal(terminal.length, 1, `one terminal event: ${JSON.stringify(terminal)}`);
      const [end] = terminal;
      if (end!.type === 'voip-ended') assert.equal(end!.detail['reason'], 'cancelled');
      await assertReleased(page);

      // Whatever was sent must not become a call: an INVITE (if any) was CANCELled, and the
      // callee never saw a call. A late INVITE would show within a second.
      await sleep(1000);
      const invites = invitesSince(since);
      t.diagnostic(`${invites.length} INVITE(s) reached Kamailio`);
      if (end!.type === 'voip-error') assert.deepEqual(invites, [], 'voip-error: nothing was sent');
      for (const invite of invites) {
        const callId = /call-id=(\S+)/.exec(invite)![1]!;
        assert.equal(
          kamailio.lines(new RegExp(`vcb: CANCEL call-id=${literal(callId)} `), since).length,
          1,
          `the INVITE ${callId} was CANCELled`,
        );
      }
      assert.deepEqual(
        fixture.baresip.events(mark).filter((e) => e.type === 'CALL_ESTABLISHED'),
        [],
        'no call reached the callee',
      );

      await fixture.nextCallConnects(page);
    },
  );
});
