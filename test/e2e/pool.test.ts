/**
 * End to end: the pool. Pages call through HAProxy (VCB_POOL_WS) in front of two Janus
 * instances, to extension 2100, which Kamailio's dispatcher spreads over two PBX nodes (baresip
 * "pbx-a" and "pbx-b"). Under load (POOL_CALLS calls up at once) one Janus is killed and later
 * one PBX node stopped; every call must end in a defined way or go on, and every new call must
 * land on the survivors. A second test drops a visitor's WebSocket to the pool: the reconnect
 * must reach the Janus that holds the session (HAProxy's cookie).
 * Counts are printed as diagnostics: calls per gateway and per node, failures, recoveries.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { addButton, events, waitForEvent, waitForState } from './support/browser.js';
import { assertReleased, useStackFixture } from './support/fixture.js';
import {
  Baresip,
  dropTcp,
  janusSessions,
  kamailio,
  restoreNetwork,
  serviceRunning,
  stack,
  stackService,
  untilNoJanusSessions,
} from './support/stack.js';
import { setTimeout as sleep } from 'node:timers/promises';

const fixture = useStackFixture();

/**
 * Calls up at once before the first fault (VCB_POOL_CALLS, default 8). The test client is the
 * limit here, not the pool: one Chromium on 2 cores takes about 8 % CPU per call and is saturated
 * near 12 calls (Janus 14 %, both PBX nodes 10 % then); set-up then takes tens of seconds.
 */
const POOL_CALLS = Number(process.env.VCB_POOL_CALLS) || 8;
/**
 * Between two calls placed: Kamailio lets at most 10 INVITEs per 2 s through from one source
 * (both gateways are one source here), so at most 8 per 2 s.
 */
const PACE_MS = 250;
/** How soon a call on the killed gateway must end (as in faults.test.ts: a loaded machine). */
const LOST_WITHIN_MS = 6000;

const GATEWAYS = { janus: stack.janusAdminHttp, janus2: stack.janus2AdminHttp } as const;
type Gateway = keyof typeof GATEWAYS;
type Node = 'pbx-a' | 'pbx-b';
const NODE_PORT: Record<Node, string> = { 'pbx-a': '5082', 'pbx-b': '5084' };

interface PoolCall {
  context: BrowserContext;
  page: Page;
  /** The Janus HAProxy sent this visitor to (its cookie). */
  gateway?: Gateway;
}

const nodes: Partial<Record<Node, Baresip>> = {};
before(async () => {
  nodes['pbx-a'] = await Baresip.open(stack.pbxCtrl['pbx-a']);
  nodes['pbx-b'] = await Baresip.open(stack.pbxCtrl['pbx-b']);
});
after(() => {
  nodes['pbx-a']?.close();
  nodes['pbx-b']?.close();
});

/** Contexts this file opened itself (closed after each test, pass or fail). */
const opened = new Set<BrowserContext>();
afterEach(async () => {
  await Promise.all([...opened].map((c) => c.close().catch(() => undefined)));
  opened.clear();
  // What a test stopped comes back, pass or fail.
  for (const name of ['janus2', 'pbx-b'] as const)
    if (!serviceRunning(name)) stackService(name, 'start');
});

/**
 * A fresh visitor (its own browser context: its own cookies) calling 2100 through the pool, from
 * the smallest page (one element: many visitors at once on 2 cores).
 */
async function placePoolCall(): Promise<PoolCall> {
  const context = await fixture.browser.newContext();
  opened.add(context);
  const page = await context.newPage();
  await page.goto(new URL('minimal.html', fixture.demoUrl).href);
  await addButton(page, { server: stack.poolWs, number: stack.extPool });
  await page.evaluate(() => window.vcbEl.call());
  return { context, page };
}

/** Which Janus the pool sent the visitor to: HAProxy's cookie in its context. */
async function gatewayOf(call: PoolCall): Promise<Gateway | undefined> {
  const cookie = (await call.context.cookies(stack.poolWs.replace(/^ws/, 'http'))).find(
    (c) => c.name === 'VCBGW',
  );
  return cookie?.value === 'janus' || cookie?.value === 'janus2' ? cookie.value : undefined;
}

/**
 * Where Kamailio's dispatcher sent each call after `since`: the last "vcb: POOL call-id=ID ->
 * URI" line of each call, counted per node.
 */
function dispatched(since: number): Record<string, number> {
  const last = new Map<string, string>();
  for (const line of kamailio.lines(/vcb: POOL call-id=\S+ -> /, since)) {
    const [, id, port] = /call-id=(\S+) -> sip:[^@]+@[^:]+:(\d+)/.exec(line) ?? [];
    if (id)
      last.set(id, (Object.keys(NODE_PORT) as Node[]).find((n) => NODE_PORT[n] === port) ?? '?');
  }
  return count([...last.values()]);
}

/** CALL_ESTABLISHED events at each node after its mark. */
function answered(marks: Record<Node, number>): Record<string, number> {
  return Object.fromEntries(
    (Object.keys(NODE_PORT) as Node[]).map((n) => [
      n,
      nodes[n]!.events(marks[n]).filter((e) => e.type === 'CALL_ESTABLISHED').length,
    ]),
  );
}
const markNodes = (): Record<Node, number> => ({
  'pbx-a': nodes['pbx-a']!.mark(),
  'pbx-b': nodes['pbx-b']!.mark(),
});

const count = <T extends string>(items: (T | undefined)[]) =>
  items.reduce<Record<string, number>>(
    (acc, k) => ({ ...acc, [k ?? '?']: (acc[k ?? '?'] ?? 0) + 1 }),
    {},
  );

/** Places `n` calls, paced; waits until all are connected; learns their gateway. */
async function placeConnected(n: number): Promise<PoolCall[]> {
  const calls: PoolCall[] = [];
  for (let i = 0; i < n; i++) {
    calls.push(await placePoolCall());
    await sleep(PACE_MS);
  }
  await Promise.all(
    calls.map(async (call) => {
      await waitForEvent(call.page, 'voip-connected', 60_000);
      call.gateway = await gatewayOf(call);
    }),
  );
  return calls;
}

describe('a pool: HAProxy in front of two gateways, the dispatcher in front of two PBX nodes', () => {
  it(
    `${POOL_CALLS} calls: spread over both; a gateway killed, then a PBX node stopped, under load`,
    { timeout: 300_000 },
    async (t) => {
      const since = kamailio.mark();
      const marks = markNodes();
      const started = Date.now();
      const first = await placeConnected(POOL_CALLS);
      const perGateway = count(first.map((c) => c.gateway));
      const perNode = dispatched(since);
      t.diagnostic(
        `${POOL_CALLS} calls connected in ${((Date.now() - started) / 1000).toFixed(1)} s: per gateway ${JSON.stringify(perGateway)}, per PBX node ${JSON.stringify(perNode)}`,
      );
      // The gateways' own view: one session per visitor, spread by least connections.
      const sessions = {
        janus: (await janusSessions(GATEWAYS.janus)).length,
        janus2: (await janusSessions(GATEWAYS.janus2)).length,
      };
      t.diagnostic(`Janus sessions: ${JSON.stringify(sessions)}`);
      assert.deepEqual(sessions, { janus: perGateway['janus'], janus2: perGateway['janus2'] });
      for (const n of [sessions.janus, sessions.janus2])
        assert.ok(
          Math.abs(n - POOL_CALLS / 2) <= 2,
          `least connections: ${JSON.stringify(sessions)}`,
        );
      // The nodes' own view: each answered the calls the dispatcher gave it (round robin).
      assert.deepEqual(answered(marks), perNode, 'each node answered what Kamailio sent it');
      for (const node of ['pbx-a', 'pbx-b'] as const)
        assert.ok(
          Math.abs(perNode[node]! - POOL_CALLS / 2) <= 1,
          `round robin: ${JSON.stringify(perNode)}`,
        );

      // janus2 dies (SIGKILL). Its calls end as connection-lost; the others go on.
      const onDead = first.filter((c) => c.gateway === 'janus2');
      const onLive = first.filter((c) => c.gateway === 'janus');
      const at = await Promise.all(onDead.map((c) => c.page.evaluate(() => performance.now())));
      stackService('janus2', 'kill');
      // New visitors at once, before the health check has seen it: none may fail.
      const afterKill = placeConnected(Math.ceil(POOL_CALLS / 4));
      const lost = await Promise.all(
        onDead.map(async (c, i) => {
          const ended = await waitForEvent(c.page, 'voip-ended', LOST_WITHIN_MS + 10_000);
          return { reason: ended.detail['reason'], ms: ended.at - at[i]! };
        }),
      );
      const times = lost.map((l) => l.ms).sort((a, b) => a - b);
      t.diagnostic(
        `janus2 killed: ${onDead.length} calls on it ended ${JSON.stringify(count(lost.map((l) => String(l.reason))))} after ${times.map((ms) => ms.toFixed(0)).join(', ')} ms`,
      );
      for (const l of lost) {
        assert.equal(l.reason, 'connection-lost');
        assert.ok(l.ms < LOST_WITHIN_MS, `ended after ${l.ms.toFixed(0)} ms`);
      }
      const fresh = await afterKill;
      t.diagnostic(
        `${fresh.length} new calls right after the kill: per gateway ${JSON.stringify(count(fresh.map((c) => c.gateway)))}`,
      );
      for (const c of fresh) assert.equal(c.gateway, 'janus', 'a new call lands on the survivor');
      for (const c of [...onLive, ...fresh]) {
        assert.equal(await c.page.evaluate(() => window.vcbEl.state), 'in-call');
        const ended = (await events(c.page)).filter(
          (e) => e.type === 'voip-ended' || e.type === 'voip-error',
        );
        assert.deepEqual(ended, [], 'calls on the surviving gateway go on');
      }

      // pbx-b stops (TERM: it hangs up its calls). New calls go to pbx-a.
      stackService('pbx-b', 'stop');
      const sinceStop = kamailio.mark();
      const stopMarks = markNodes();
      const afterStop = await placeConnected(2);
      const failovers = kamailio.lines(/vcb: POOL call-id=.* \(failover\)/, sinceStop).length;
      t.diagnostic(
        `pbx-b stopped: ${afterStop.length} new calls dispatched to ${JSON.stringify(dispatched(sinceStop))}, ${failovers} of them after a failover from pbx-b`,
      );
      assert.deepEqual(dispatched(sinceStop), { 'pbx-a': afterStop.length });
      assert.deepEqual(answered(stopMarks), { 'pbx-a': afterStop.length, 'pbx-b': 0 });

      // Every page still in a call hangs up; nothing is left on the gateway.
      const up = [...onLive, ...fresh, ...afterStop];
      await Promise.all(up.map((c) => c.page.evaluate(() => window.vcbEl.hangup())));
      await Promise.all(up.map((c) => waitForState(c.page, 'idle')));
      await untilNoJanusSessions(10_000, GATEWAYS.janus);
      const all = [...first, ...fresh, ...afterStop];
      const recovered = (await Promise.all(onDead.map((c) => events(c.page)))).filter((log) =>
        log.some((e) => e.type === 'voip-reconnected'),
      ).length;
      t.diagnostic(
        `totals: ${all.length} calls placed, all connected; per gateway ${JSON.stringify(count(all.map((c) => c.gateway)))}, per node ${JSON.stringify(dispatched(since))}; on the killed gateway ${lost.length} ended connection-lost, ${recovered} recovered; failed 0 (asserted above)`,
      );
    },
  );

  it(
    "a visitor's dropped WebSocket: the reconnect reaches the Janus that holds the session",
    { timeout: 120_000 },
    async (t) => {
      const { context, page } = await fixture.freshPage();
      // A visitor the pool has already sent to janus (the one that keeps sessions to reclaim).
      await context.addCookies([{ name: 'VCBGW', value: 'janus', url: 'http://127.0.0.1:8190' }]);
      await addButton(page, { server: stack.poolWs });
      await page.evaluate(() => window.vcbEl.call());
      await waitForEvent(page, 'voip-connected');
      const [session] = await janusSessions(GATEWAYS.janus);
      assert.ok(session, 'on janus');
      try {
        dropTcp(Number(new URL(stack.poolWs).port));
        await waitForState(page, 'reconnecting', 3000);
        await sleep(2000);
      } finally {
        restoreNetwork();
      }
      const back = await waitForEvent(page, 'voip-reconnected', 10_000);
      t.diagnostic(`reconnected through the pool: ${JSON.stringify(back.detail)}`);
      assert.deepEqual(
        await janusSessions(GATEWAYS.janus),
        [session],
        'the same session, reclaimed',
      );
      assert.deepEqual(await janusSessions(GATEWAYS.janus2), [], 'nothing at janus2');
      await page.evaluate(() => window.vcbEl.hangup());
      await assertReleased(page);
    },
  );
});
