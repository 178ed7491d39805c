/**
 * The SIP side enforces what the browser cannot. These tests bypass the widget and drive the
 * Janus SIP plugin over its HTTP API, as any script could, and check the stack's Kamailio:
 * numbers outside the allow-list are refused with 403 before any routing, an unknown number
 * inside it still reaches the routing (404), and a burst of calls from one source is throttled
 * (503 "Rate limited"), then allowed again once the window has passed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { after, before, TIMEOUT } from './support/test.js';
import {
  audioOffer,
  JanusSession,
  type JanusHandle,
  type SipPluginData,
} from './support/janus-api.js';
import { Baresip, kamailio, stack, untilNoJanusSessions } from './support/stack.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** The limits, read from the one place they are configured (stack/kamailio/kamailio.cfg). */
const kamailioCfg = readFileSync(
  new URL('../../stack/kamailio/kamailio.cfg', import.meta.url),
  'utf8',
);
function define(name: string): number {
  const value = Number(kamailioCfg.match(new RegExp(`^#!define ${name} (\\d+)$`, 'm'))?.[1]);
  assert.ok(value > 0, `kamailio.cfg defines ${name}`);
  return value;
}
const RATE_LIMIT = define('RATE_LIMIT');
const RATE_WINDOW_MS = define('RATE_WINDOW_MS');
const BURST = 2 * RATE_LIMIT;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Guest {
  session: JanusSession;
  handle: JanusHandle;
}
type CallResult = NonNullable<SipPluginData['result']>;

const sessions = new Set<JanusSession>();
let baresip: Baresip | undefined;

/** A session + SIP plugin handle, registered as a guest, exactly like the widget does. */
async function guest(name: string): Promise<Guest> {
  const session = await JanusSession.create(stack.janusHttp);
  sessions.add(session);
  const handle = await session.attach('janus.plugin.sip');
  const mark = session.mark();
  const ack = await handle.message({
    request: 'register',
    type: 'guest',
    username: `sip:${name}@${stack.sipDomain}`,
  });
  assert.equal(ack.janus, 'ack', JSON.stringify(ack));
  await handle.sipEvent('registered', 5000, mark);
  return { session, handle };
}

/** Sends the `call` request; resolves once Janus acknowledged it, with the call's final event. */
async function dial(g: Guest, ext: string): Promise<{ ended: Promise<CallResult> }> {
  const mark = g.session.mark();
  const ack = await g.handle.message(
    { request: 'call', uri: `sip:${ext}@${stack.sipDomain}` },
    audioOffer(),
  );
  assert.equal(ack.janus, 'ack', JSON.stringify(ack));
  const ended = (async () => {
    const hangup = await g.handle.sipEvent('hangup', 8000, mark);
    // The PeerConnection goes away asynchronously: a new offer on this handle before the core
    // "hangup" would fail (490), so wait for it (best effort, it is not what we test).
    await g.session
      .waitFor((e) => e.janus === 'hangup' && e.sender === g.handle.id, 3000, mark)
      .catch(() => undefined);
    return hangup.result!;
  })();
  return { ended };
}

async function call(g: Guest, ext: string): Promise<CallResult> {
  return (await dial(g, ext)).ended;
}

async function destroy(session: JanusSession): Promise<void> {
  sessions.delete(session);
  await session.destroy();
}

before(async () => {
  baresip = await Baresip.open();
});

after(async () => {
  await Promise.all([...sessions].map(destroy));
  baresip?.close();
  await untilNoJanusSessions();
});

describe('the SIP side refuses what the page must not dial', () => {
  it(
    'numbers outside the allow-list get 403 from Kamailio, before any routing',
    TIMEOUT,
    async (t) => {
      const g = await guest('policy-probe');
      const mark = baresip!.mark();
      for (const number of ['+62215550100', '900', '0011234', '*97', '3000']) {
        const refused = new RegExp(`vcb: policy 403 INVITE from .* to '${escape(number)}'`);
        const routed = new RegExp(`INVITE from .* to extension '${escape(number)}'`);
        const since = kamailio.mark();
        const started = Date.now();
        const result = await call(g, number);
        t.diagnostic(
          `${number}: hangup ${result.code} ${result.reason} (${Date.now() - started} ms)`,
        );
        assert.equal(result.code, 403, `${number} refused with 403`);
        assert.match(String(result.reason), /forbidden/i);
        assert.equal(
          kamailio.lines(refused, since).length,
          1,
          `Kamailio logged the refusal of ${number}`,
        );
        assert.equal(
          kamailio.lines(routed, since).length,
          0,
          `${number} never reached route[EXTENSIONS]`,
        );
      }
      await sleep(200);
      assert.deepEqual(
        baresip!.events(mark).map((e) => e.type),
        [],
        'baresip saw no call',
      );
      await destroy(g.session);
      await untilNoJanusSessions();
    },
  );

  it(
    'an unknown extension inside the allow-list still reaches the routing (404)',
    TIMEOUT,
    async (t) => {
      const g = await guest('policy-sanity');
      const routed = new RegExp(`INVITE from .* to extension '${stack.extUnknown}'`);
      const since = kamailio.mark();
      const result = await call(g, stack.extUnknown);
      t.diagnostic(`${stack.extUnknown}: hangup ${result.code} ${result.reason}`);
      assert.equal(result.code, 404);
      assert.equal(kamailio.lines(routed, since).length, 1, 'routed by route[EXTENSIONS]');
      await destroy(g.session);
      await untilNoJanusSessions();
    },
  );

  it(`a burst of ${BURST} calls is throttled (503), and the limit recovers`, TIMEOUT, async (t) => {
    // The guests first (not part of the burst), then a clean rate window.
    const guests = await Promise.all(Array.from({ length: BURST }, (_, i) => guest(`burst-${i}`)));
    await sleep(2 * RATE_WINDOW_MS);
    const since = kamailio.mark();

    // As fast as possible: each request returns as soon as Janus queued it, and the SIP
    // plugin sends the INVITEs in the order it received the requests.
    const started = Date.now();
    const calls: Array<Promise<CallResult>> = [];
    for (const g of guests) calls.push((await dial(g, stack.extBusy)).ended);
    const sentIn = Date.now() - started;
    const results = await Promise.all(calls);
    const codes = results.map((r) => r.code);
    const busy = codes.filter((c) => c === 486).length;
    const limited = results.filter((r) => r.code === 503);
    t.diagnostic(`${BURST} call requests sent in ${sentIn} ms; codes in order: ${codes.join(' ')}`);
    t.diagnostic(
      `${busy} x 486, ${limited.length} x 503 "${limited[0]?.reason}" (limit ${RATE_LIMIT} per ${RATE_WINDOW_MS} ms)`,
    );

    assert.deepEqual(codes.slice(0, 3), [486, 486, 486], 'the first calls get through');
    assert.ok(
      codes.every((c) => c === 486 || c === 503),
      'every call is either busy or rate limited',
    );
    // A sliding window: RATE_LIMIT, perhaps one more if the burst straddles two windows.
    assert.ok(busy >= 3 && busy <= RATE_LIMIT + 1, `${busy} calls got through`);
    assert.ok(limited.length >= BURST - RATE_LIMIT - 1, `${limited.length} calls throttled`);
    for (const r of limited) assert.match(String(r.reason), /rate limited/i);
    assert.equal(
      kamailio.lines(/vcb: rate-limited INVITE/, since).length,
      limited.length,
      'Kamailio logged each throttled INVITE once (no automatic retries)',
    );
    await Promise.all(guests.map((g) => destroy(g.session)));
    await untilNoJanusSessions();

    // The window passes: one call gets through again (and later tests are unaffected).
    await sleep(2 * RATE_WINDOW_MS);
    const g = await guest('after-burst');
    const result = await call(g, stack.extBusy);
    t.diagnostic(`after ${2 * RATE_WINDOW_MS} ms: hangup ${result.code} ${result.reason}`);
    assert.equal(result.code, 486);
    await destroy(g.session);
    await untilNoJanusSessions();
  });
});
