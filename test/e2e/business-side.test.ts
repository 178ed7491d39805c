/**
 * End to end, the business's side of the call on the real stack: the context headers as they
 * reach Kamailio, transfers the far end asks for (REFER) followed or declined, and a hold by the
 * far end. Confirmed at the far end: Kamailio's log of every initial INVITE's headers, the
 * baresips' events and recordings, and the agent extension (stack/agent-uas.mjs), which holds,
 * resumes and transfers on command and logs the NOTIFYs it gets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TIMEOUT } from './support/test.js';
import { addButton, events, waitForEvent, waitForState } from './support/browser.js';
import { assertHears, assertSustained, useStackFixture } from './support/fixture.js';
import {
  agent,
  agentLog,
  callAgent,
  transferFromExtension,
  waitInviteHeaders,
  inviteHeaders,
} from './support/sip-observe.js';
import {
  Baresip,
  farEnd,
  newestRecording,
  janusSessions,
  kamailio,
  stack,
} from './support/stack.js';
import { wavWindows } from './support/wav.js';
import { setTimeout as sleep } from 'node:timers/promises';

const fixture = useStackFixture();

const status = (page: Parameters<typeof events>[0]) =>
  page.locator('#under-test [part="status"]').textContent();

describe('context for the agent', () => {
  it('arrives as X- headers on the INVITE', TIMEOUT, async () => {
    const since = kamailio.mark();
    const { page } = await fixture.freshPage();
    await addButton(page, {
      attributes: { context: 'page=/checkout&order=1234&crm-id=C-1042&note=caf%C3%A9' },
    });
    await page.evaluate(() => window.vcbEl.call());
    await waitForEvent(page, 'voip-connected');
    const invite = await waitInviteHeaders(since, 3000);
    assert.equal(invite.to, stack.extAnswer);
    assert.deepEqual(invite.xHeaders, [
      'X-Page: /checkout',
      'X-Order: 1234',
      'X-Crm-Id: C-1042',
      'X-Note: caf%C3%A9',
    ]);
    await page.evaluate(() => window.vcbEl.hangup());
    await waitForState(page, 'idle');
  });

  const refused: Array<[string, { attribute?: string; property?: Record<string, string> }]> = [
    ['a CR/LF in a value', { attribute: 'page=%2Fa%0D%0AVia%3A%20SIP%2F2.0%2FUDP%20evil' }],
    ['a name that is not an X- header', { property: { 'Via:': 'SIP/2.0/UDP evil' } }],
    ['an oversized value', { property: { page: 'x'.repeat(201) } }],
  ];
  for (const [what, context] of refused) {
    it(`with ${what} is refused (invalid-config) with nothing sent`, TIMEOUT, async () => {
      const since = kamailio.mark();
      const before = await janusSessions();
      const { page } = await fixture.freshPage();
      await addButton(page, {
        attributes: context.attribute ? { context: context.attribute } : {},
      });
      if (context.property) {
        await page.evaluate((c) => (window.vcbEl.context = c), context.property);
      }
      await page.evaluate(() => window.vcbEl.call());
      const error = await waitForEvent(page, 'voip-error');
      assert.equal(error.detail['code'], 'invalid-config');
      await waitForState(page, 'idle');
      await sleep(500);
      assert.deepEqual(inviteHeaders(since), [], 'no INVITE reached Kamailio');
      assert.deepEqual(await janusSessions(), before, 'no Janus session was created');
      assert.equal(await page.evaluate(() => window.vcbMic), null, 'no microphone was opened');
      assert.equal((await events(page)).filter((e) => e.type === 'voip-ended').length, 0);
    });
  }
});

describe('transfers asked for by the far end', () => {
  it(
    'a blind transfer from 2000 to 2008 is followed: 2008 answers, audio both ways, 2000 released',
    TIMEOUT,
    async (t) => {
      const target = await Baresip.open(farEnd.baresipTransferCtrl);
      try {
        const startedAt = Date.now();
        const since = kamailio.mark();
        const targetMark = target.mark();
        const { page, mark, callId } = await fixture.connectedCall({ rawAudio: true });
        transferFromExtension(fixture.baresip, `sip:${farEnd.extTransfer}@${stack.sipDomain}`);
        const following = await waitForEvent(page, 'voip-transfer');
        assert.deepEqual(following.detail, {
          target: `sip:${farEnd.extTransfer}@${stack.sipDomain}`,
          outcome: 'following',
        });
        await waitForEvent(page, 'voip-transfer', 10_000, 2);
        const outcomes = (await events(page))
          .filter((e) => e.type === 'voip-transfer')
          .map((e) => e.detail['outcome']);
        assert.deepEqual(outcomes, ['following', 'connected']);
        assert.equal(await page.evaluate(() => window.vcbEl.state), 'in-call');
        const established = await target.waitFor('CALL_ESTABLISHED', 5000, targetMark);
        // The INVITE to the target went through Kamailio and carried the transfer's Referred-By.
        const invites = inviteHeaders(since).filter((i) => i.to === farEnd.extTransfer);
        assert.equal(invites.length, 1, 'exactly one INVITE to the transfer target');
        assert.ok(
          invites[0]!.names.some((n) => /^referred-by$/i.test(n)),
          `Referred-By on the INVITE: ${invites[0]!.names.join(', ')}`,
        );
        // The transferor's call is over (it hung up, or the element did once 2008 answered).
        await fixture.baresip.waitFor('CALL_CLOSED', 5000, mark, callId);
        t.diagnostic(`the page hears 2008: ${await assertHears(page, 'the page hears 2008')}`);
        await sleep(1500);
        // What 2008 received so far (its recorder writes the file as the audio arrives; the
        // header is only finished some time after the call).
        const recording = newestRecording(startedAt, farEnd.recordDirTransfer);
        assert.ok(recording, 'a recording at 2008');
        t.diagnostic(
          `2008 hears the caller: ${assertSustained(wavWindows(recording, 300, 1300), '2008 hears the caller')}`,
        );
        await page.evaluate(() => window.vcbEl.hangup());
        const ended = await waitForEvent(page, 'voip-ended');
        assert.equal(ended.detail['reason'], 'local-hangup');
        const closed = await target.waitFor(
          'CALL_CLOSED',
          5000,
          targetMark,
          String(established['id']),
        );
        assert.match(String(closed.param), /reset by peer/i, '2008 got our BYE');
      } finally {
        target.close();
      }
    },
  );

  for (const target of [
    'sip:2000@10.0.0.1:5060', // another domain
    `sip:attacker@${'127.0.0.1:5060'}`, // not a dialable number
  ]) {
    it(
      `a transfer to ${target} is declined (603) and never dialled; the call goes on`,
      TIMEOUT,
      async () => {
        const since = kamailio.mark();
        const agentSince = agentLog().mark();
        const { page } = await fixture.freshPage();
        await callAgent(page);
        const sessions = await janusSessions();
        const result = await agent.transfer(target);
        assert.equal(result.code, 202, 'the REFER was accepted (then declined by NOTIFY)');
        const declined = await waitForEvent(page, 'voip-transfer');
        assert.deepEqual(declined.detail, { target, outcome: 'declined' });
        await agentLog().waitFor(/NOTIFY .*sipfrag="SIP\/2.0 603 Decline"/, 5000, agentSince);
        await sleep(500);
        assert.deepEqual(
          inviteHeaders(since).map((i) => i.to),
          [farEnd.extAgent],
          'no INVITE but the call itself reached Kamailio',
        );
        assert.deepEqual(await janusSessions(), sessions, 'no new Janus session');
        assert.equal(await page.evaluate(() => window.vcbEl.state), 'in-call');
        await agent.hangup();
        const ended = await waitForEvent(page, 'voip-ended');
        assert.equal(ended.detail['reason'], 'remote-hangup');
      },
    );
  }

  it(
    'a transfer to a busy line fails: the visitor is back on the call and told why; the far end then hanging up ends "busy"',
    TIMEOUT,
    async () => {
      const agentSince = agentLog().mark();
      const { page } = await fixture.freshPage();
      await callAgent(page);
      await agent.transfer(`sip:${stack.extBusy}@${stack.sipDomain}`);
      await waitForEvent(page, 'voip-transfer', 10_000, 2);
      const outcomes = (await events(page))
        .filter((e) => e.type === 'voip-transfer')
        .map((e) => e.detail['outcome']);
      assert.deepEqual(outcomes, ['following', 'failed']);
      await waitForState(page, 'in-call');
      // The transferor heard how it went (a NOTIFY with the target's 486).
      await agentLog().waitFor(/NOTIFY .*sipfrag="SIP\/2.0 486/, 5000, agentSince);
      const notice = page.locator('#under-test voip-call-panel [part="transfer-failed"]');
      assert.match(String(await notice.textContent()), /did not go through.*busy/s);
      await agent.hangup();
      const ended = await waitForEvent(page, 'voip-ended');
      assert.equal(ended.detail['reason'], 'busy');
      assert.equal(ended.detail['sipCode'], 486);
    },
  );
});

describe('hold by the far end', () => {
  it(
    '"On hold — please stay on the line" while the agent holds (sendonly, then inactive); cleared on resume',
    TIMEOUT,
    async () => {
      const agentSince = agentLog().mark();
      const { page } = await fixture.freshPage();
      await callAgent(page);
      const held = await agent.hold('sendonly');
      assert.equal(held.code, 200, 'the page answered the re-INVITE');
      await waitForEvent(page, 'voip-hold');
      assert.equal(await status(page), 'On hold — please stay on the line');
      await agentLog().waitFor(
        /re-INVITE .*direction=sendonly answer-direction=recvonly -> 200/,
        3000,
        agentSince,
      );
      // Inactive: nothing flows either way, for longer than the media watchdog would allow.
      await agent.hold('inactive');
      await sleep(4000);
      assert.equal(await status(page), 'On hold — please stay on the line');
      await agent.resume();
      await waitForEvent(page, 'voip-hold', 5000, 2);
      assert.equal(await status(page), 'Connected');
      const all = await events(page);
      assert.deepEqual(
        all.filter((e) => e.type === 'voip-hold').map((e) => e.detail),
        [
          { onHold: true, by: 'remote' },
          { onHold: false, by: 'remote' },
        ],
      );
      assert.equal(all.filter((e) => e.type === 'voip-reconnecting').length, 0, 'no reconnecting');
      assert.equal(await page.evaluate(() => window.vcbEl.state), 'in-call');
      await assertHears(page, 'the page hears the agent again after the resume');
      await page.evaluate(() => window.vcbEl.hangup());
      await waitForState(page, 'idle');
    },
  );
});
