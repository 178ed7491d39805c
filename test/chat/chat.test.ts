/**
 * The text capability's API (src/chat/index.ts) against the fake gateway: sendMessage(), the
 * voip-message and voip-message-status events, refusals, the rate limit, the end of the call and
 * what `messages` holds.
 */
import { expect } from '@open-wc/testing';
import { VoipError } from '../../src/errors.js';
import { clock } from '../../src/chat/text.js';
import { answeredCall, mountWithFake, until } from '../support/fake-connector.js';
import { chatCall, hangUp, outcome, part, recordChat, settle, warmUp, has } from './support.js';

describe('text messages: sending', () => {
  before(async function () {
    this.timeout(30_000);
    await warmUp();
  });

  it('a send fires voip-message (out) at once, then voip-message-status delivered; the promise resolves', async () => {
    const { el, session, log } = await chatCall();
    session.deliveryCode = 'hold';
    const before = Date.now();
    const sent = el.sendMessage('Hello, is the table for 4 free?');
    expect(session.messages).to.deep.equal(['Hello, is the table for 4 free?']);
    expect(log.messages).to.have.length(1);
    const { id, direction, text, at } = log.messages[0]!;
    expect(id).to.be.a('string').and.not.equal('');
    expect({ direction, text }).to.deep.equal({
      direction: 'out',
      text: 'Hello, is the table for 4 free?',
    });
    expect(at).to.be.within(before, Date.now());
    expect(el.messages).to.deep.equal([{ ...log.messages[0], status: 'sending' }]);
    expect(log.statuses).to.deep.equal([]);
    session.pendingDeliveries[0]!(202);
    expect(await outcome(sent)).to.equal('resolved');
    expect(log.statuses).to.deep.equal([{ id, status: 'delivered', sipCode: 202 }]);
    expect(el.messages).to.deep.equal([{ id, direction: 'out', text, at, status: 'delivered' }]);
    expect(log.errors).to.deep.equal([]);
    await hangUp(el);
  });

  it('messages is a frozen list of frozen entries, replaced on each change', async () => {
    const { el, log } = await chatCall();
    const empty = el.messages;
    await el.sendMessage('one');
    expect(Object.isFrozen(el.messages)).to.equal(true);
    expect(Object.isFrozen(el.messages[0])).to.equal(true);
    expect(empty).to.deep.equal([]);
    expect(log.messages[0]!.id).to.not.equal(undefined);
    await hangUp(el);
  });

  it('a 415 from the far end: status failed with the code, the promise rejects message-failed, one voip-error', async () => {
    const { el, session, log } = await chatCall();
    session.deliveryCode = 415;
    const result = await outcome(el.sendMessage('Can you read this?'));
    expect(result).to.equal('message-failed');
    const id = log.messages[0]!.id;
    expect(log.statuses).to.deep.equal([{ id, status: 'failed', sipCode: 415 }]);
    expect(el.messages[0]).to.include({ id, status: 'failed', sipCode: 415 });
    expect(log.errors).to.deep.equal([
      { code: 'message-failed', message: 'Your message could not be delivered.' },
    ]);
    expect(el.state).to.equal('in-call');
    await hangUp(el);
  });

  it('a send the gateway rejects (timeout) fails without a SIP code', async () => {
    const { el, session, log } = await chatCall();
    session.deliveryCode = new VoipError('failed', 'MESSAGE timed out');
    expect(await outcome(el.sendMessage('hello?'))).to.equal('message-failed');
    const id = log.messages[0]!.id;
    expect(log.statuses).to.deep.equal([{ id, status: 'failed' }]);
    expect(el.messages[0]).to.not.have.property('sipCode');
    expect(log.errors.map((e) => e.code)).to.deep.equal(['message-failed']);
    await hangUp(el);
  });

  it('Retry on a failed message resends the same text under the same id, and it is delivered', async () => {
    const { el, session, log } = await chatCall();
    session.deliveryCode = 415;
    await outcome(el.sendMessage('Please call me back'));
    const id = log.messages[0]!.id;
    session.deliveryCode = 'hold';
    const retry = await part<HTMLButtonElement>(el, 'retry');
    expect(retry!.textContent!.trim()).to.equal('Retry');
    retry!.click();
    expect(session.messages).to.deep.equal(['Please call me back', 'Please call me back']);
    expect(log.messages.map((m) => [m.id, m.direction, m.text])).to.deep.equal([
      [id, 'out', 'Please call me back'],
      [id, 'out', 'Please call me back'],
    ]);
    expect(el.messages).to.have.length(1);
    expect(el.messages[0]).to.include({ id, status: 'sending' });
    expect(el.messages[0]).to.not.have.property('sipCode');
    expect(await has(el, 'retry')).to.equal(false);
    session.pendingDeliveries[0]!(200);
    await until(() => log.statuses.length === 2);
    expect(log.statuses[1]).to.deep.equal({ id, status: 'delivered', sipCode: 200 });
    expect(el.messages[0]).to.include({ id, status: 'delivered' });
    expect(log.errors).to.have.length(1); // the first failure's only
    await hangUp(el);
  });

  it("takes text only from the call's side: a sender at another host is ignored", async () => {
    const { el, session, log } = await chatCall();
    session.emit({ type: 'message', text: 'spoofed', sender: 'sip:2000@198.51.100.7:5060' });
    session.emit({ type: 'message', text: 'odd', sender: 'sip:127.0.0.1.evil.example' });
    session.emit({ type: 'message', text: 'from a phone', sender: 'sip:2000@127.0.0.1:5062' });
    session.emit({ type: 'message', text: 'no user', sender: '<sip:127.0.0.1>' });
    await settle();
    expect(log.messages.map((m) => m.text)).to.deep.equal(['from a phone']);
    await hangUp(el);
  });

  it('ids are unique, across calls too', async () => {
    const { el, connector, session, log } = await chatCall();
    await el.sendMessage('a');
    session.emit({ type: 'message', text: 'b', sender: 'sip:2000@127.0.0.1' });
    await hangUp(el);
    await answeredCall(el, connector);
    await el.sendMessage('c');
    const ids = log.messages.map((m) => m.id);
    expect(ids).to.have.length(3);
    expect(new Set(ids).size).to.equal(3);
    await hangUp(el);
  });
});

describe('text messages: bad input', () => {
  const refused: Array<[string, string]> = [
    ['empty', ''],
    ['white space only', '  \n  '],
    ['1,001 characters', 'x'.repeat(1001)],
    ['a NUL', 'a\u0000b'],
    ['a carriage return', 'line\r\nline'],
    ['a tab', 'a\tb'],
    ['DEL', 'a\u007fb'],
    ['a C1 control (NEL)', 'a\u0085b'],
  ];
  for (const [name, text] of refused) {
    it(`${name} → invalid-message, nothing sent`, async () => {
      const { el, session, log } = await chatCall();
      expect(await outcome(el.sendMessage(text))).to.equal('invalid-message');
      expect(session.messages).to.deep.equal([]);
      expect(log.messages).to.deep.equal([]);
      expect(el.messages).to.deep.equal([]);
      expect(log.errors).to.deep.equal([
        {
          code: 'invalid-message',
          message:
            'A message needs some text, at most 1,000 characters, and no control characters.',
        },
      ]);
      await hangUp(el);
    });
  }

  it('not a string (from JavaScript) → invalid-message', async () => {
    const { el, session } = await chatCall();
    expect(await outcome(el.sendMessage(42 as unknown as string))).to.equal('invalid-message');
    expect(session.messages).to.deep.equal([]);
    await hangUp(el);
  });

  it('exactly 1,000 characters, new lines and non-Latin text are sent as they are', async () => {
    const { el, session, log } = await chatCall();
    const texts = ['y'.repeat(1000), 'first line\nsecond line', 'Terima kasih 🙏 — ¿qué?'];
    for (const text of texts) expect(await outcome(el.sendMessage(text))).to.equal('resolved');
    expect(session.messages).to.deep.equal(texts);
    expect(log.errors).to.deep.equal([]);
    await hangUp(el);
  });
});

describe('text messages: not in a call', () => {
  it('while ringing → not-in-call, nothing sent', async () => {
    const { el, connector } = await mountWithFake();
    const log = recordChat(el);
    el.call();
    await until(() => el.state === 'calling');
    connector.last.emit({ type: 'ringing', sipCode: 180 });
    await until(() => el.state === 'ringing');
    expect(await outcome(el.sendMessage('hello'))).to.equal('not-in-call');
    expect(connector.last.messages).to.deep.equal([]);
    expect(log.messages).to.deep.equal([]);
    expect(log.errors.map((e) => e.code)).to.deep.equal(['not-in-call']);
    await hangUp(el);
  });

  it('while the call is ending (a voip-state-change listener) → not-in-call, nothing sent', async () => {
    const { el, session, log } = await chatCall();
    let sent: Promise<string> | undefined;
    el.addEventListener('voip-state-change', (e) => {
      if (e.detail.state === 'ending') sent = outcome(el.sendMessage('last words'));
    });
    await hangUp(el);
    expect(await sent).to.equal('not-in-call');
    expect(session.messages).to.deep.equal([]);
    expect(log.messages).to.deep.equal([]);
    expect(log.errors.map((e) => e.code)).to.deep.equal(['not-in-call']);
  });

  it('after the end → not-in-call, nothing sent, once', async () => {
    const { el, session, log } = await chatCall();
    await hangUp(el);
    expect(await outcome(el.sendMessage('still there?'))).to.equal('not-in-call');
    expect(session.messages).to.deep.equal([]);
    expect(log.errors.map((e) => e.code)).to.deep.equal(['not-in-call']);
  });

  it('on an element that never called → not-in-call', async () => {
    const { el } = await mountWithFake();
    const log = recordChat(el);
    expect(await outcome(el.sendMessage('x'))).to.equal('not-in-call');
    expect(log.errors.map((e) => e.code)).to.deep.equal(['not-in-call']);
    expect(el.messages).to.deep.equal([]);
  });

  it('an incoming message before the answer is dropped, and the call goes on', async () => {
    const { el, connector } = await mountWithFake();
    const log = recordChat(el);
    el.call();
    await until(() => el.state === 'calling');
    connector.last.emit({ type: 'ringing', sipCode: 180 });
    connector.last.emit({ type: 'message', text: 'too early', sender: 'sip:2000@127.0.0.1' });
    connector.last.emit({ type: 'accepted' });
    await until(() => el.state === 'in-call');
    expect(log.messages).to.deep.equal([]);
    expect(el.messages).to.deep.equal([]);
    await hangUp(el);
  });
});

describe('text messages: rate limit', () => {
  let now = 0;
  const real = clock.now;
  beforeEach(() => {
    now = 10_000;
    clock.now = () => now;
  });
  afterEach(() => {
    clock.now = real;
  });

  it('a sixth send within 5 s → rate-limited and nothing sent; allowed again once the oldest is 5 s old', async () => {
    const { el, session, log } = await chatCall();
    for (let i = 0; i < 5; i++) {
      now = 10_000 + i * 1000;
      expect(await outcome(el.sendMessage(`m${i}`))).to.equal('resolved');
    }
    now = 14_999;
    expect(await outcome(el.sendMessage('too fast'))).to.equal('rate-limited');
    expect(session.messages).to.have.length(5);
    expect(log.errors).to.deep.equal([
      {
        code: 'rate-limited',
        message: 'You are sending messages too fast. Please wait a moment.',
      },
    ]);
    now = 15_000; // the first send left the window
    expect(await outcome(el.sendMessage('now'))).to.equal('resolved');
    now = 15_001; // still five within the last 5 s (11 000 … 15 000)
    expect(await outcome(el.sendMessage('again too fast'))).to.equal('rate-limited');
    now = 16_000;
    expect(await outcome(el.sendMessage('fine'))).to.equal('resolved');
    expect(session.messages).to.deep.equal(['m0', 'm1', 'm2', 'm3', 'm4', 'now', 'fine']);
    await hangUp(el);
  });

  it('refused sends do not count; a retry counts like any send', async () => {
    const { el, session } = await chatCall();
    for (let i = 0; i < 3; i++) await outcome(el.sendMessage(''));
    session.deliveryCode = 415;
    await outcome(el.sendMessage('failing'));
    session.deliveryCode = 200;
    for (let i = 0; i < 3; i++) await outcome(el.sendMessage(`ok${i}`));
    expect(session.messages).to.have.length(4);
    (await part<HTMLButtonElement>(el, 'retry'))!.click(); // the fifth send within 5 s
    await settle();
    expect(session.messages).to.deep.equal(['failing', 'ok0', 'ok1', 'ok2', 'failing']);
    expect(await outcome(el.sendMessage('sixth'))).to.equal('rate-limited');
    await hangUp(el);
  });

  it('a retry refused by the limit leaves the message failed, with its Retry', async () => {
    const { el, session, log } = await chatCall();
    session.deliveryCode = 415;
    await outcome(el.sendMessage('failing'));
    session.deliveryCode = 200;
    for (let i = 0; i < 4; i++) await outcome(el.sendMessage(`ok${i}`));
    (await part<HTMLButtonElement>(el, 'retry'))!.click();
    await settle();
    expect(log.errors.map((e) => e.code)).to.deep.equal(['message-failed', 'rate-limited']);
    expect(session.messages).to.have.length(5);
    expect(el.messages[0]).to.include({ status: 'failed', sipCode: 415 });
    now += 5000;
    (await part<HTMLButtonElement>(el, 'retry'))!.click();
    await until(() => el.messages[0]!.status === 'delivered');
    expect(session.messages).to.have.length(6);
    await hangUp(el);
  });
});

describe('text messages: the end of the call', () => {
  it('the conversation is kept after the end and cleared when the next call starts', async () => {
    const { el, connector, session } = await chatCall();
    await el.sendMessage('mine');
    session.emit({ type: 'message', text: 'theirs', sender: 'sip:2000@127.0.0.1' });
    await hangUp(el);
    expect(el.messages.map((m) => [m.direction, m.text])).to.deep.equal([
      ['out', 'mine'],
      ['in', 'theirs'],
    ]);
    el.call();
    await until(() => el.state !== 'idle');
    expect(el.messages).to.deep.equal([]);
    await until(() => el.state === 'calling');
    expect(el.messages).to.deep.equal([]);
    connector.last.emit({ type: 'accepted' });
    await until(() => el.state === 'in-call');
    expect(el.messages).to.deep.equal([]);
    await hangUp(el);
  });

  it('voip-ended counts the messages, sent (failed ones too) and received', async () => {
    const { el, session, log } = await chatCall();
    await el.sendMessage('one');
    session.deliveryCode = 486;
    await outcome(el.sendMessage('two'));
    await outcome(el.sendMessage('')); // refused: not in the conversation
    session.emit({ type: 'message', text: 'three', sender: 'sip:2000@127.0.0.1' });
    await hangUp(el);
    expect(log.ended).to.have.length(1);
    expect(log.ended[0]!.messages).to.equal(3);
  });

  it('a send still waiting at the end rejects not-in-call, without events; a late report is ignored', async () => {
    const { el, session, log } = await chatCall();
    session.deliveryCode = 'hold';
    const sent = outcome(el.sendMessage('are you there?'));
    const errors = log.errors.length;
    await hangUp(el);
    expect(await sent).to.equal('not-in-call');
    expect(log.statuses).to.deep.equal([]);
    expect(log.errors).to.have.length(errors);
    expect(el.messages[0]).to.include({ status: 'failed', text: 'are you there?' });
    expect(el.messages[0]).to.not.have.property('sipCode');
    const kept = el.messages;
    session.pendingDeliveries[0]!(200);
    await settle();
    expect(log.statuses).to.deep.equal([]);
    expect(el.messages).to.equal(kept);
  });
});
