/**
 * End to end: calls that meet the real world's faults, each injected for real on the stack:
 * a Janus stopped or killed mid-call, a WebSocket dropped, a second gateway to fail over to, a
 * media path that breaks, a page that goes away. Each case ends in a defined state within a
 * stated time, with one terminal event whose reason is documented, and nothing left behind.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { TIMEOUT } from './support/test.js';
import type { Page } from 'playwright-core';
import {
  addButton,
  events,
  micStopped,
  placeCall,
  states,
  waitForEvent,
  waitForState,
} from './support/browser.js';
import {
  assertEndedByUs,
  assertHears,
  assertNothingHeld,
  assertReleased,
  useStackFixture,
} from './support/fixture.js';
import {
  dropTcp,
  impairMedia,
  stackService,
  janusSessions,
  restoreNetwork,
  stack,
  untilNoJanusSessions,
} from './support/stack.js';
import { setTimeout as sleep } from 'node:timers/promises';

const fixture = useStackFixture();
const pageNow = (page: Page) => page.evaluate(() => performance.now());

/**
 * How soon a lost gateway must end the call. Measured 0.9-1.4 s on an idle machine and up to
 * 1.9 s while other tests load it: a bound a few times that, so that the check catches a call
 * that hangs on, not a busy machine (the measured times are in the diagnostics).
 */
const LOST_WITHIN_MS = 6000;

/**
 * Places an answered call through Janus `name`, then stops (`SIGTERM`) or kills (`SIGKILL`) that
 * Janus, and checks that the page ends the call as connection-lost within LOST_WITHIN_MS. `body`
 * runs next with the call; afterwards Janus is started again, pass or fail, and the element must
 * be clean and able to call again.
 */
async function loseGateway(
  t: TestContext,
  name: 'janus' | 'janus2',
  action: 'stop' | 'kill',
  body: (call: { mark: number; callId: string }) => Promise<void>,
): Promise<void> {
  const server = name === 'janus' ? stack.janusWs : stack.janus2Ws;
  const { page, mark, callId } = await fixture.connectedCall({ server });
  try {
    const at = await pageNow(page);
    stackService(name, action);
    const ended = await waitForEvent(page, 'voip-ended', LOST_WITHIN_MS + 5000);
    const took = ended.at - at;
    t.diagnostic(
      `connection-lost ${took.toFixed(0)} ms after ${action === 'kill' ? 'SIGKILL' : 'SIGTERM'}`,
    );
    assert.equal(ended.detail['reason'], 'connection-lost');
    assert.ok(took < LOST_WITHIN_MS, `took ${took.toFixed(0)} ms`);
    assert.deepEqual((await states(page)).slice(-3), ['reconnecting', 'ending', 'idle']);
    assert.match(
      (await page.locator('#under-test [part="status"]').textContent()) ?? '',
      /connection was lost/,
    );
    assert.ok(await micStopped(page), 'the microphone is released');
    await body({ mark, callId });
  } finally {
    stackService(name, 'start');
  }
  await assertReleased(page, {
    admin: name === 'janus' ? stack.janusAdminHttp : stack.janus2AdminHttp,
  });
  await fixture.nextCallConnects(page);
}

/** Waits until the reconnecting call is back in-call (`cause` as reported) with the callee's audio. */
async function backInCall(
  t: TestContext,
  page: Page,
  cause: 'signaling' | 'media',
  ms: number,
): Promise<void> {
  const back = await waitForEvent(page, 'voip-reconnected', ms);
  t.diagnostic(`reconnected: ${JSON.stringify(back.detail)}`);
  assert.equal(back.detail['cause'], cause);
  await waitForState(page, 'in-call');
  t.diagnostic(`after reconnecting: ${await assertHears(page, 'audio after reconnecting', 1000)}`);
}

describe('the gateway goes away mid-call', () => {
  it(
    'Janus killed (SIGKILL): connection-lost within 6 s; the next click connects once it is back',
    TIMEOUT,
    async (t) => {
      await loseGateway(t, 'janus', 'kill', async ({ mark, callId }) => {
        // A killed Janus sends no BYE: the callee's leg ends by its own RTP timeout (20 s here).
        const closed = await fixture.baresip.waitFor('CALL_CLOSED', 25_000, mark, callId);
        t.diagnostic(`callee's leg closed by itself: ${String(closed.param)}`);
      });
    },
  );

  it(
    'Janus stopped (SIGTERM) with sessions kept for reclaiming: connection-lost within 6 s',
    TIMEOUT,
    async (t) => {
      await loseGateway(t, 'janus', 'stop', async ({ mark, callId }) => {
        // Janus 1.1 stops its session watchdog before it closes its transports, so the sessions
        // it keeps for reclaiming are never hung up: no BYE. The callee's RTP timeout would end
        // the leg (see the SIGKILL case); the test hangs it up to keep the stack clean.
        await sleep(1000);
        const closed = (e: { type?: string; id?: unknown }) =>
          e.type === 'CALL_CLOSED' && e.id === callId;
        assert.equal(fixture.baresip.events(mark).filter(closed).length, 0, 'no BYE from Janus');
        fixture.baresip.command('hangup');
        await fixture.baresip.waitFor('CALL_CLOSED', 5000, mark, callId);
      });
    },
  );

  it(
    'Janus without reclaiming stopped (SIGTERM): connection-lost within 6 s, and the callee gets its BYE',
    TIMEOUT,
    async (t) => {
      await loseGateway(t, 'janus2', 'stop', async ({ mark, callId }) => {
        const closed = await fixture.baresip.waitFor('CALL_CLOSED', 5000, mark, callId);
        assert.match(String(closed.param), /reset by peer/i, 'baresip received a BYE');
      });
    },
  );
});

describe('the WebSocket to Janus drops mid-call', () => {
  it(
    'for 3 s: reconnecting, the session is reclaimed, and the same call goes on with audio',
    TIMEOUT,
    async (t) => {
      const { page, mark, callId } = await fixture.connectedCall();
      const [session] = await janusSessions();
      try {
        dropTcp(8188);
        const reconnecting = await waitForEvent(page, 'voip-reconnecting', 3000);
        assert.deepEqual(reconnecting.detail, { cause: 'signaling' });
        await waitForState(page, 'reconnecting');
        // The media path does not need the WebSocket: the visitor still hears the callee.
        t.diagnostic(
          `while reconnecting: ${await assertHears(page, 'audio while reconnecting', 800)}`,
        );
        await sleep(2000);
      } finally {
        restoreNetwork();
      }
      await backInCall(t, page, 'signaling', 10_000);
      assert.deepEqual(await janusSessions(), [session], 'the same Janus session, reclaimed');
      assert.deepEqual(
        fixture.baresip.events(mark).filter((e) => e.type === 'CALL_CLOSED' && e['id'] === callId),
        [],
        'the callee never lost the call',
      );
      // The reclaimed session still controls the call: the hangup reaches the callee as a BYE.
      await page.evaluate(() => window.vcbEl.hangup());
      await assertEndedByUs(page, fixture.baresip, mark, callId);
      await assertReleased(page);
    },
  );

  it(
    'hanging up while reconnecting: "local-hangup", and the callee still gets a BYE',
    TIMEOUT,
    async (t) => {
      const { page, mark, callId } = await fixture.connectedCall();
      try {
        dropTcp(8188);
        await waitForState(page, 'reconnecting', 3000);
        const at = Date.now();
        await page.evaluate(() => window.vcbEl.hangup());
        const ended = await waitForEvent(page, 'voip-ended', 5000);
        assert.equal(ended.detail['reason'], 'local-hangup');
        // No signalling: the closed peer connection's DTLS alert makes Janus send the BYE.
        const closed = await fixture.baresip.waitFor('CALL_CLOSED', 3000, mark, callId);
        t.diagnostic(`BYE ${Date.now() - at} ms after the hangup, without a WebSocket`);
        assert.match(String(closed.param), /reset by peer/i);
        await assertNothingHeld(page);
      } finally {
        restoreNetwork();
      }
      // Janus keeps the (now empty) session until its reclaim window ends.
      await untilNoJanusSessions((stack.reclaimSeconds + 5) * 1000);
    },
  );

  it(
    "for longer than Janus's reclaim window: connection-lost, and Janus hangs up the callee",
    TIMEOUT,
    async (t) => {
      const { page, mark, callId } = await fixture.connectedCall();
      const outage = (stack.reclaimSeconds + 5) * 1000;
      try {
        dropTcp(8188);
        await waitForEvent(page, 'voip-reconnecting', 3000);
        // Janus destroys the session once the window passes, and sends the BYE itself.
        const closed = await fixture.baresip.waitFor('CALL_CLOSED', outage, mark, callId);
        assert.match(String(closed.param), /reset by peer/i);
        assert.equal(await page.evaluate(() => window.vcbEl.state), 'reconnecting');
        await sleep(Math.max(0, outage - (stack.reclaimSeconds + 2) * 1000));
      } finally {
        restoreNetwork();
      }
      const at = await pageNow(page);
      const ended = await waitForEvent(page, 'voip-ended', 10_000);
      t.diagnostic(
        `connection-lost ${(ended.at - at).toFixed(0)} ms after the network came back (Janus: the session is gone)`,
      );
      assert.equal(ended.detail['reason'], 'connection-lost');
      await assertReleased(page);
      await fixture.nextCallConnects(page);
    },
  );
});

describe('failover between two gateways', () => {
  it(
    'the first Janus is down: the call goes through the second, with no visible error',
    TIMEOUT,
    async () => {
      stackService('janus', 'stop');
      try {
        const { page } = await fixture.freshPage();
        await addButton(page, { server: `${stack.janusWs} ${stack.janus2Ws}` });
        await page.evaluate(() => window.vcbEl.call());
        await waitForEvent(page, 'voip-connected');
        assert.equal((await janusSessions(stack.janus2AdminHttp)).length, 1, 'on the second Janus');
        await assertHears(page, 'audio through the second gateway', 1000);
        assert.deepEqual(
          (await events(page)).filter((e) => e.type === 'voip-error'),
          [],
          'no error on the way',
        );
        await page.evaluate(() => window.vcbEl.hangup());
        await assertReleased(page, { admin: stack.janus2AdminHttp });
      } finally {
        stackService('janus', 'start');
      }
    },
  );

  it(
    'server-order="random": each call starts at the gateway drawn; a dropped WebSocket is reclaimed on the gateway that holds the session',
    TIMEOUT,
    async (t) => {
      const { page } = await fixture.freshPage();
      // janus2 listed first; janus, second, is the one that keeps sessions for reclaiming.
      await addButton(page, {
        server: `${stack.janus2Ws} ${stack.janusWs}`,
        attributes: { 'server-order': 'random' },
      });
      // The element's draw, fixed for each call (the first Math.random() after call(); janus.js
      // draws its transaction ids after it, from the real one).
      const drawNext = (value: number) =>
        page.evaluate((draw) => {
          const real = Math.random.bind(Math);
          Math.random = () => {
            Math.random = real;
            return draw;
          };
        }, value);
      const onEach = async () => ({
        janus: (await janusSessions(stack.janusAdminHttp)).length,
        janus2: (await janusSessions(stack.janus2AdminHttp)).length,
      });
      const mark = fixture.baresip.mark();
      await drawNext(0.9); // the second listed: janus
      await page.evaluate(() => window.vcbEl.call());
      await waitForEvent(page, 'voip-connected');
      const established = await fixture.baresip.waitFor('CALL_ESTABLISHED', 5000, mark);
      assert.deepEqual(await onEach(), { janus: 1, janus2: 0 }, 'drawn 0.9: janus');
      const [session] = await janusSessions(stack.janusAdminHttp);
      // Its WebSocket drops for 2 s: the session is reclaimed there, never at janus2, which the
      // list names first.
      try {
        dropTcp(Number(new URL(stack.janusWs).port));
        await waitForState(page, 'reconnecting', 3000);
        await sleep(2000);
      } finally {
        restoreNetwork();
      }
      await backInCall(t, page, 'signaling', 10_000);
      assert.deepEqual(await janusSessions(stack.janusAdminHttp), [session], 'reclaimed there');
      assert.equal((await janusSessions(stack.janus2AdminHttp)).length, 0, 'nothing at janus2');
      await page.evaluate(() => window.vcbEl.hangup());
      await assertEndedByUs(page, fixture.baresip, mark, String(established['id']));
      await assertReleased(page);
      await drawNext(0.1); // the first listed: janus2
      await page.evaluate(() => window.vcbEl.call());
      await waitForEvent(page, 'voip-connected', 15_000, 2);
      assert.deepEqual(await onEach(), { janus: 0, janus2: 1 }, 'drawn 0.1: janus2');
      await page.evaluate(() => window.vcbEl.hangup());
      await assertReleased(page, { calls: 2, admin: stack.janus2AdminHttp });
    },
  );

  it('both are down: server-unreachable, and nothing is left', TIMEOUT, async (t) => {
    stackService('janus', 'stop');
    stackService('janus2', 'stop');
    try {
      const { page } = await fixture.freshPage();
      await addButton(page, { server: `${stack.janusWs} ${stack.janus2Ws}` });
      const at = await placeCall(page);
      const error = await waitForEvent(page, 'voip-error', 12_000);
      t.diagnostic(`server-unreachable ${(error.at - at).toFixed(0)} ms after call()`);
      assert.equal(error.detail['code'], 'server-unreachable');
      await waitForState(page, 'idle');
      assert.deepEqual(await states(page), ['connecting', 'ending', 'idle']);
      assert.ok(await micStopped(page));
    } finally {
      stackService('janus', 'start');
      stackService('janus2', 'start');
    }
  });
});

describe('the media path breaks', () => {
  it(
    'from the start (all media dropped): media-failed within 20 s, and the callee gets a BYE',
    TIMEOUT,
    async (t) => {
      const { page } = await fixture.freshPage();
      await addButton(page);
      const mark = fixture.baresip.mark();
      impairMedia(100);
      try {
        const at = await placeCall(page);
        const callId = String(
          (await fixture.baresip.waitFor('CALL_ESTABLISHED', 5000, mark))['id'],
        );
        const ended = await waitForEvent(page, 'voip-ended', 25_000);
        t.diagnostic(`media-failed ${((ended.at - at) / 1000).toFixed(1)} s after call()`);
        assert.equal(ended.detail['reason'], 'media-failed');
        assert.ok(ended.at - at < 20_000, `took ${(ended.at - at).toFixed(0)} ms`);
        const closed = await fixture.baresip.waitFor('CALL_CLOSED', 5000, mark, callId);
        assert.match(String(closed.param), /reset by peer/i);
      } finally {
        restoreNetwork();
      }
      assert.match(
        (await page.locator('#under-test [part="status"]').textContent()) ?? '',
        /audio could not get through/,
      );
      await assertReleased(page);
      await fixture.nextCallConnects(page);
    },
  );

  it(
    'for 8 s mid-call: reconnecting, ICE restarts (a re-INVITE), then in-call with audio back',
    TIMEOUT,
    async (t) => {
      const { page } = await fixture.connectedCall();
      const mark = fixture.baresip.mark();
      try {
        const brokeAt = await pageNow(page);
        impairMedia(100);
        const reconnecting = await waitForEvent(page, 'voip-reconnecting', 8000);
        t.diagnostic(`reconnecting ${(reconnecting.at - brokeAt).toFixed(0)} ms after the break`);
        assert.deepEqual(reconnecting.detail, { cause: 'media' });
        // The ICE restart is the SIP plugin's "update": a re-INVITE reaches the callee.
        const reinvite = await fixture.baresip.waitFor('CALL_REMOTE_SDP', 5000, mark);
        assert.equal(reinvite.param, 'offer');
        await sleep(Math.max(0, 8000 - ((await pageNow(page)) - brokeAt)));
      } finally {
        restoreNetwork();
      }
      await backInCall(t, page, 'media', 15_000);
      await page.evaluate(() => window.vcbEl.hangup());
      const ended = await waitForEvent(page, 'voip-ended');
      assert.equal(ended.detail['reason'], 'local-hangup');
      await assertReleased(page);
    },
  );

  it(
    'for good: media-failed within 30 s of the break, and the callee gets a BYE',
    TIMEOUT,
    async (t) => {
      const { page, mark, callId } = await fixture.connectedCall();
      try {
        const at = await pageNow(page);
        impairMedia(100);
        const ended = await waitForEvent(page, 'voip-ended', 35_000);
        t.diagnostic(`media-failed ${((ended.at - at) / 1000).toFixed(1)} s after the break`);
        assert.equal(ended.detail['reason'], 'media-failed');
        // The element's timers make it 13-15 s (up to 16 s seen on a loaded machine): twice that.
        assert.ok(ended.at - at < 30_000, `took ${(ended.at - at).toFixed(0)} ms`);
        assert.deepEqual((await states(page)).slice(-4), [
          'in-call',
          'reconnecting',
          'ending',
          'idle',
        ]);
        const closed = await fixture.baresip.waitFor('CALL_CLOSED', 5000, mark, callId);
        assert.match(String(closed.param), /reset by peer/i);
      } finally {
        restoreNetwork();
      }
      await assertReleased(page);
      await fixture.nextCallConnects(page);
    },
  );
});

describe('the page goes away mid-call', () => {
  for (const [what, leave] of [
    ['the tab is closed', (page: Page) => page.close()],
    ['the visitor navigates away', (page: Page) => page.goto('about:blank').then(() => undefined)],
  ] as const) {
    it(`${what}: the callee gets a BYE within 2 s`, TIMEOUT, async (t) => {
      const { page, mark, callId } = await fixture.connectedCall();
      const at = Date.now();
      await leave(page);
      const closed = await fixture.baresip.waitFor('CALL_CLOSED', 5000, mark, callId);
      t.diagnostic(`BYE ${Date.now() - at} ms after the page went away`);
      assert.match(String(closed.param), /reset by peer/i, 'a BYE, not a timeout');
      assert.ok(Date.now() - at < 2000);
      await untilNoJanusSessions();
    });
  }
});
