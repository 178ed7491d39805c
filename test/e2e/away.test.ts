/**
 * End to end, when nobody can answer, on the real stack: opening hours that are closed now (no
 * call reaches Kamailio, the hours are shown in the business's zone whatever the visitor's), the
 * "Request a callback" form posting to the demo backend's callbackHandler (what was typed arrives
 * intact, a 503 keeps everything and a retry carries the same id, a bad phone sends nothing),
 * hours that are open now (the call reaches 2000), "Leave a message" (the call reaches the
 * voicemail box, 2011, which records the visitor's microphone) and the offers after a busy call.
 * Each test checks the far end (Kamailio's log, baresip, the backend), not only the element.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { addButton, events, waitForEvent, waitForState } from './support/browser.js';
import { AUDIBLE, assertSustained, cspViolations, useStackFixture } from './support/fixture.js';
import { holdings } from './support/probe.js';
import {
  Baresip,
  kamailio,
  stack,
  untilNoJanusSessions,
  voicemail,
  voicemailRecordings,
} from './support/stack.js';
import { TIMEOUT } from './support/test.js';
import { wavComplete, wavRms, wavWindows } from './support/wav.js';

const fixture = useStackFixture();

const HOUR = 3_600_000;
/** "HH:00" of the current UTC hour plus `offset` hours (taken at `base`). */
const hh = (base: number, offset: number) =>
  `${String((new Date(base).getUTCHours() + offset + 24) % 24).padStart(2, '0')}:00`;

/** Hours closed now: one hour starting two hours from now, with the next opening. */
function closedNow() {
  const base = Date.now();
  return {
    hours: `Mo-Su ${hh(base, 2)}-${hh(base, 3)}`,
    opens: Math.floor(base / HOUR) * HOUR + 2 * HOUR,
    opensAt: hh(base, 2),
  };
}

/** Hours open now: from an hour ago to two hours from now, with when they close. */
function openNow() {
  const base = Date.now();
  return {
    hours: `Mo-Su ${hh(base, -1)}-${hh(base, 2)}`,
    closes: Math.floor(base / HOUR) * HOUR + 2 * HOUR,
  };
}

/** What the away tests log in the page: the test element's events, from the first one. */
interface AwayEvent {
  type: string;
  detail: Record<string, unknown>;
}

declare global {
  interface Window {
    vcbAway: AwayEvent[];
  }
}

const AWAY_EVENTS = [
  'voip-hours',
  'voip-error',
  'voip-state-change',
  'voip-ended',
  'voip-callback-request',
  'voip-callback-sent',
];

/**
 * A demo page (in a context with the visitor's `timezoneId`, when given) with a test element
 * carrying `attributes`; resolves once its hours were evaluated (its first `voip-hours`).
 */
async function awayPage(
  attributes: Record<string, string>,
  { number = stack.extAnswer, timezoneId }: { number?: string; timezoneId?: string } = {},
): Promise<Page> {
  const { page } = await fixture.freshPage(undefined, {
    context: timezoneId ? { timezoneId } : {},
    init: async (context) => void (await context.addInitScript(logAwayEvents, AWAY_EVENTS)),
  });
  await addButton(page, { number, rawAudio: true, attributes });
  await page.waitForFunction(() => window.vcbAway.some((e) => e.type === 'voip-hours'));
  return page;
}

/**
 * Logs the test element's events from its first one: capturing at the document sees them before
 * addButton's own log exists (composed ones from the form's shadow root too).
 */
const logAwayEvents = (types: string[]) => {
  window.vcbAway = [];
  for (const type of types) {
    document.addEventListener(
      type,
      (e) => {
        if ((e.target as Element | null)?.id === 'under-test')
          window.vcbAway.push({
            type,
            detail: (e as CustomEvent).detail as Record<string, unknown>,
          });
      },
      true,
    );
  }
};

/** A page whose hours are closed now, its callback form open. */
async function callbackFormPage(): Promise<Page> {
  const page = await awayPage({
    hours: closedNow().hours,
    'time-zone': 'UTC',
    'callback-url': '/callback',
  });
  await part(page, '[part~="request-callback"]').click();
  return page;
}

const awayEvents = (page: Page, type: string): Promise<AwayEvent[]> =>
  page.evaluate((t) => window.vcbAway.filter((e) => e.type === t), type);

/** A locator inside the test element (Playwright pierces the shadow roots). */
const part = (page: Page, selector: string) => page.locator(`#under-test ${selector}`);
const form = (page: Page, selector: string) => part(page, `voip-callback-form ${selector}`);

/** What the demo backend received: the requests onRequest got, and every POST with its status. */
interface Backend {
  received: Array<Record<string, unknown>>;
  attempts: Array<{ id: string | null; status: number; injected: boolean }>;
}
async function backend(): Promise<Backend> {
  const res = await fetch(new URL('/test/callbacks', fixture.demoUrl));
  assert.equal(res.status, 200);
  return (await res.json()) as Backend;
}
/** Only what came after `before`. */
async function backendSince(before: Backend): Promise<Backend> {
  const now = await backend();
  return {
    received: now.received.slice(before.received.length),
    attempts: now.attempts.slice(before.attempts.length),
  };
}

/** Page-side release: no peer connection, live track or open socket, and no Janus session. */
async function assertNothingLeft(page: Page): Promise<void> {
  let held = await holdings(page);
  for (let i = 0; (held.peerConnections || held.liveTracks || held.openSockets) && i < 30; i++) {
    await sleep(100);
    held = await holdings(page);
  }
  // (The hours' own timer, their next change, stays by design: timeouts are not counted.)
  assert.deepEqual(
    {
      peerConnections: held.peerConnections,
      liveTracks: held.liveTracks,
      openSockets: held.openSockets,
      intervals: held.intervals,
    },
    { peerConnections: 0, liveTracks: 0, openSockets: 0, intervals: 0 },
    'the page holds nothing of a call',
  );
  await untilNoJanusSessions(3000);
  assert.deepEqual(await cspViolations(page), [], 'no CSP violation');
}

const invitesTo = (ext: string, since: number) =>
  kamailio.lines(new RegExp(`vcb: INVITE call-id=\\S+ to '${ext}'`), since);

describe('closed now', () => {
  it(
    'the button is disabled, the hours say when it opens (business time, UTC), no call is placed; the callback form reaches the backend intact',
    TIMEOUT,
    async () => {
      const since = kamailio.mark();
      const mark = fixture.baresip.mark();
      const before = await backend();
      const { hours, opens, opensAt } = closedNow();
      const page = await awayPage(
        { hours, 'time-zone': 'UTC', 'callback-url': '/callback', voicemail: voicemail.ext },
        { timezoneId: 'Pacific/Auckland' },
      );
      // The visitor's clock is in Auckland, the business's hours in UTC.
      assert.notEqual(
        await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone),
        'UTC',
      );
      const [first, ...more] = await awayEvents(page, 'voip-hours');
      assert.deepEqual(first?.detail, { open: false, nextChange: opens });
      assert.deepEqual(more, [], 'one voip-hours');
      assert.equal(await page.evaluate(() => window.vcbEl.open), false);
      await assert.doesNotReject(part(page, '[part="button"]:disabled').waitFor({ timeout: 5000 }));
      const text = (await part(page, '[part="hours"]').textContent())?.trim() ?? '';
      assert.match(text, /^Closed now — opens /);
      assert.ok(text.includes(`${opensAt} UTC`), `the business's time, labelled: ${text}`);
      await part(page, '[part~="leave-message"]').waitFor();
      await part(page, '[part~="request-callback"]').waitFor();

      // A click on the disabled button and a scripted call: nothing is placed.
      await part(page, '[part="button"]').click({ force: true });
      await page.evaluate(() => window.vcbEl.call());
      const error = await waitForEvent(page, 'voip-error');
      assert.equal(error.detail['code'], 'closed');
      await sleep(1500);
      assert.deepEqual(invitesTo(stack.extAnswer, since), [], 'no INVITE reached Kamailio');
      assert.deepEqual(invitesTo('\\d+', since), [], 'no INVITE at all');
      assert.deepEqual(
        fixture.baresip.events(mark).filter((e) => e.type === 'CALL_INCOMING'),
        [],
        'nothing rang at 2000',
      );
      const errors = (await events(page)).filter((e) => e.type === 'voip-error');
      assert.deepEqual(
        errors.map((e) => e.detail['code']),
        ['closed'],
        'one closed error: the disabled button fired nothing',
      );
      assert.equal(await page.evaluate(() => window.vcbEl.state), 'idle');

      // The callback form instead.
      await part(page, '[part~="request-callback"]').click();
      await form(page, '#phone').fill('+62 812-3456-7890');
      await form(page, '#name').fill('Budi Santoso');
      await form(page, '#time').selectOption({ index: 1 });
      const preferredTime = await form(page, '#time').inputValue();
      assert.match(preferredTime, /^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z\/\d{4}-/);
      assert.equal(preferredTime.split('/')[0], new Date(opens).toISOString(), 'the next opening');
      const note = 'Bitte zurückrufen — ab 9 Uhr\nzweite Zeile ✓';
      await form(page, '#note').fill(note);
      await form(page, '[part="callback-submit"]').click();
      await form(page, '[part="callback-confirmation"]').waitFor({ timeout: 10_000 });
      assert.match(
        (await form(page, '[part="callback-confirmation"]').textContent()) ?? '',
        /\+6281234567890/,
      );

      const { received, attempts } = await backendSince(before);
      assert.equal(received.length, 1, 'exactly one request reached onRequest');
      const got = received[0]!;
      assert.match(String(got['id']), /^[\w-]{16,}$/);
      assert.deepEqual(
        { ...got, id: undefined },
        {
          id: undefined,
          phone: '+6281234567890',
          name: 'Budi Santoso',
          preferredTime,
          note,
          language: 'en',
        },
      );
      assert.deepEqual(attempts, [{ id: got['id'], status: 200, injected: false }]);
      const asked = await awayEvents(page, 'voip-callback-request');
      assert.deepEqual(
        asked.map((e) => e.detail),
        [got],
        'the event carried the body sent',
      );
      const sent = await awayEvents(page, 'voip-callback-sent');
      assert.deepEqual(
        sent.map((e) => e.detail),
        [{ id: got['id'], handledBy: 'server' }],
        'voip-callback-sent once',
      );
      assert.deepEqual(invitesTo('\\d+', since), [], 'still no INVITE');
      await assertNothingLeft(page);
    },
  );

  it(
    'a 503 keeps everything and the retry carries the same id; a double-click sends once',
    TIMEOUT,
    async () => {
      const before = await backend();
      const page = await callbackFormPage();
      const typed = { phone: '+44 20 7946 0000', name: 'Zoë', note: 'After 6 pm, please.' };
      await form(page, '#phone').fill(typed.phone);
      await form(page, '#name').fill(typed.name);
      await form(page, '#note').fill(typed.note);
      const armed = await fetch(
        new URL('/test/callbacks/fail?count=1&status=503', fixture.demoUrl),
        {
          method: 'POST',
        },
      );
      assert.equal(armed.status, 200);
      await form(page, '[part="callback-submit"]').click();
      await form(page, '[part="callback-error"]').waitFor({ timeout: 10_000 });
      assert.equal(
        (await form(page, '[part="callback-submit"]').textContent())?.trim(),
        'Try again',
      );
      assert.deepEqual(
        {
          phone: await form(page, '#phone').inputValue(),
          name: await form(page, '#name').inputValue(),
          note: await form(page, '#note').inputValue(),
        },
        typed,
        'every field kept',
      );
      let { received, attempts } = await backendSince(before);
      assert.deepEqual(received, [], 'the 503 reached no onRequest');
      assert.equal(attempts.length, 1);
      assert.deepEqual(
        { ...attempts[0], id: undefined },
        { id: undefined, status: 503, injected: true },
      );

      await form(page, '[part="callback-submit"]').click();
      await form(page, '[part="callback-confirmation"]').waitFor({ timeout: 10_000 });
      ({ received, attempts } = await backendSince(before));
      assert.equal(received.length, 1, 'exactly one request reached onRequest');
      assert.equal(attempts.length, 2);
      assert.ok(attempts[0]!.id, 'the first attempt had an id');
      assert.equal(attempts[1]!.id, attempts[0]!.id, 'the retry carried the same id');
      assert.equal(attempts[1]!.status, 200);
      assert.equal(received[0]!['id'], attempts[0]!.id);
      assert.equal(received[0]!['phone'], '+442079460000');
      assert.equal((await awayEvents(page, 'voip-callback-sent')).length, 1);

      assert.equal((await awayEvents(page, 'voip-callback-request')).length, 2);
      await assertNothingLeft(page);

      // Another visitor submits with a double-click: sent once.
      const other = await callbackFormPage();
      await form(other, '#phone').fill('+62 21 555 0100');
      const second = await backend();
      await form(other, '[part="callback-submit"]').dblclick();
      await form(other, '[part="callback-confirmation"]').waitFor({ timeout: 10_000 });
      await sleep(500);
      const more = await backendSince(second);
      assert.equal(more.attempts.length, 1, `one POST: ${JSON.stringify(more.attempts)}`);
      assert.equal(more.received.length, 1);
      assert.notEqual(more.received[0]!['id'], received[0]!['id'], 'a new request, a new id');
      assert.equal((await awayEvents(other, 'voip-callback-request')).length, 1);
      assert.equal((await awayEvents(other, 'voip-callback-sent')).length, 1);
      await assertNothingLeft(other);
    },
  );

  it(
    'an invalid phone is marked at the field and nothing reaches the backend',
    TIMEOUT,
    async () => {
      const before = await backend();
      const page = await callbackFormPage();
      await form(page, '#phone').fill('12ab');
      await form(page, '[part="callback-submit"]').click();
      await form(page, '#phone-error[part="callback-error"]').waitFor({ timeout: 5000 });
      assert.equal(await form(page, '#phone').getAttribute('aria-invalid'), 'true');
      assert.equal(
        await page.evaluate(
          () =>
            document.querySelector('#under-test')?.shadowRoot?.querySelector('voip-callback-form')
              ?.shadowRoot?.activeElement?.id,
        ),
        'phone',
        'the field has the focus',
      );
      await sleep(1000);
      assert.deepEqual(await backendSince(before), { received: [], attempts: [] });
      assert.deepEqual(await awayEvents(page, 'voip-callback-request'), []);
      assert.equal(await form(page, '[part="callback-confirmation"]').count(), 0);
      await assertNothingLeft(page);
    },
  );

  it(
    'the network fails at the submit: everything typed stays, and the retry reaches the backend once',
    TIMEOUT,
    async () => {
      const before = await backend();
      const page = await callbackFormPage();
      await form(page, '#phone').fill('+62 812 3456 7890');
      await form(page, '#note').fill('Ring the front desk');
      // The visitor's connection drops: the browser cannot reach the backend at all.
      await page.route('**/callback', (route) => route.abort('internetdisconnected'));
      await form(page, '[part="callback-submit"]').click();
      await form(page, 'form > [part="callback-error"]').waitFor({ timeout: 10_000 });
      assert.equal(
        (await form(page, '[part="callback-submit"]').textContent())?.trim(),
        'Try again',
      );
      assert.equal(await form(page, '#phone').inputValue(), '+62 812 3456 7890');
      assert.equal(await form(page, '#note').inputValue(), 'Ring the front desk');
      assert.deepEqual(
        await backendSince(before),
        { received: [], attempts: [] },
        'nothing arrived',
      );
      await page.unroute('**/callback');
      await form(page, '[part="callback-submit"]').click();
      await form(page, '[part="callback-confirmation"]').waitFor({ timeout: 10_000 });
      const { received } = await backendSince(before);
      assert.equal(received.length, 1);
      assert.equal(received[0]!['phone'], '+6281234567890');
      assert.equal(received[0]!['note'], 'Ring the front desk');
      await assertNothingLeft(page);
    },
  );
});

describe('open now', () => {
  it('a click places the call, 2000 answers; hang up', TIMEOUT, async () => {
    const since = kamailio.mark();
    const mark = fixture.baresip.mark();
    const { hours, closes } = openNow();
    const page = await awayPage({
      hours,
      'time-zone': 'UTC',
      voicemail: voicemail.ext,
      'callback-url': '/callback',
    });
    assert.deepEqual((await awayEvents(page, 'voip-hours'))[0]?.detail, {
      open: true,
      nextChange: closes,
    });
    assert.equal(await page.evaluate(() => window.vcbEl.open), true);
    assert.equal(await part(page, '[part="hours"]').count(), 0);
    assert.equal(await part(page, '[part~="offer"]').count(), 0, 'no offer while open');
    await part(page, '[part="button"]').click();
    await waitForEvent(page, 'voip-connected');
    const [invite, ...others] = await kamailio.waitFor(
      /vcb: INVITE call-id=\S+ to '2000'/,
      5000,
      since,
    );
    assert.deepEqual(others, []);
    assert.ok(invite);
    const established = await fixture.baresip.waitFor('CALL_ESTABLISHED', 5000, mark);
    assert.ok(
      (await events(page))
        .filter((e) => e.type === 'voip-state-change')
        .every((e) => e.detail['purpose'] === 'call'),
    );
    await page.evaluate(() => window.vcbEl.hangup());
    await waitForState(page, 'idle');
    const closed = await fixture.baresip.waitFor(
      'CALL_CLOSED',
      5000,
      mark,
      String(established['id']),
    );
    assert.match(String(closed.param), /reset by peer/i, 'the callee got our BYE');
    const ended = (await events(page)).filter((e) => e.type === 'voip-ended');
    assert.deepEqual(
      ended.map((e) => e.detail['reason']),
      ['local-hangup'],
    );
    await assertNothingLeft(page);
  });
});

/** Leaves a message on the element's offer: 2011 answers; hangs up `afterPromptMs` past the prompt. */
async function leaveMessage(page: Page, since: number, afterPromptMs = 3000) {
  const box = await Baresip.open(voicemail.baresipCtrl);
  try {
    const mark = box.mark();
    const recordings = new Set(await voicemailRecordings());
    const connectedBefore = (await events(page)).filter((e) => e.type === 'voip-connected').length;
    await part(page, '[part~="leave-message"]').click();
    await waitForEvent(page, 'voip-connected', 15_000, connectedBefore + 1);
    const [invite] = await kamailio.waitFor(
      new RegExp(`vcb: INVITE call-id=\\S+ to '${voicemail.ext}'`),
      5000,
      since,
    );
    const established = await box.waitFor('CALL_ESTABLISHED', 5000, mark);
    const promptMs = wavRms(voicemail.promptWav).seconds * 1000;
    await sleep(promptMs + afterPromptMs);
    assert.equal(await page.evaluate(() => window.vcbEl.state), 'in-call', 'still leaving it');
    await page.evaluate(() => window.vcbEl.hangup());
    await waitForState(page, 'idle');
    const closed = await box.waitFor('CALL_CLOSED', 5000, mark, String(established['id']));
    assert.match(String(closed.param), /reset by peer/i, '2011 got our BYE');
    // The message: 2011's new recording, complete once the call is over.
    let file: string | undefined;
    for (let i = 0; i < 50 && !file; i++) {
      file = (await voicemailRecordings()).find((f) => !recordings.has(f) && wavComplete(f));
      if (!file) await sleep(100);
    }
    assert.ok(file, 'a new, complete recording at 2011');
    return { invite: invite!, file, promptMs };
  } finally {
    box.close();
  }
}

describe('leave a message', () => {
  it("closed now: 'Leave a message' reaches 2011, which records the visitor", TIMEOUT, async () => {
    const since = kamailio.mark();
    const page = await awayPage({
      hours: closedNow().hours,
      'time-zone': 'UTC',
      voicemail: voicemail.ext,
      'callback-url': '/callback',
      'after-hours': 'message callback',
    });
    const { invite, file, promptMs } = await leaveMessage(page, since);
    assert.match(invite, /to '2011'/);
    assert.deepEqual(invitesTo(stack.extAnswer, since), [], 'nothing to 2000');
    const states = (await events(page)).filter((e) => e.type === 'voip-state-change');
    assert.ok(states.length >= 3, JSON.stringify(states));
    assert.deepEqual(
      states.filter((e) => e.detail['purpose'] !== 'voicemail'),
      [],
      'every state carries purpose voicemail',
    );
    const ended = (await events(page)).filter((e) => e.type === 'voip-ended');
    assert.deepEqual(
      ended.map((e) => e.detail['reason']),
      ['local-hangup'],
      'voip-ended once',
    );
    // What the visitor said (the fake microphone's tone) after the prompt and the beep.
    const { rms, seconds } = wavRms(file, promptMs + 300);
    assert.ok(seconds * 1000 >= promptMs + 2000, `the recording lasts ${seconds} s`);
    assert.ok(rms > AUDIBLE, `the message is above silence: RMS ${rms.toFixed(4)}`);
    assertSustained(wavWindows(file, promptMs + 300, promptMs + 2300), 'the message at 2011');
    // Still closed: the offers are back, the call button still disabled.
    await part(page, '[part="button"]:disabled').waitFor({ timeout: 5000 });
    await part(page, '[part~="leave-message"]').waitFor({ timeout: 5000 });
    await assertNothingLeft(page);
  });

  it(
    'hung up during the prompt: one voip-ended, 2011 gets the BYE, offers back',
    TIMEOUT,
    async () => {
      const since = kamailio.mark();
      const page = await awayPage({
        hours: closedNow().hours,
        'time-zone': 'UTC',
        voicemail: voicemail.ext,
      });
      // 1.5 s into the 3.5 s prompt.
      const promptMs = wavRms(voicemail.promptWav).seconds * 1000;
      await leaveMessage(page, since, 1500 - promptMs);
      const ended = (await events(page)).filter((e) => e.type === 'voip-ended');
      assert.deepEqual(
        ended.map((e) => e.detail['reason']),
        ['local-hangup'],
        'voip-ended once',
      );
      await kamailio.waitFor(/vcb: BYE call-id=\S+ from=visitor to=2011/, 5000, since);
      await part(page, '[part~="leave-message"]').waitFor({ timeout: 5000 });
      await assertNothingLeft(page);
    },
  );

  it(
    'after a busy call: the status says busy, both offers show, the message reaches 2011',
    TIMEOUT,
    async () => {
      const since = kamailio.mark();
      const page = await awayPage(
        {
          hours: openNow().hours,
          'time-zone': 'UTC',
          voicemail: voicemail.ext,
          'callback-url': '/callback',
        },
        { number: stack.extBusy },
      );
      assert.equal(await part(page, '[part~="offer"]').count(), 0, 'no offer before the call');
      await part(page, '[part="button"]').click();
      const ended = await waitForEvent(page, 'voip-ended');
      assert.equal(ended.detail['reason'], 'busy');
      await kamailio.waitFor(
        new RegExp(`vcb: INVITE call-id=\\S+ to '${stack.extBusy}'`),
        5000,
        since,
      );
      await waitForState(page, 'idle');
      assert.match((await part(page, '[part="status"]').textContent()) ?? '', /busy/i);
      await part(page, '[part~="leave-message"]').waitFor({ timeout: 5000 });
      await part(page, '[part~="request-callback"]').waitFor({ timeout: 5000 });
      assert.equal(await part(page, '[part="hours"]').count(), 0, 'open: no hours text');
      const { invite } = await leaveMessage(page, since, 1000);
      assert.match(invite, /to '2011'/);
      const purposes = (await events(page))
        .filter((e) => e.type === 'voip-state-change')
        .map((e) => e.detail['purpose']);
      assert.ok(purposes.includes('call') && purposes.at(-1) === 'voicemail', purposes.join(' '));
      await assertNothingLeft(page);
    },
  );
});

describe('the demo page', () => {
  it(
    "its 'After hours' line is closed now, offers both, and its callback reaches the demo backend",
    TIMEOUT,
    async () => {
      const before = await backend();
      const { page } = await fixture.freshPage();
      const line = (selector: string) => page.locator(`#after-hours ${selector}`);
      await line('[part="hours"]').waitFor({ timeout: 10_000 });
      assert.match((await line('[part="hours"]').textContent()) ?? '', /Closed now — opens .* UTC/);
      assert.equal(
        await page.evaluate(
          () =>
            document.querySelector<HTMLElementTagNameMap['voip-call-button']>('#after-hours')?.open,
        ),
        false,
      );
      await line('[part="button"]:disabled').waitFor();
      await line('[part~="leave-message"]').waitFor();
      await line('[part~="request-callback"]').click();
      await line('voip-callback-form #phone').fill('+62 811 000 111');
      await line('voip-callback-form [part="callback-submit"]').click();
      await line('voip-callback-form [part="callback-confirmation"]').waitFor({ timeout: 10_000 });
      const { received } = await backendSince(before);
      assert.deepEqual(
        received.map((r) => r['phone']),
        ['+62811000111'],
      );
      // ... and into the demo server's log, one JSON line per request.
      const log =
        process.env.VCB_CALLBACK_LOG || path.join(tmpdir(), 'voip-call-button-callbacks.jsonl');
      const last = readFileSync(log, 'utf8').trimEnd().split('\n').at(-1) ?? '';
      assert.deepEqual(JSON.parse(last), received[0]);
      assert.deepEqual(await cspViolations(page), [], 'no CSP violation');
    },
  );
});
