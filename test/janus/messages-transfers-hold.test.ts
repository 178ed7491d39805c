/**
 * The Janus adapter (src/janus/sip-session.ts) over a fake janus.js (test/support/fake-janus.ts),
 * for what a call does besides audio: the INVITE's extras (headers, the transfer it follows,
 * re-INVITEs left to the page), text messages out (SIP MESSAGE and its delivery report) and in,
 * transfers asked by the far end (REFER) and declined, and re-INVITEs from the far end answered
 * by the page and reported as a hold or a resume.
 */
import { expect } from '@open-wc/testing';
import type { CallOptions, SipSession } from '../../src/sip/session.js';
import {
  FAKE_LOCAL_ANSWER,
  FAKE_OFFER,
  sipEvent,
  type FakeHandle,
  type FakeJanusScript,
  type PluginReply,
} from '../support/fake-janus.js';
import { until } from '../support/fake-connector.js';
import { connectFakeSession } from '../support/janus-session.js';
import { rejection } from '../support/promises.js';

const opened: SipSession[] = [];
const streams: MediaStream[] = [];
afterEach(async () => {
  for (const session of opened.splice(0)) await session.close();
  for (const stream of streams.splice(0)) for (const t of stream.getTracks()) t.stop();
});

/**
 * A session connected through a new fake janus.js, with a call placed (with `options`) and the
 * plugin's "calling"; `replies` replace the plugin's usual answers to those requests.
 */
async function calling(
  replies: Record<string, readonly PluginReply[]> = {},
  options?: CallOptions,
  script: Partial<FakeJanusScript> = {},
) {
  const { session, events, fake } = await connectFakeSession(replies, script);
  opened.push(session);
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  streams.push(stream);
  await session.call('sip:2000@127.0.0.1:5060', stream, options);
  const handle = fake.last.handle;
  handle.message(sipEvent('accepted'));
  events.splice(0);
  return { session, handle, events, fake };
}

/** Lets janus.js's (the fake's) pending callbacks run. */
function aFewTasks(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 30));
}

/** Whether `promise` settled within a few tasks. */
async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await aFewTasks();
  return settled;
}

/** Records the page's unhandled promise rejections until `stop()`. */
function unhandledRejections() {
  const reasons: unknown[] = [];
  const listener = (event: PromiseRejectionEvent) => reasons.push(event.reason);
  addEventListener('unhandledrejection', listener);
  return { reasons, stop: () => removeEventListener('unhandledrejection', listener) };
}

/** A SIP plugin error, as Janus answers a request it refuses. */
function pluginError(code = 440, error = 'Wrong state (not in a call?)') {
  return { sip: 'event', error_code: code, error } as unknown as Parameters<
    FakeHandle['message']
  >[0];
}

/** The plugin messages sent since the call, without the `register` and `call`. */
function requestsAfterCall(handle: FakeHandle) {
  return handle.sent.slice(2).map((m) => m.message);
}

describe('the Janus session: call extras, text messages, transfers, remote hold', () => {
  describe('the call request', () => {
    const headers = { 'X-Context': 'order 42' };

    it('is not sent by a session closed while its offer was made (a hang-up during a transfer)', async () => {
      const { session, fake } = await connectFakeSession();
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
      streams.push(stream);
      const placing = session.call('sip:2000@127.0.0.1:5060', stream, { referId: 9 });
      const closing = session.close(); // before the offer is ready
      expect((await rejection(placing)).message).to.match(/closed/);
      await closing;
      expect(fake.last.handle.offers).to.have.length(1);
      expect(fake.last.handle.sent.map((s) => s.message['request'])).to.not.include('call');
    });

    it('leaves re-INVITEs to the page and adds headers and refer_id, each only when given', async () => {
      const both = await calling({}, { headers, referId: 7 });
      expect(both.handle.sent[1]!.message).to.deep.equal({
        request: 'call',
        uri: 'sip:2000@127.0.0.1:5060',
        autoaccept_reinvites: false,
        headers: { 'X-Context': 'order 42' },
        refer_id: 7,
      });
      expect(both.handle.sent[1]!.jsep).to.deep.equal(FAKE_OFFER);

      const onlyHeaders = await calling({}, { headers });
      expect(onlyHeaders.handle.sent[1]!.message).to.deep.equal({
        request: 'call',
        uri: 'sip:2000@127.0.0.1:5060',
        autoaccept_reinvites: false,
        headers: { 'X-Context': 'order 42' },
      });

      const onlyReferId = await calling({}, { referId: 7 });
      expect(onlyReferId.handle.sent[1]!.message).to.deep.equal({
        request: 'call',
        uri: 'sip:2000@127.0.0.1:5060',
        autoaccept_reinvites: false,
        refer_id: 7,
      });

      const neither = await calling({}, {});
      expect(neither.handle.sent[1]!.message).to.deep.equal({
        request: 'call',
        uri: 'sip:2000@127.0.0.1:5060',
        autoaccept_reinvites: false,
      });
    });
  });

  describe('sending text messages', () => {
    it('sends "message" with the text; two in flight get their own delivery codes, in order', async () => {
      const { session, handle } = await calling({
        message: [{ message: sipEvent('messagesent') }],
      });
      const first = session.sendMessage('hello');
      const second = session.sendMessage('are you there?');
      expect(requestsAfterCall(handle)).to.deep.equal([
        { request: 'message', content: 'hello' },
        { request: 'message', content: 'are you there?' },
      ]);
      expect(await settledSoon(first), 'sent, not yet delivered').to.equal(false);
      handle.message(sipEvent('messagedelivery', { code: 200, reason: 'OK' }));
      expect(await first).to.equal(200);
      expect(await settledSoon(second)).to.equal(false);
      handle.message(sipEvent('messagedelivery', { code: 415, reason: 'Unsupported Media Type' }));
      expect(await second).to.equal(415);
    });

    it('a plugin error answering "message" rejects that send, and the next delivery goes to the next message', async () => {
      const { session, handle } = await calling({ message: [] });
      const unhandled = unhandledRejections();
      const refused = session.sendMessage('first');
      handle.message(pluginError());
      expect((await rejection(refused)).code).to.equal('server-error');
      await aFewTasks();
      unhandled.stop();
      expect(unhandled.reasons, 'no promise of it left rejected unhandled').to.deep.equal([]);

      const next = session.sendMessage('second');
      handle.message(sipEvent('messagesent'));
      handle.message(sipEvent('messagedelivery', { code: 202 }));
      expect(await settledSoon(next), 'the delivery reached it').to.equal(true);
      expect(await next).to.equal(202);
    });

    it('a plugin error on a later request leaves a message already sent waiting for its own delivery', async () => {
      const { session, handle } = await calling({ message: [] });
      const sent = session.sendMessage('first');
      handle.message(sipEvent('messagesent'));
      await aFewTasks();

      const refused = session.sendMessage('second');
      handle.message(pluginError());
      expect((await rejection(refused)).code).to.equal('server-error');
      expect(await settledSoon(sent), 'still waiting for its delivery').to.equal(false);

      handle.message(sipEvent('messagedelivery', { code: 200 }));
      expect(await sent).to.equal(200);
      const third = session.sendMessage('third');
      handle.message(sipEvent('messagesent'));
      handle.message(sipEvent('messagedelivery', { code: 404 }));
      expect(await third).to.equal(404);
    });

    it('close() rejects a message waiting for its delivery', async () => {
      const { session, handle } = await calling({
        message: [{ message: sipEvent('messagesent') }],
      });
      const pending = session.sendMessage('hello');
      expect(await settledSoon(pending)).to.equal(false);
      expect(handle.requests.at(-1)).to.equal('message');
      await session.close();
      expect(await settledSoon(pending)).to.equal(true);
      expect((await rejection(pending)).code).to.equal('failed');
    });

    it('losing the connection rejects a message waiting for its delivery', async () => {
      const { session, fake } = await calling({
        message: [{ message: sipEvent('messagesent') }],
      });
      const pending = session.sendMessage('hello');
      expect(await settledSoon(pending)).to.equal(false);
      fake.last.lose();
      expect(await settledSoon(pending)).to.equal(true);
      expect((await rejection(pending)).code).to.equal('server-unreachable');
    });
  });

  describe('receiving text messages', () => {
    it('reports text/plain messages with their sender; other content types and non-string content are ignored', async () => {
      const { handle, events } = await calling();
      const sender = 'sip:2000@127.0.0.1:5060';
      handle.message(
        sipEvent('message', { content_type: 'text/html', content: '<b>x</b>', sender }),
      );
      handle.message(
        sipEvent('message', { content_type: 'application/json', content: '{}', sender }),
      );
      handle.message(sipEvent('message', { content: 'no content type', sender }));
      handle.message(sipEvent('message', { content_type: 'text/plain', content: 42, sender }));
      handle.message(sipEvent('message', { content_type: 'text/plain', content: ['x'], sender }));
      handle.message(sipEvent('message', { content_type: 'text/plain', sender }));
      expect(events, 'nothing reported').to.deep.equal([]);
      handle.message(
        sipEvent('message', {
          content_type: 'text/plain',
          content: 'Hello <b>there</b>',
          sender,
          displayname: 'Alice',
        }),
      );
      expect(events).to.deep.equal([{ type: 'message', text: 'Hello <b>there</b>', sender }]);
    });
  });

  describe('transfers', () => {
    it('reports a transfer the far end asks for (REFER); malformed ones are ignored', async () => {
      const { handle, events } = await calling();
      const target = 'sip:3000@127.0.0.1:5060';
      handle.message(sipEvent('transfer', { refer_id: '12', refer_to: target }));
      handle.message(sipEvent('transfer', { refer_id: 12 }));
      handle.message(sipEvent('transfer', { refer_id: 12, refer_to: 3000 }));
      handle.message(sipEvent('transfer', { refer_to: target }));
      expect(events, 'nothing reported').to.deep.equal([]);
      handle.message(
        sipEvent('transfer', {
          refer_id: 12,
          refer_to: target,
          referred_by: 'sip:2000@127.0.0.1:5060',
        }),
      );
      expect(events).to.deep.equal([{ type: 'transfer', referId: 12, target }]);
    });

    it('declineTransfer() sends "decline" with the refer_id and 603, and resolves on "declining"', async () => {
      const { session, handle } = await calling({ decline: [] });
      const declining = session.declineTransfer(12);
      expect(requestsAfterCall(handle)).to.deep.equal([
        { request: 'decline', refer_id: 12, code: 603 },
      ]);
      expect(await settledSoon(declining)).to.equal(false);
      handle.message(sipEvent('declining', { code: 603 }));
      await declining;
    });
  });

  describe('re-INVITEs from the far end (remote hold)', () => {
    /** An offer as Janus relays a re-INVITE, with the direction of each media section. */
    function offer(audio: string, video?: string) {
      const lines = ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0'];
      lines.push('m=audio 9 UDP/TLS/RTP/SAVPF 0', 'c=IN IP4 0.0.0.0', 'a=mid:0', `a=${audio}`);
      if (video) lines.push('m=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:1', `a=${video}`);
      return { type: 'offer', sdp: `${lines.join('\r\n')}\r\n` } as const;
    }

    /** Plays a re-INVITE and waits until the page has answered it. */
    async function reinvite(handle: FakeHandle, jsep: ReturnType<typeof offer>) {
      const answered = handle.requests.filter((r) => r === 'update').length;
      handle.message(sipEvent('updatingcall', { username: 'sip:2000@127.0.0.1:5060' }), jsep);
      await until(() => handle.requests.filter((r) => r === 'update').length > answered);
    }

    /** A call whose plugin answers the page's "update" the way it does (no "accepted"). */
    function inCall(script: Partial<FakeJanusScript> = {}) {
      return calling({ update: [{ message: sipEvent('updating') }] }, undefined, script);
    }

    it('sendonly: answers the offer, sends "update" with the answer, and reports the hold once', async () => {
      const { handle, events } = await inCall();
      const held = offer('sendonly');
      await reinvite(handle, held);
      expect(handle.answers).to.have.length(1);
      expect(handle.answers[0]!.jsep).to.deep.equal(held);
      // A voice call (no CallOptions.video) refuses video the far end would add.
      expect(handle.answers[0]!.tracks).to.deep.equal([
        { type: 'video', recv: false, capture: false },
      ]);
      expect(handle.sent.at(-1)!.message).to.deep.equal({ request: 'update' });
      expect(handle.sent.at(-1)!.jsep).to.deep.equal(FAKE_LOCAL_ANSWER);
      expect(events).to.deep.equal([{ type: 'remote-hold', onHold: true }]);

      await reinvite(handle, offer('sendonly'));
      await aFewTasks();
      expect(handle.answers, 'the second offer answered too').to.have.length(2);
      expect(events, 'still on hold: not reported again').to.deep.equal([
        { type: 'remote-hold', onHold: true },
      ]);
    });

    it('sendrecv after a hold reports the resume; sendrecv without a hold reports nothing', async () => {
      const { handle, events } = await inCall();
      await reinvite(handle, offer('sendrecv'));
      await aFewTasks();
      expect(events, 'not held before').to.deep.equal([]);
      await reinvite(handle, offer('sendonly'));
      await reinvite(handle, offer('sendrecv'));
      await aFewTasks();
      expect(events).to.deep.equal([
        { type: 'remote-hold', onHold: true },
        { type: 'remote-hold', onHold: false },
      ]);
    });

    it('inactive is a hold too', async () => {
      const { handle, events } = await inCall();
      await reinvite(handle, offer('inactive'));
      await aFewTasks();
      expect(events).to.deep.equal([{ type: 'remote-hold', onHold: true }]);
    });

    it("only the audio section's direction counts", async () => {
      const { handle, events } = await inCall();
      await reinvite(handle, offer('sendrecv', 'sendonly'));
      await reinvite(handle, offer('sendrecv', 'inactive'));
      await aFewTasks();
      expect(events, 'video sendonly/inactive, audio sendrecv: no hold').to.deep.equal([]);
      await reinvite(handle, offer('sendonly', 'sendrecv'));
      await aFewTasks();
      expect(events).to.deep.equal([{ type: 'remote-hold', onHold: true }]);
    });

    it('a session-level direction counts when the audio section has none', async () => {
      const { handle, events } = await inCall();
      const held = offer('sendonly');
      // a=sendonly moved from the audio section to the session part (before the first m=).
      const sdp = held.sdp.replace('a=sendonly\r\n', '').replace('t=0 0', 't=0 0\r\na=sendonly');
      await reinvite(handle, { type: 'offer', sdp: sdp as `${string}\r\n` });
      await aFewTasks();
      expect(events).to.deep.equal([{ type: 'remote-hold', onHold: true }]);
      // The audio section's own direction wins over the session's.
      const sdp2 = offer('sendrecv').sdp.replace('t=0 0', 't=0 0\r\na=inactive');
      await reinvite(handle, { type: 'offer', sdp: sdp2 as `${string}\r\n` });
      await aFewTasks();
      expect(events.at(-1)).to.deep.equal({ type: 'remote-hold', onHold: false });
    });

    it('an "updatingcall" without an offer is ignored', async () => {
      const { handle, events } = await inCall();
      handle.message(sipEvent('updatingcall'));
      await aFewTasks();
      expect(handle.answers).to.deep.equal([]);
      expect(requestsAfterCall(handle)).to.deep.equal([]);
      expect(events).to.deep.equal([]);
    });

    it('an answer the browser cannot make: no "update" sent, nothing reported, nothing thrown', async () => {
      const { handle, events } = await inCall({ answerError: 'no common codec' });
      const warn = console.warn;
      const warnings: unknown[][] = [];
      console.warn = (...args: unknown[]) => warnings.push(args);
      try {
        handle.message(sipEvent('updatingcall'), offer('sendonly'));
        await until(() => handle.answers.length === 1);
        await aFewTasks();
      } finally {
        console.warn = warn;
      }
      expect(requestsAfterCall(handle)).to.deep.equal([]);
      expect(events).to.deep.equal([]);
      expect(warnings, 'logged').to.have.length(1);
    });
  });
});
