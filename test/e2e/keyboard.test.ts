/**
 * End to end, keyboard only, on the real stack: a whole call without a pointer. The visitor tabs
 * to the button and presses Enter, tabs into the panel to Mute (Space), types a digit (a tone at
 * 2000), tabs to the message box and sends a text with Enter, goes back to the call button with
 * Shift+Tab and hangs up with Enter. Each step is checked at the far end (baresip) as well as in
 * the page, and the focus stays on the call button once the call is over. The floating variant's
 * card, folded with Escape mid-call, leaves the call going at both ends.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { addButton, events, waitForEvent, waitForState } from './support/browser.js';
import { assertCalleeGotBye, assertReleased, useStackFixture } from './support/fixture.js';
import { waitConsoleText } from './support/sip-observe.js';
import { baresipConsole } from './support/stack.js';
import { TIMEOUT } from './support/test.js';

const fixture = useStackFixture();

/** What has the focus, through the shadow roots: the innermost element's tag, part and id. */
function focused(page: Page): Promise<{ tag: string; part: string; host: string }> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    let host = '';
    while (el?.shadowRoot?.activeElement) {
      if (el.id) host = el.id;
      el = el.shadowRoot.activeElement;
    }
    return { tag: el?.tagName ?? '', part: el?.getAttribute('part') ?? '', host };
  });
}

/** Presses `key` until the focus is on what `wanted` accepts (at most 40 times). */
async function moveFocus(
  page: Page,
  key: 'Tab' | 'Shift+Tab',
  wanted: (f: { tag: string; part: string; host: string }) => boolean,
): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if (wanted(await focused(page))) return;
    await page.keyboard.press(key);
  }
  assert.fail(`the focus never got there with ${key}: ${JSON.stringify(await focused(page))}`);
}

const onPart = (part: string) => (f: { part: string; host: string }) =>
  f.host === 'under-test' && f.part.split(' ').includes(part);

describe('keyboard only', () => {
  it(
    'a whole call without a pointer: place, mute, a tone, a text message, hang up',
    TIMEOUT,
    async () => {
      const { page } = await fixture.freshPage();
      await addButton(page);
      const mark = fixture.baresip.mark();
      const consoleSince = baresipConsole().mark();

      // Tab to the call button, Enter: the call is placed and 2000 answers.
      await moveFocus(page, 'Tab', onPart('button'));
      await page.keyboard.press('Enter');
      await waitForEvent(page, 'voip-connected');
      const established = await fixture.baresip.waitFor('CALL_ESTABLISHED', 5000, mark);

      // Tab into the panel to Mute; Space mutes, Space again unmutes.
      await moveFocus(page, 'Tab', onPart('mute'));
      await page.keyboard.press('Space');
      await page.keyboard.press('Space');
      const mutes = (await events(page)).filter((e) => e.type === 'voip-mute');
      assert.deepEqual(
        mutes.map((e) => e.detail['muted']),
        [true, false],
      );

      // A digit typed while the panel has the focus: a tone, received by 2000.
      await page.keyboard.type('5');
      for (let i = 0; i < 50; i++) {
        if (fixture.baresip.events(mark).some((e) => e.type === 'CALL_DTMF_START')) break;
        await sleep(100);
      }
      assert.deepEqual(
        fixture.baresip
          .events(mark)
          .filter((e) => e.type === 'CALL_DTMF_START')
          .map((e) => e.param),
        ['5'],
        'one tone, 5, at 2000',
      );

      // Tab to the message box; typed text and Enter: the message reaches 2000, no tone.
      await moveFocus(page, 'Tab', onPart('message-input'));
      await page.keyboard.type('Sent with the keyboard 123');
      await page.keyboard.press('Enter');
      const status = await waitForEvent(page, 'voip-message-status');
      assert.equal(status.detail['status'], 'delivered');
      const shown = await waitConsoleText('Sent with the keyboard 123', consoleSince, 5000);
      assert.match(shown.text, /Sent with the keyboard 123/);
      assert.equal(
        fixture.baresip.events(mark).filter((e) => e.type === 'CALL_DTMF_START').length,
        1,
        'the digits typed in the message were text, not tones',
      );

      // Back to the call button with Shift+Tab; Enter hangs up; 2000 gets the BYE.
      await moveFocus(page, 'Shift+Tab', onPart('button'));
      await page.keyboard.press('Enter');
      const ended = await waitForEvent(page, 'voip-ended');
      assert.equal(ended.detail['reason'], 'local-hangup');
      await assertCalleeGotBye(fixture.baresip, mark, String(established['id']));
      await waitForState(page, 'idle');
      assert.ok(onPart('button')(await focused(page)), 'the focus stays on the call button');
      await assertReleased(page);
    },
  );

  it(
    'the floating variant: open the card, call, fold it mid-call with Escape (2000 stays in the call), open it again, hang up',
    TIMEOUT,
    async () => {
      const { page } = await fixture.freshPage();
      await addButton(page, { attributes: { variant: 'floating' } });
      await page.waitForFunction(
        () =>
          !!document.querySelector('#under-test')?.shadowRoot?.querySelector('[part="launcher"]'),
      );
      const launcher = page.locator('#under-test [part="launcher"]');
      assert.equal((await launcher.textContent())?.trim(), 'Call the test line');
      const mark = fixture.baresip.mark();

      // Tab to the round button, Enter opens the card with the focus on its call button.
      await moveFocus(page, 'Tab', onPart('launcher'));
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => {
        const root = document.querySelector('#under-test')!.shadowRoot!;
        return root.activeElement?.getAttribute('part') === 'button';
      });
      await page.keyboard.press('Enter');
      await waitForEvent(page, 'voip-connected');
      const established = await fixture.baresip.waitFor('CALL_ESTABLISHED', 5000, mark);

      // Escape folds the card; the call goes on at both ends, its audio too.
      const inbound = () =>
        page.evaluate(async () => {
          const pc = (window as unknown as { vcbPeers: () => RTCPeerConnection[] })
            .vcbPeers()
            .at(-1)!;
          let packets = 0;
          (await pc.getStats()).forEach(
            (s: { type: string; kind?: string; packetsReceived?: number }) => {
              if (s.type === 'inbound-rtp' && s.kind === 'audio') packets = s.packetsReceived ?? 0;
            },
          );
          return packets;
        });
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => {
        const root = document.querySelector('#under-test')!.shadowRoot!;
        return (
          root.activeElement?.getAttribute('part') === 'launcher' &&
          root.querySelector('[part="card"]')!.getClientRects().length === 0
        );
      });
      assert.equal((await launcher.textContent())?.trim(), 'Back to the call');
      assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
      const before = await inbound();
      await sleep(1500);
      assert.ok((await inbound()) > before + 50, 'the far end is still heard while folded');
      assert.deepEqual(
        fixture.baresip.events(mark).filter((e) => e.type === 'CALL_CLOSED'),
        [],
        '2000 is still in the call',
      );
      assert.equal(await page.evaluate(() => window.vcbEl.state), 'in-call');

      // Enter on the round button opens the card again; Enter on its call button hangs up.
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => {
        const root = document.querySelector('#under-test')!.shadowRoot!;
        return root.activeElement?.getAttribute('part') === 'button';
      });
      await page.keyboard.press('Enter');
      const ended = await waitForEvent(page, 'voip-ended');
      assert.equal(ended.detail['reason'], 'local-hangup');
      await assertCalleeGotBye(fixture.baresip, mark, String(established['id']));
      await waitForState(page, 'idle');
      assert.equal((await launcher.textContent())?.trim(), 'Call the test line');
      await assertReleased(page);
    },
  );
});
