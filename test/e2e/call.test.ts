/**
 * End to end: real headless Chromium, real Janus (SIP plugin), real Kamailio and baresip, all
 * started by stack/with-stack.sh inside a private network namespace. Nothing is faked: the
 * element is the built CDN bundle, served by the demo server.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TIMEOUT } from './support/test.js';
import type { Page } from 'playwright-core';
import {
  addButton,
  events,
  launchBrowser,
  micStopped,
  placeCall,
  states,
  waitForEvent,
  waitForState,
} from './support/browser.js';
import {
  AUDIBLE,
  assertHears,
  assertNothingHeld,
  assertSustained,
  cspViolations,
  useStackFixture,
  assertEndedByUs,
} from './support/fixture.js';
import {
  finishedRecording,
  janusHandles,
  janusSessions,
  kamailio,
  literal,
  newestRecording,
  stack,
  untilNoJanusSessions,
} from './support/stack.js';
import { wavRms, wavWindows } from './support/wav.js';

const fixture = useStackFixture();
const { freshPage, connectedCall } = fixture;

/**
 * The <audio> elements in the test element's tree, through every shadow root (the call audio
 * plays in the panel's shadow root, inside the element's), and how many of them still hold a
 * stream. document.querySelectorAll() never looks inside a shadow root.
 */
function audioInElement(page: Page): Promise<{ audio: number; withStream: number }> {
  return page.evaluate(() => {
    // No helper functions in page code (tsx would wrap them in a helper the page lacks).
    const found: HTMLAudioElement[] = [];
    const roots: Array<Element | ShadowRoot> = [window.vcbEl];
    for (let root = roots.pop(); root; root = roots.pop()) {
      for (const node of root.querySelectorAll('*')) {
        if (node instanceof HTMLAudioElement) found.push(node);
        if (node.shadowRoot) roots.push(node.shadowRoot);
      }
      if (root instanceof Element && root.shadowRoot) roots.push(root.shadowRoot);
    }
    return { audio: found.length, withStream: found.filter((a) => a.srcObject !== null).length };
  });
}

/** Waits until baresip's recording after `sinceMs` holds at least `seconds` of the caller. */
async function recordedAtLeast(sinceMs: number, seconds: number): Promise<void> {
  const end = Date.now() + 10_000;
  for (;;) {
    const file = newestRecording(sinceMs);
    if (file && wavRms(file).seconds >= seconds) return;
    if (Date.now() > end) throw new Error(`baresip did not record ${seconds} s within 10 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a call from the page to a SIP phone', () => {
  it('connects, carries audio both ways, and hangs up cleanly', TIMEOUT, async (t) => {
    const { context, page } = await freshPage();
    const mark = fixture.baresip.mark();
    const startedAt = Date.now();
    await addButton(page, { rawAudio: true });
    const clicked = await placeCall(page);
    const connected = await waitForEvent(page, 'voip-connected');
    t.diagnostic(`call() to voip-connected: ${(connected.at - clicked).toFixed(0)} ms`);
    assert.deepEqual(await states(page), ['connecting', 'calling', 'ringing', 'in-call']);
    await fixture.baresip.waitFor('CALL_ESTABLISHED', 5000, mark);

    t.diagnostic(`received: ${await assertHears(page, 'the page hears the greeting', 2000)}`);
    await recordedAtLeast(startedAt, 3); // baresip records the caller's tone

    await page.evaluate(() => window.vcbEl.hangup());
    const ended = await waitForEvent(page, 'voip-ended');
    assert.equal(ended.detail['reason'], 'local-hangup');
    assert.ok(
      Number(ended.detail['durationMs']) > 2000,
      `durationMs ${ended.detail['durationMs']}`,
    );
    const closed = await fixture.baresip.waitFor('CALL_CLOSED', 5000, mark);
    assert.match(String(closed.param), /reset by peer/i, 'baresip received the BYE');
    await waitForState(page, 'idle');
    assert.deepEqual(await states(page), [
      'connecting',
      'calling',
      'ringing',
      'in-call',
      'ending',
      'idle',
    ]);
    assert.equal(
      (await events(page)).filter((e) => e.type === 'voip-ended' || e.type === 'voip-error').length,
      1,
    );
    assert.ok(await micStopped(page), 'the microphone track is stopped');
    await untilNoJanusSessions();

    const recording = await finishedRecording(startedAt);
    const { rms, seconds } = wavRms(recording, 500);
    assert.ok(seconds > 2, `recording is ${seconds.toFixed(1)} s long`);
    t.diagnostic(`baresip recorded ${seconds.toFixed(1)} s of the caller, RMS ${rms.toFixed(4)}`);
    assert.ok(rms > AUDIBLE, `baresip hears the caller's tone (RMS ${rms.toFixed(4)})`);
    const sustained = assertSustained(
      wavWindows(recording, 500, seconds * 1000 - 200),
      "baresip hears the caller's tone all along",
    );
    t.diagnostic(`recorded: ${sustained}`);
    await context.close();
  });

  for (const [what, number, reason, sipCode, status] of [
    ['a busy line', stack.extBusy, 'busy', 486, /busy/i],
    ['an unknown extension', stack.extUnknown, 'not-found', 404, /does not exist/i],
  ] as const) {
    it(`${what} ends with "${reason}" and SIP ${sipCode}`, TIMEOUT, async () => {
      const { context, page } = await freshPage();
      await addButton(page, { number });
      await page.evaluate(() => window.vcbEl.call());
      const ended = await waitForEvent(page, 'voip-ended');
      assert.equal(ended.detail['reason'], reason);
      assert.equal(ended.detail['sipCode'], sipCode);
      await waitForState(page, 'idle');
      const text = await page.locator('#under-test [part="status"]').textContent();
      assert.match(text ?? '', status);
      await untilNoJanusSessions();
      await context.close();
    });
  }

  it('the callee hanging up ends the call with "remote-hangup" within 2 s', TIMEOUT, async (t) => {
    const { context, page } = await connectedCall();
    const before = await page.evaluate(() => performance.now());
    fixture.baresip.command('hangup');
    const ended = await waitForEvent(page, 'voip-ended', 5000);
    const took = ended.at - before;
    t.diagnostic(`voip-ended ${took.toFixed(0)} ms after baresip hung up`);
    assert.equal(ended.detail['reason'], 'remote-hangup');
    assert.ok(took < 2000, `voip-ended ${took.toFixed(0)} ms after the callee hung up`);
    await waitForState(page, 'idle');
    assert.ok(await micStopped(page));
    await untilNoJanusSessions();
    await context.close();
  });

  it(
    'nothing listening at "server" gives "server-unreachable" within 5 s, back to idle',
    TIMEOUT,
    async (t) => {
      const { context, page } = await freshPage();
      await addButton(page, { server: 'ws://127.0.0.1:9' });
      const start = await placeCall(page);
      const error = await waitForEvent(page, 'voip-error', 6000);
      t.diagnostic(`voip-error ${(error.at - start).toFixed(0)} ms after call()`);
      assert.equal(error.detail['code'], 'server-unreachable');
      assert.ok(error.at - start < 5000, `took ${(error.at - start).toFixed(0)} ms`);
      assert.match(String(error.detail['message']), /reach the call service/);
      await waitForState(page, 'idle');
      assert.equal((await events(page)).filter((e) => e.type === 'voip-ended').length, 0);
      assert.ok(await micStopped(page), 'the microphone opened in parallel is released');
      await context.close();
    },
  );

  it(
    'preconnect: pointing at the button opens and registers a Janus session (no SIP), the click calls on it, a call back reuses it, leaving the page closes it',
    TIMEOUT,
    async () => {
      const { page } = await freshPage();
      const mark = fixture.baresip.mark();
      const since = kamailio.mark();
      await addButton(page, { attributes: { preconnect: '' } });
      await untilNoJanusSessions();
      await page.hover('#under-test');
      const deadline = Date.now() + 5000;
      let sessions = await janusSessions();
      while (sessions.length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        sessions = await janusSessions();
      }
      assert.equal(sessions.length, 1, 'Janus holds one session after the hover');
      await new Promise((r) => setTimeout(r, 500));
      const handles = await janusHandles(sessions[0]!);
      assert.equal(handles.length, 1, 'attached (and registered) at the hover');
      assert.deepEqual(
        kamailio.lines(/vcb: INVITE call-id=/, since),
        [],
        'no SIP before the click',
      );
      assert.equal(await page.evaluate(() => window.vcbEl.state), 'idle');
      const callIds: string[] = [];
      for (const round of ['the first call', 'a call back']) {
        const calls = fixture.baresip.mark();
        await page.click('#under-test');
        await waitForState(page, 'in-call');
        const established = await fixture.baresip.waitFor('CALL_ESTABLISHED', 5000, calls);
        callIds.push(String(established['id']));
        assert.deepEqual(await janusSessions(), sessions, `${round} went through that session`);
        assert.deepEqual(await janusHandles(sessions[0]!), handles, `${round}: that handle`);
        await page.evaluate(() => window.vcbEl.hangup());
        await assertEndedByUs(page, fixture.baresip, calls, String(established['id']));
        assert.ok(await micStopped(page), `${round}: the microphone is released`);
        // Kept, registered, for a call back.
        assert.deepEqual(await janusSessions(), sessions, `kept after ${round}`);
      }
      assert.notEqual(callIds[0], callIds[1], 'two calls reached the callee');
      assert.equal(kamailio.lines(/vcb: INVITE call-id=/, since).length, 2);
      assert.equal(
        fixture.baresip.events(mark).filter((e) => e.type === 'CALL_ESTABLISHED').length,
        2,
      );
      await page.goto('about:blank');
      await untilNoJanusSessions();
    },
  );

  it('with several servers, the first that answers is used', TIMEOUT, async () => {
    const { context, page } = await freshPage();
    const mark = fixture.baresip.mark();
    await addButton(page, { server: `ws://127.0.0.1:9 ${stack.janusWs}` });
    await page.evaluate(() => window.vcbEl.call());
    await waitForEvent(page, 'voip-connected');
    const established = await fixture.baresip.waitFor('CALL_ESTABLISHED', 5000, mark);
    await page.evaluate(() => window.vcbEl.hangup());
    await assertEndedByUs(page, fixture.baresip, mark, String(established['id']));
    assert.equal(
      fixture.baresip.events(mark).filter((e) => e.type === 'CALL_ESTABLISHED').length,
      1,
      'one call reached the callee',
    );
    assert.equal((await events(page)).filter((e) => e.type === 'voip-error').length, 0);
    await untilNoJanusSessions();
    await context.close();
  });

  it(
    'an insecure page (http on a non-local host) gets "insecure-context" before anything else',
    TIMEOUT,
    async () => {
      // insecure.test resolves to this machine's loopback, but the page is not a secure context.
      const port = new URL(fixture.demoUrl).port;
      const insecure = await launchBrowser({
        extraArgs: ['--host-resolver-rules=MAP insecure.test 127.0.0.1'],
      });
      try {
        const page = await (await insecure.newContext()).newPage();
        const sockets: string[] = [];
        page.on('websocket', (ws) => sockets.push(ws.url()));
        await page.goto(`http://insecure.test:${port}/`);
        assert.equal(await page.evaluate(() => window.isSecureContext), false);
        await addButton(page);
        await page.evaluate(() => window.vcbEl.call());
        const error = await waitForEvent(page, 'voip-error');
        assert.equal(error.detail['code'], 'insecure-context');
        assert.match(String(error.detail['message']), /secure \(https\)/);
        assert.deepEqual(await states(page), []);
        assert.deepEqual(sockets, []);
      } finally {
        await insecure.close();
      }
    },
  );

  it('an invalid "number" gives "invalid-number" and opens no WebSocket', TIMEOUT, async () => {
    const { context, page } = await freshPage();
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    await addButton(page, { number: 'sip:2000@evil.example' });
    await page.evaluate(() => window.vcbEl.call());
    const error = await waitForEvent(page, 'voip-error');
    assert.equal(error.detail['code'], 'invalid-number');
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(sockets, []);
    assert.deepEqual(
      requests.filter((u) => !u.startsWith(fixture.demoUrl)),
      [],
    );
    // Checked by the call chunk, once the call started: back to idle.
    assert.deepEqual(await states(page), ['connecting', 'ending', 'idle']);
    await context.close();
  });

  it(
    'removing the element mid-call hangs up (baresip gets the BYE) and releases everything',
    TIMEOUT,
    async () => {
      const { context, page, mark, callId } = await connectedCall();
      // The count sees the call's audio element while the call is up (it would not without
      // looking into the shadow roots).
      let during = await audioInElement(page);
      for (let i = 0; during.withStream === 0 && i < 50; i++) {
        await new Promise((r) => setTimeout(r, 100));
        during = await audioInElement(page);
      }
      assert.deepEqual(during, { audio: 1, withStream: 1 }, 'during the call');
      await page.evaluate(() => window.vcbEl.remove());
      const closed = await fixture.baresip.waitFor('CALL_CLOSED', 5000, mark, callId);
      assert.match(String(closed.param), /reset by peer/i);
      const ended = await waitForEvent(page, 'voip-ended');
      assert.equal(ended.detail['reason'], 'local-hangup');
      assert.equal(
        (await events(page)).filter((e) => e.type === 'voip-ended' || e.type === 'voip-error')
          .length,
        1,
        'one terminal event',
      );
      assert.ok(await micStopped(page));
      await untilNoJanusSessions();
      await assertNothingHeld(page);
      assert.deepEqual(await audioInElement(page), { audio: 0, withStream: 0 }, 'after the call');
      await context.close();
    },
  );

  it('the callee sees the display-name in the From header, made safe first', TIMEOUT, async () => {
    const since = kamailio.mark();
    // A '"' would break the call at Janus (error 900) if it reached the From header as given.
    const { context, page, mark, callId } = await connectedCall({
      attributes: { 'display-name': 'Ada "the" <Countess>' },
    });
    const [invite, ...more] = kamailio.lines(
      new RegExp(`vcb: INVITE call-id=${literal(callId)} `),
      since,
    );
    assert.equal(more.length, 0, 'one INVITE');
    assert.match(invite ?? '', /display-name=\["Ada the Countess"\]/, 'in the From header');
    const established = fixture.baresip
      .events(mark)
      .find((e) => e.type === 'CALL_ESTABLISHED' && e['id'] === callId);
    assert.equal(established?.['peerdisplayname'], 'Ada the Countess', 'shown by the callee');
    await page.evaluate(() => window.vcbEl.hangup());
    await waitForState(page, 'idle');
    await context.close();
  });

  it('two calls in a row on the same element both connect', TIMEOUT, async (t) => {
    const { context, page } = await freshPage();
    await addButton(page);
    for (let i = 1; i <= 2; i++) {
      const mark = fixture.baresip.mark();
      await page.evaluate(() => window.vcbEl.call());
      await waitForEvent(page, 'voip-connected', 15_000, i);
      const established = await fixture.baresip.waitFor('CALL_ESTABLISHED', 5000, mark);
      t.diagnostic(`call ${i}: ${await assertHears(page, `call ${i} hears the greeting`, 1000)}`);
      await page.evaluate(() => window.vcbEl.hangup());
      await waitForEvent(page, 'voip-ended', 10_000, i);
      await waitForState(page, 'idle');
      await fixture.baresip.waitFor('CALL_CLOSED', 5000, mark, String(established['id']));
    }
    await untilNoJanusSessions();
    await context.close();
  });
});

describe('the demo page, as npm start serves it', () => {
  it(
    'a visitor clicks "Call reservations", hears the greeting, and hangs up',
    TIMEOUT,
    async () => {
      const { context, page } = await freshPage();
      const csp = (await page.request.get(fixture.demoUrl)).headers()['content-security-policy'];
      assert.match(csp ?? '', /script-src 'self';/);
      assert.match(csp ?? '', /require-trusted-types-for 'script'/);
      const mark = fixture.baresip.mark();
      await page.getByRole('button', { name: 'Call reservations' }).click();
      await waitForState(page, 'in-call', 15_000, '#sales');
      await fixture.baresip.waitFor('CALL_ESTABLISHED', 5000, mark);
      await assertHears(page, 'the visitor hears the greeting', 1500, '#sales');
      await page.getByRole('button', { name: 'Hang up' }).click();
      await waitForState(page, 'idle', 10_000, '#sales');
      await fixture.baresip.waitFor('CALL_CLOSED', 5000, mark);
      assert.match(
        (await page.locator('#sales [part="status"]').textContent()) ?? '',
        /Call ended/,
      );
      assert.deepEqual(
        await cspViolations(page),
        [],
        'no CSP or Trusted Types violation during the call',
      );
      await untilNoJanusSessions();
      await context.close();
    },
  );

  it('the busy line says so', TIMEOUT, async () => {
    const { context, page } = await freshPage();
    await page.getByRole('button', { name: 'Call support' }).click();
    // (Not a wait for the passing state `ending`: a busy call may go through it between two polls.)
    await page.waitForFunction(
      () =>
        /busy/i.test(
          document.querySelector('#support')?.shadowRoot?.querySelector('[part="status"]')
            ?.textContent ?? '',
        ),
      undefined,
      { timeout: 15_000 },
    );
    await waitForState(page, 'idle', 15_000, '#support');
    assert.match((await page.locator('#support [part="status"]').textContent()) ?? '', /busy/i);
    await context.close();
  });
});
