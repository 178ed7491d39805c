/**
 * Soak: one long call through the real stack (10 minutes by default, VCB_SOAK_SECONDS). Run by
 * `npm run test:soak`, not by `npm test`. Every minute it checks that the call is still up at
 * both ends, that the visitor hears the callee (sustained, in the page) and the callee hears the
 * visitor (sustained, over the last minute of baresip's recording), and that janus.js keeps its
 * session alive with keepalives that Janus acknowledges (Janus's session_timeout is 60 s here).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addButton, events, waitForEvent } from '../support/browser.js';
import {
  AUDIBLE,
  assertHears,
  assertReleased,
  assertSustained,
  useStackFixture,
} from '../support/fixture.js';
import { finishedRecording, janusSessions, newestRecording } from '../support/stack.js';
import { wavRms, wavWindows } from '../support/wav.js';

const fixture = useStackFixture();
const SECONDS = Number(process.env.VCB_SOAK_SECONDS ?? 600);
const CHECK_EVERY_MS = 60_000;

describe('soak', () => {
  it(
    `a ${SECONDS} s call stays up with audio both ways and working keepalives`,
    { timeout: (SECONDS + 300) * 1000 },
    async (t) => {
      const started = Date.now();
      const { page } = await fixture.freshPage();
      // A token that outlives the call: a call never outlives its token (it would end 5 s
      // before, as "max-duration").
      await addButton(page, { rawAudio: true, tokenUrl: '/token/hour' });
      // Keepalives by transaction: an ack counts only when it answers a keepalive.
      const keepaliveTransactions = new Set<string>();
      let acked = 0;
      const json = (payload: string | Buffer): Record<string, unknown> => {
        try {
          return JSON.parse(String(payload)) as Record<string, unknown>;
        } catch {
          return {};
        }
      };
      page.on('websocket', (ws) => {
        ws.on('framesent', (f) => {
          const sent = json(f.payload);
          if (sent['janus'] === 'keepalive') keepaliveTransactions.add(String(sent['transaction']));
        });
        ws.on('framereceived', (f) => {
          const got = json(f.payload);
          if (got['janus'] === 'ack' && keepaliveTransactions.delete(String(got['transaction'])))
            acked += 1;
        });
      });
      const keepalives = () => acked + keepaliveTransactions.size;
      const mark = fixture.baresip.mark();
      await page.evaluate(() => window.vcbEl.call());
      await waitForEvent(page, 'voip-connected');
      const callId = String((await fixture.baresip.waitFor('CALL_ESTABLISHED', 5000, mark))['id']);
      const [session] = await janusSessions();
      const end = started + SECONDS * 1000;
      for (let minute = 1; Date.now() < end; minute++) {
        await new Promise((r) => setTimeout(r, Math.min(CHECK_EVERY_MS, end - Date.now())));
        const state = await page.evaluate(() => window.vcbEl.state);
        assert.equal(state, 'in-call', `minute ${minute}`);
        const heard = await assertHears(
          page,
          `minute ${minute}: the visitor hears the callee`,
          2000,
        );
        // The callee's side: the recording so far (baresip writes it as it decodes), its last
        // minute (or all of it after the first 0.5 s, in the first minute).
        const recording = newestRecording(started);
        assert.ok(recording, `minute ${minute}: baresip is recording the call`);
        const { seconds } = wavRms(recording);
        const recorded = assertSustained(
          wavWindows(recording, Math.max(500, (seconds - 60) * 1000), seconds * 1000 - 200),
          `minute ${minute}: the callee hears the visitor`,
        );
        const quality = (await events(page)).filter((e) => e.type === 'voip-quality').at(-1);
        t.diagnostic(
          `t=${Math.round((Date.now() - started) / 1000)} s: ${state}; received ${heard}; recorded ${recorded}; keepalives ${keepalives()} (acked ${acked}), MOS ${String(quality?.detail['mos'])}`,
        );
        assert.deepEqual(await janusSessions(), [session], 'the same Janus session all along');
        assert.deepEqual(
          fixture.baresip
            .events(mark)
            .filter((e) => e.type === 'CALL_CLOSED' && e['id'] === callId),
          [],
          'the callee is still in the call',
        );
      }
      // janus.js sends one every 10 s; Janus would end a silent session after 60 s. What keeps
      // the session alive is Janus's ack of each, not the sending: count the acks.
      assert.ok(acked >= Math.floor(SECONDS / 10) - 2, `${acked} keepalives acknowledged`);
      assert.ok(
        acked >= keepalives() - 1,
        `${acked} of ${keepalives()} keepalives acknowledged (the last may be in flight)`,
      );
      assert.equal(
        (await events(page)).filter((e) => e.type === 'voip-reconnecting').length,
        0,
        'no interruption',
      );

      await page.evaluate(() => window.vcbEl.hangup());
      const ended = await waitForEvent(page, 'voip-ended');
      assert.equal(ended.detail['reason'], 'local-hangup');
      assert.ok(Number(ended.detail['durationMs']) >= SECONDS * 1000 - 5000);
      await fixture.baresip.waitFor('CALL_CLOSED', 5000, mark, callId);
      await assertReleased(page);

      const recording = await finishedRecording(started);
      const { rms, seconds } = wavRms(recording, 500);
      const lastMinute = wavRms(recording, Math.max(0, seconds - 60) * 1000).rms;
      t.diagnostic(
        `baresip recorded ${seconds.toFixed(0)} s of the visitor, RMS ${rms.toFixed(3)} (last minute ${lastMinute.toFixed(3)})`,
      );
      assert.ok(seconds >= SECONDS - 10, `recorded ${seconds.toFixed(0)} s`);
      assert.ok(rms > AUDIBLE, 'the callee hears the visitor');
      assert.ok(lastMinute > AUDIBLE, 'still in the last minute');
      t.diagnostic(
        `whole recording: ${assertSustained(wavWindows(recording, 500, seconds * 1000 - 200), 'the callee hears the visitor all along')}`,
      );
    },
  );
});
