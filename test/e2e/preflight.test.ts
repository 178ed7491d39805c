/**
 * The pre-call check ("Test my connection") on the real stack: the page's microphone, the
 * gateway (the token from the demo's token endpoint, then Janus's `info`) and a media path
 * through Janus's EchoTest plugin. Confirmed at the far end: Janus holds one session, attached to
 * EchoTest and nothing else, while the echo runs; Kamailio sees no INVITE and the callee no call;
 * afterwards Janus holds nothing and the page holds no track, peer connection or socket.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { TIMEOUT } from './support/test.js';
import { addButton, launchBrowser } from './support/browser.js';
import { assertNothingHeld, useStackFixture } from './support/fixture.js';
import {
  impairMedia,
  janusHandlePlugin,
  janusHandles,
  janusSessions,
  kamailio,
  stack,
  stackService,
  untilNoJanusSessions,
} from './support/stack.js';

const fixture = useStackFixture();

interface Check {
  name: string;
  status: string;
  detail: string;
  [figure: string]: unknown;
}
interface Result {
  verdict: string;
  checks: Check[];
  mos?: number;
}
type CheckWindow = Window & {
  vcbPreflight: Promise<Result | { error: string }>;
  vcbFired: Result[];
};

/**
 * Runs the check from the "Test my connection" control of an element with `preflight`, answers
 * "Yes" to the speaker question, and resolves with the result (`onMedia` runs while the echo is
 * measured). Also checks that exactly one `voip-preflight` carried that result.
 */
async function runCheck(page: Page, onMedia?: () => Promise<void>): Promise<Result> {
  await addButton(page, { attributes: { preflight: '' } });
  await page.evaluate(() => {
    const w = window as unknown as CheckWindow;
    w.vcbFired = [];
    w.vcbEl.addEventListener('voip-preflight', (e) => w.vcbFired.push(e.detail as Result));
  });
  await page.locator('#under-test [part~="preflight-start"]').click();
  await page.evaluate(() => {
    const w = window as unknown as CheckWindow;
    // The run under way, joined (a second call does not start another).
    w.vcbPreflight = w.vcbEl.preflight().then(
      (result) => result as unknown as Result,
      (error: unknown) => ({ error: String(error) }),
    );
  });
  await page.locator('#under-test [part~="preflight-yes"]').click({ timeout: 15_000 });
  if (onMedia) {
    await page.waitForSelector('#under-test [data-step="media"][data-status="running"]');
    await onMedia();
  }
  const result = await page.evaluate(() => (window as unknown as CheckWindow).vcbPreflight);
  assert.ok(!('error' in result), `the check ran: ${JSON.stringify(result)}`);
  const fired = await page.evaluate(() => (window as unknown as CheckWindow).vcbFired);
  assert.deepEqual(fired, [result], 'one voip-preflight, with the result');
  return result;
}

/** The check's rows as `[name, status, detail]`. */
const rows = (result: Result) => result.checks.map((c) => [c.name, c.status, c.detail]);

/** Nothing is left: no Janus session, nothing held by the page; and no SIP call was placed. */
async function assertNoCallAndReleased(page: Page, since: number, baresipMark: number) {
  await untilNoJanusSessions(3000);
  await assertNothingHeld(page);
  assert.deepEqual(kamailio.lines(/vcb: INVITE/, since), [], 'Kamailio saw no INVITE');
  assert.deepEqual(fixture.baresip.events(baresipMark), [], 'the callee saw nothing');
}

function figures(t: TestContext, what: string, result: Result) {
  t.diagnostic(`${what}: ${JSON.stringify(result)}`);
}

describe('the pre-call check', () => {
  it(
    'passes: microphone, speaker, gateway and an echo through Janus, with no SIP call',
    TIMEOUT,
    async (t) => {
      const { page } = await fixture.freshPage();
      const since = kamailio.mark();
      const mark = fixture.baresip.mark();
      let plugins: string[] = [];
      const result = await runCheck(page, async () => {
        // While the echo runs, Janus holds one session with one handle: EchoTest's.
        const sessions = await janusSessions();
        assert.equal(sessions.length, 1, 'one Janus session');
        const handles = await janusHandles(sessions[0]!);
        plugins = await Promise.all(handles.map((h) => janusHandlePlugin(sessions[0]!, h)));
      });
      figures(t, 'passing check', result);
      assert.deepEqual(plugins, ['janus.plugin.echotest']);
      assert.deepEqual(rows(result), [
        ['microphone', 'ok', 'ok'],
        ['speaker', 'ok', 'heard'],
        ['gateway', 'ok', 'ok'],
        ['media', 'ok', 'ok'],
      ]);
      assert.equal(result.verdict, 'ok');
      const [mic, , gateway, media] = result.checks;
      assert.ok(Number(mic!['level']) > 0, 'the microphone was heard');
      assert.match(String(mic!['device']), /fake/i, "the device's name");
      assert.equal(typeof gateway!['tokenMs'], 'number');
      assert.deepEqual(
        (gateway!['servers'] as Array<{ url: string }>).map((s) => s.url),
        [stack.janusWs.endsWith('/') ? stack.janusWs : `${stack.janusWs}/`],
      );
      assert.equal(media!['lossPct'], 0);
      assert.ok(Number(media!['mos']) >= 4, `MOS ${String(media!['mos'])}`);
      assert.equal(result.mos, media!['mos']);
      assert.match(
        (await page.locator('#under-test [part~="preflight-verdict"]').textContent()) ?? '',
        /All set/,
      );
      await assertNoCallAndReleased(page, since, mark);
    },
  );

  it(
    'the microphone is refused: it fails, saying what to do; the network is still measured',
    TIMEOUT,
    async (t) => {
      const denied: Browser = await launchBrowser({ micPermission: 'denied' });
      try {
        const { page } = await fixture.freshPage(denied);
        const since = kamailio.mark();
        const mark = fixture.baresip.mark();
        const result = await runCheck(page);
        figures(t, 'microphone refused', result);
        assert.deepEqual(rows(result), [
          ['microphone', 'failed', 'denied'],
          ['speaker', 'ok', 'heard'],
          ['gateway', 'ok', 'ok'],
          ['media', 'ok', 'ok'],
        ]);
        assert.equal(result.verdict, 'failed');
        assert.match(
          (await page.locator('#under-test [data-step="microphone"]').textContent()) ?? '',
          /Allow the microphone/,
        );
        await assertNoCallAndReleased(page, since, mark);
      } finally {
        await denied.close();
      }
    },
  );

  it('Janus is down: the gateway fails and the media step is not run', TIMEOUT, async (t) => {
    stackService('janus', 'stop');
    try {
      const { page } = await fixture.freshPage();
      const since = kamailio.mark();
      const mark = fixture.baresip.mark();
      const result = await runCheck(page);
      figures(t, 'Janus down', result);
      assert.deepEqual(rows(result).slice(2), [
        ['gateway', 'failed', 'unreachable'],
        ['media', 'skipped', 'not-run'],
      ]);
      assert.equal(result.verdict, 'failed');
      assert.match(
        (await page.locator('#under-test [data-step="gateway"]').textContent()) ?? '',
        /cannot be reached from this network/,
      );
      await assertNothingHeld(page);
      assert.deepEqual(kamailio.lines(/vcb: INVITE/, since), []);
      assert.deepEqual(fixture.baresip.events(mark), []);
    } finally {
      stackService('janus', 'start');
    }
  });

  it(
    'the media path drops every packet: the media step fails; everything is released',
    TIMEOUT,
    async (t) => {
      const { page } = await fixture.freshPage();
      const since = kamailio.mark();
      const mark = fixture.baresip.mark();
      impairMedia(100);
      let result: Result;
      try {
        result = await runCheck(page);
      } finally {
        impairMedia('off');
      }
      figures(t, 'media dropped', result);
      assert.deepEqual(rows(result), [
        ['microphone', 'ok', 'ok'],
        ['speaker', 'ok', 'heard'],
        ['gateway', 'ok', 'ok'],
        ['media', 'failed', 'no-echo'],
      ]);
      assert.equal(result.verdict, 'failed');
      assert.equal(result.mos, undefined);
      assert.match(
        (await page.locator('#under-test [data-step="media"]').textContent()) ?? '',
        /does not get through this network/,
      );
      await assertNoCallAndReleased(page, since, mark);
    },
  );
});
