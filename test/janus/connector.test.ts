/**
 * The Janus adapter (src/janus/connector.ts, sip-session.ts) over a fake janus.js
 * (test/support/fake-janus.ts): what it asks the SIP plugin for, how the plugin's events and
 * failures become SessionEvents and VoipErrors, and what closing a session releases. The
 * end-to-end tests run the same adapter against a real Janus.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/voip-call-button.js';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import { createJanusConnector, preconnectTiming } from '../../src/janus/connector.js';
import { newSocket } from '../../src/janus/sockets.js';
import type {
  ConnectOptions,
  PreconnectOptions,
  SessionEvent,
  SipSession,
} from '../../src/sip/session.js';
import { keptTiming } from '../../src/janus/sip-session.js';
import type { VoipEndedDetail } from '../../src/events.js';
import {
  createFakeJanus,
  defaultReplies,
  FAKE_OFFER,
  sipEvent,
  type FakeJanusScript,
} from '../support/fake-janus.js';
import { record, until } from '../support/fake-connector.js';
import { rejection, settledSoon } from '../support/promises.js';

const BROWSER = { browser: 'chrome', version: 150 };

/** A connector over a new fake janus.js (the connector initializes its library once). */
function setUp(script: Partial<FakeJanusScript> = {}) {
  const { lib, fake } = createFakeJanus(script);
  const connector = createJanusConnector(lib, BROWSER);
  const events: SessionEvent[] = [];
  const abort = new AbortController();
  const options = (extra: Partial<ConnectOptions> = {}): ConnectOptions => ({
    servers: ['ws://127.0.0.1:8188/', 'ws://127.0.0.1:8189/'],
    sipDomain: '127.0.0.1:5060',
    iceServers: [{ urls: 'stun:stun.example.com' }],
    displayName: 'Eve',
    signal: abort.signal,
    onEvent: (event) => events.push(event),
    ...extra,
  });
  return { lib, fake, connector, events, abort, options };
}

/** A live microphone track (Chromium's fake device). */
async function microphone(): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({ audio: true, video: false });
}

const opened: SipSession[] = [];
const streams: MediaStream[] = [];
afterEach(async () => {
  for (const session of opened.splice(0)) await session.close();
  for (const stream of streams.splice(0)) for (const t of stream.getTracks()) t.stop();
});

/** A session connected through the fake, with a call placed and the plugin's "calling". */
async function calling(script: Partial<FakeJanusScript> = {}) {
  const t = setUp(script);
  const session = await t.connector.connect(t.options());
  opened.push(session);
  const stream = await microphone();
  streams.push(stream);
  await session.call('sip:2000@127.0.0.1:5060', stream);
  return { ...t, session, stream, handle: t.fake.last.handle };
}

describe('the Janus connector over janus.js', () => {
  describe('connecting', () => {
    it('creates a session on the servers with the ICE servers and token, attaches to the SIP plugin and registers as a guest', async () => {
      const { fake, connector, options } = setUp();
      const session = await connector.connect(options({ token: 'tok-1' }));
      opened.push(session);
      const janus = fake.last;
      expect(janus.options.server).to.deep.equal(['ws://127.0.0.1:8188/', 'ws://127.0.0.1:8189/']);
      expect(janus.options.iceServers).to.deep.equal([{ urls: 'stun:stun.example.com' }]);
      expect(janus.options.token).to.equal('tok-1');
      expect(janus.options.destroyOnUnload).to.equal(false);
      expect(janus.options.keepAlivePeriod).to.equal(10_000);
      expect(janus.handles).to.have.length(1);
      expect(janus.handle.callbacks.plugin).to.equal('janus.plugin.sip');
      expect(janus.handle.sent.map((m) => m.message)).to.deep.equal([
        {
          request: 'register',
          type: 'guest',
          username: 'sip:visitor@127.0.0.1:5060',
          display_name: 'Eve',
        },
      ]);
    });

    it('sends no token and no display name when there are none, and passes no ICE server of its own', async () => {
      const { fake, connector, options } = setUp();
      const session = await connector.connect(options({ displayName: undefined, iceServers: [] }));
      opened.push(session);
      expect('token' in fake.last.options).to.equal(false);
      expect(fake.last.options.iceServers).to.deep.equal([]);
      expect(fake.last.handle.sent[0]!.message).to.deep.equal({
        request: 'register',
        type: 'guest',
        username: 'sip:visitor@127.0.0.1:5060',
      });
    });

    it('resolves only once the plugin says "registered"', async () => {
      const { fake, connector, options } = setUp({ replies: { register: [] } });
      const connecting = connector.connect(options());
      await until(() => fake.made.length === 1 && fake.last.handles.length === 1);
      await until(() => fake.last.handle.requests.includes('register'));
      expect(await settledSoon(connecting)).to.equal(false);
      fake.last.handle.message(sipEvent('registered'));
      opened.push(await connecting);
    });

    it('initializes janus.js once per connector, with the browser details and its own WebSockets', async () => {
      const { fake, connector, options } = setUp();
      opened.push(await connector.connect(options()));
      opened.push(await connector.connect(options()));
      expect(fake.made).to.have.length(2);
      expect(fake.inits).to.have.length(1);
      expect(fake.dependencies).to.deep.equal([{ adapter: { browserDetails: BROWSER } }]);
      expect(fake.inits[0]!.debug).to.equal(false);
      // (Functions are compared by identity: a failed assertion that prints one stalls the runner.)
      const dependencies = fake.inits[0]!.dependencies as unknown as Record<string, unknown>;
      expect(dependencies['fake'], 'janus.js default dependencies').to.equal(true);
      expect(dependencies['newWebSocket'] === newSocket, 'its own WebSockets').to.equal(true);
    });

    it('a janus.js that did not load (undefined export) → load-failed', async () => {
      const connector = createJanusConnector(undefined, BROWSER);
      const error = await rejection(connector.connect(setUp().options()));
      expect(error.code).to.equal('load-failed');
    });
  });

  describe('preconnect: a session opened ahead of the call', () => {
    const idle = preconnectTiming.idleMs;
    afterEach(() => {
      preconnectTiming.idleMs = idle;
    });
    const ahead = (t: ReturnType<typeof setUp>, token?: string): PreconnectOptions => {
      const { servers, iceServers, sipDomain, displayName } = t.options();
      return { servers, iceServers, sipDomain, displayName, ...(token ? { token } : {}) };
    };

    it('opens the session and registers as a guest (no SIP request); the next call with the same options takes it', async () => {
      const t = setUp();
      t.connector.preconnect!(ahead(t, 'tok-1'));
      await until(() => t.fake.made.length === 1 && t.fake.last.handles.length === 1);
      expect(t.fake.last.options.token).to.equal('tok-1');
      await until(() => t.fake.last.handle.requests.includes('register'));
      expect(t.fake.last.handle.sent[0]!.message).to.deep.include({
        type: 'guest',
        display_name: 'Eve',
      });
      // The call lists the gateways in another order (server-order="random"): the same pool.
      const servers = [...t.options().servers].reverse();
      const session = await t.connector.connect(t.options({ token: 'tok-1', servers }));
      opened.push(session);
      expect(t.fake.made, 'no second session').to.have.length(1);
      expect(t.fake.last.handles, 'no second handle').to.have.length(1);
      expect(t.fake.last.handle.requests, 'registered once').to.deep.equal(['register']);
      expect(t.fake.last.destroys).to.have.length(0);
      // The call's events now reach the call.
      t.fake.last.handle.message(
        sipEvent('message', { content: 'hi', content_type: 'text/plain', sender: 'sip:a@b' }),
      );
      expect(t.events.map((e) => e.type)).to.deep.equal(['message']);
    });

    it('a call taking it while it still registers waits for the registration', async () => {
      const t = setUp({ replies: { register: [] } });
      t.connector.preconnect!(ahead(t));
      await until(() => t.fake.made.length === 1 && t.fake.last.handles.length === 1);
      const connecting = t.connector.connect(t.options());
      expect(await settledSoon(connecting)).to.equal(false);
      t.fake.last.handle.message(sipEvent('registered'));
      opened.push(await connecting);
      expect(t.fake.made).to.have.length(1);
    });

    it('unused for its idle time: destroyed, and the call opens its own', async () => {
      preconnectTiming.idleMs = 50;
      const t = setUp();
      t.connector.preconnect!(ahead(t));
      await until(() => t.fake.made.length === 1 && t.fake.last.destroys.length === 1);
      opened.push(await t.connector.connect(t.options()));
      expect(t.fake.made).to.have.length(2);
    });

    for (const [what, other] of [
      ['another token', { token: 'tok-2' }],
      ['another display name', { token: 'tok-1', displayName: 'Mallory' }],
      ['another SIP domain', { token: 'tok-1', sipDomain: 'pbx.example.com' }],
    ] as const) {
      it(`${what}: the call opens its own`, async () => {
        const t = setUp();
        t.connector.preconnect!(ahead(t, 'tok-1'));
        await until(() => t.fake.made.length === 1 && t.fake.last.connected);
        opened.push(await t.connector.connect(t.options(other)));
        expect(t.fake.made).to.have.length(2);
      });
    }

    it('its connection lost before a call took it: destroyed, and the call opens its own', async () => {
      const t = setUp();
      t.connector.preconnect!(ahead(t));
      await until(() => t.fake.made.length === 1 && t.fake.last.handles.length === 1);
      const warm = t.fake.last;
      await until(() => warm.handle.requests.includes('register'));
      await new Promise((r) => setTimeout(r, 10));
      warm.lose();
      await until(() => warm.destroys.length === 1);
      opened.push(await t.connector.connect(t.options()));
      expect(t.fake.made).to.have.length(2);
      expect(warm.reconnects, 'not reclaimed').to.equal(0);
    });

    it('a second preconnect with the same options keeps the one session', async () => {
      const t = setUp();
      t.connector.preconnect!(ahead(t));
      await until(() => t.fake.made.length === 1 && t.fake.last.connected);
      t.connector.preconnect!(ahead(t));
      await new Promise((r) => setTimeout(r, 20));
      expect(t.fake.made).to.have.length(1);
    });
  });

  describe('keep: a session kept after its call for the next one', () => {
    const idle = preconnectTiming.idleMs;
    const peerClosed = keptTiming.peerClosedMs;
    afterEach(() => {
      preconnectTiming.idleMs = idle;
      keptTiming.peerClosedMs = peerClosed;
    });

    /** A call with `keep`, answered, then hung up by the page; Janus closes its peer connection. */
    async function endedCall(t: ReturnType<typeof setUp>, peerClosed = true) {
      const session = await t.connector.connect(t.options({ keep: true }));
      const stream = await microphone();
      streams.push(stream);
      await session.call('sip:2000@127.0.0.1:5060', stream);
      const handle = t.fake.last.handle;
      handle.message(sipEvent('accepted'));
      await session.hangup();
      if (peerClosed)
        (handle.callbacks.webrtcState as (on: boolean, reason?: string) => void)(false, 'Close PC');
      await session.close();
      return { session, handle };
    }

    it('after a clean end it stays registered, and the next call takes it: no new session, handle or registration', async () => {
      const t = setUp();
      const { handle } = await endedCall(t);
      expect(t.fake.last.destroys).to.have.length(0);
      expect(handle.hangups, "janus.js's side of the last call cleaned up").to.include(false);
      const events: SessionEvent[] = [];
      const next = await t.connector.connect(
        t.options({ keep: true, onEvent: (e) => events.push(e) }),
      );
      opened.push(next);
      expect(t.fake.made).to.have.length(1);
      expect(t.fake.last.handles).to.have.length(1);
      expect(handle.requests).to.deep.equal(['register', 'call', 'hangup']);
      const stream = await microphone();
      streams.push(stream);
      await next.call('sip:2001@127.0.0.1:5060', stream);
      expect(handle.requests.at(-1)).to.equal('call');
      handle.message(sipEvent('accepted'));
      expect(
        events.map((e) => e.type),
        'the new call hears its events',
      ).to.include('accepted');
      expect(
        t.events.map((e) => e.type).filter((e) => e === 'accepted'),
        'the old one does not',
      ).to.have.length(1);
    });

    it('without keep: destroyed at close', async () => {
      const t = setUp();
      const session = await t.connector.connect(t.options());
      await session.close();
      expect(t.fake.last.destroys).to.have.length(1);
      opened.push(await t.connector.connect(t.options({ keep: true })));
      expect(t.fake.made).to.have.length(2);
    });

    it('a call that did not end cleanly (no hangup confirmed) is not kept', async () => {
      const t = setUp();
      const session = await t.connector.connect(t.options({ keep: true }));
      const stream = await microphone();
      streams.push(stream);
      await session.call('sip:2000@127.0.0.1:5060', stream);
      await session.close();
      expect(t.fake.last.destroys).to.have.length(1);
    });

    it('a call whose WebSocket dropped is not kept, even once restored', async () => {
      const t = setUp();
      const session = await t.connector.connect(t.options({ keep: true }));
      t.fake.last.lose();
      await until(() => t.events.some((e) => e.type === 'connection-restored'));
      await session.close();
      expect(t.fake.last.destroys).to.have.length(1);
    });

    it('Janus not closing the last peer connection in time: destroyed, and the next call opens its own', async () => {
      keptTiming.peerClosedMs = 50;
      const t = setUp();
      await endedCall(t, false);
      await until(() => t.fake.last.destroys.length === 1);
      opened.push(await t.connector.connect(t.options()));
      expect(t.fake.made).to.have.length(2);
    });

    it('unused for its idle time, or its WebSocket dropping: destroyed', async () => {
      preconnectTiming.idleMs = 50;
      const t = setUp();
      await endedCall(t);
      await until(() => t.fake.last.destroys.length === 1);
      preconnectTiming.idleMs = idle;
      await endedCall(t);
      const kept = t.fake.last;
      await new Promise((r) => setTimeout(r, 10));
      kept.lose();
      await until(() => kept.destroys.length === 1);
      expect(kept.reconnects, 'not reclaimed').to.equal(0);
      opened.push(await t.connector.connect(t.options()));
      expect(t.fake.made).to.have.length(3);
    });

    it('the page going away: destroyed', async () => {
      const t = setUp();
      const { handle } = await endedCall(t);
      dispatchEvent(new PageTransitionEvent('pagehide'));
      await until(() => t.fake.last.destroys.length >= 1);
      expect(
        handle.requests.filter((r) => r === 'hangup'),
        'no second hangup',
      ).to.have.length(1);
    });
  });

  describe('failing to connect', () => {
    for (const [text, code] of [
      ['403 Unauthorized request', 'unauthorized'],
      ['Unauthorized request (wrong or missing secret/token)', 'unauthorized'],
      [
        'Error connecting to the Janus WebSockets server: Is the server down?',
        'server-unreachable',
      ],
      ['Lost connection to the server (is it down?)', 'server-unreachable'],
    ] as const) {
      it(`the session's error "${text}" → ${code}, and the session is destroyed`, async () => {
        const { fake, connector, options, events } = setUp({ connect: { error: text } });
        const error = await rejection(connector.connect(options()));
        expect(error.code).to.equal(code);
        expect(error.message).to.contain(text);
        expect(fake.last.destroys).to.have.length(1);
        expect(fake.last.handles).to.have.length(0);
        expect(events).to.deep.equal([]);
      });
    }

    it('attach refused → server-error; refused for the token ("can\'t access plugin") → unauthorized', async () => {
      for (const [text, code] of [
        ['No such plugin', 'server-error'],
        ["Provided token can't access plugin", 'unauthorized'],
      ] as const) {
        const { fake, connector, options } = setUp({ attach: { error: text } });
        const error = await rejection(connector.connect(options()));
        expect(error.code).to.equal(code);
        expect(fake.last.destroys).to.have.length(1);
        expect(fake.sessions.size).to.equal(0);
      }
    });

    it('a plugin error (error_code) while registering → server-error, and the session is closed', async () => {
      const { fake, connector, options } = setUp({
        replies: {
          register: [{ message: { sip: 'event', error_code: 446, error: 'Invalid user address' } }],
        },
      });
      const error = await rejection(connector.connect(options()));
      expect(error.code).to.equal('server-error');
      expect(error.message).to.contain('446');
      expect(fake.last.destroys).to.have.length(1);
      expect(fake.last.handle.hangups).to.deep.equal([false]);
      expect(fake.sessions.size, 'removed from Janus.sessions').to.equal(0);
    });

    it('"registration_failed" → server-error with the SIP code, and the session is closed', async () => {
      const { fake, connector, options } = setUp({
        replies: {
          register: [{ message: sipEvent('registration_failed', { code: 403, reason: 'Nope' }) }],
        },
      });
      const error = await rejection(connector.connect(options()));
      expect(error.code).to.equal('server-error');
      expect(error.message).to.contain('403 Nope');
      expect(fake.last.destroys).to.have.length(1);
    });

    it('an error sending the register request → server-error', async () => {
      const { fake, connector, options } = setUp({ replies: { register: [] } });
      const connecting = connector.connect(options());
      await until(() => fake.made.length === 1 && fake.last.handles.length === 1);
      await until(() => fake.last.handle.requests.includes('register'));
      fake.last.handle.sent[0]!.error!('WebSocket send failed');
      const error = await rejection(connecting);
      expect(error.code).to.equal('server-error');
      expect(error.message).to.contain('register: WebSocket send failed');
    });

    it('aborted while attaching → rejects at once, and the session is destroyed', async () => {
      const { fake, connector, options, abort } = setUp({ attach: 'hang' });
      const connecting = connector.connect(options());
      await until(() => fake.made.length === 1 && fake.last.handles.length === 1);
      abort.abort();
      const error = await rejection(connecting);
      expect(error.code).to.equal('failed');
      expect(fake.last.destroys).to.have.length(1);
      expect(fake.last.handle.requests, 'nothing registered').to.deep.equal([]);
      await until(() => fake.sessions.size === 0);
    });

    it('aborted while the session is being created → rejects, and that session is destroyed', async () => {
      const { fake, connector, options, abort } = setUp({ connect: 'hang' });
      const connecting = connector.connect(options());
      await until(() => fake.made.length === 1);
      abort.abort();
      const error = await rejection(connecting);
      expect(error.code).to.equal('failed');
      expect(fake.last.destroys).to.have.length(1);
      expect(fake.last.handles).to.have.length(0);
    });

    it('already aborted → rejects without creating a session', async () => {
      const { fake, connector, options, abort } = setUp();
      abort.abort();
      const error = await rejection(connector.connect(options()));
      expect(error.code).to.equal('failed');
      expect(fake.made).to.have.length(0);
    });
  });

  describe('a call', () => {
    it('offers the microphone track, sends "call" with the offer, and resolves on "calling"', async () => {
      const t = setUp({ replies: { ...defaultReplies(), call: [] } });
      const session = await t.connector.connect(t.options());
      opened.push(session);
      const stream = await microphone();
      streams.push(stream);
      const placing = session.call('sip:2000@127.0.0.1:5060', stream);
      const handle = t.fake.last.handle;
      await until(() => handle.requests.includes('call'));
      expect(handle.offers).to.have.length(1);
      expect(handle.offers[0]!.tracks).to.deep.equal([
        { type: 'audio', capture: stream.getAudioTracks()[0], recv: true, dontStop: true },
      ]);
      const sent = handle.sent.at(-1)!;
      expect(sent.message).to.deep.equal({
        request: 'call',
        uri: 'sip:2000@127.0.0.1:5060',
        autoaccept_reinvites: false,
      });
      expect(sent.jsep).to.deep.equal(FAKE_OFFER);
      expect(await settledSoon(placing)).to.equal(false);
      handle.message(sipEvent('calling'));
      await placing;
      expect(t.events).to.deep.equal([{ type: 'calling' }]);
    });

    it('a failed offer → failed, nothing sent', async () => {
      const t = setUp({ offerError: 'no codecs' });
      const session = await t.connector.connect(t.options());
      opened.push(session);
      const stream = await microphone();
      streams.push(stream);
      const error = await rejection(session.call('sip:2000@127.0.0.1:5060', stream));
      expect(error.code).to.equal('failed');
      expect(error.message).to.contain('no codecs');
      expect(t.fake.last.handle.requests).to.deep.equal(['register']);
    });

    it('a plugin error answering "call" → server-error', async () => {
      const t = setUp({
        replies: {
          ...defaultReplies(),
          call: [{ message: { sip: 'event', error_code: 444, error: 'Invalid address' } }],
        },
      });
      const session = await t.connector.connect(t.options());
      opened.push(session);
      const stream = await microphone();
      streams.push(stream);
      const error = await rejection(session.call('sip:2000@127.0.0.1:5060', stream));
      expect(error.code).to.equal('server-error');
    });

    it('maps the plugin events to SessionEvents', async () => {
      const { handle, events } = await calling();
      events.splice(0);
      handle.message(sipEvent('ringing'));
      handle.message(sipEvent('proceeding', { code: 100 }));
      handle.message(sipEvent('proceeding', { code: 183 }));
      handle.message(sipEvent('progress'));
      handle.message(sipEvent('progress'), { type: 'answer', sdp: 'early' });
      handle.message(sipEvent('accepted'), { type: 'answer', sdp: 'final' });
      handle.message(sipEvent('hangup', { code: 486, reason: 'Busy Here' }));
      expect(events).to.deep.equal([
        { type: 'ringing', sipCode: 180 },
        { type: 'ringing', sipCode: 183 },
        { type: 'ringing', sipCode: 183, earlyMedia: false },
        { type: 'ringing', sipCode: 183, earlyMedia: true },
        { type: 'accepted' },
        { type: 'hangup', sipCode: 486, reason: 'Busy Here' },
      ]);
      expect(handle.remoteJseps).to.deep.equal([
        { type: 'answer', sdp: 'early' },
        { type: 'answer', sdp: 'final' },
      ]);
    });

    it('the far end hanging up is not the gateway: no byGateway', async () => {
      const { handle, events } = await calling();
      handle.message(sipEvent('accepted'));
      handle.message(sipEvent('hangup', { code: 200, reason: 'BYE' }));
      expect(events.at(-1)).to.deep.equal({ type: 'hangup', sipCode: 200, reason: 'BYE' });
    });

    it('an unasked "hangingup" then "hangup" is the gateway hanging up: byGateway', async () => {
      const { handle, events } = await calling();
      handle.message(sipEvent('accepted'));
      handle.message(sipEvent('hangingup'));
      handle.message(sipEvent('hangup', { code: 200, reason: 'Session Terminated' }));
      expect(events.at(-1)).to.deep.equal({
        type: 'hangup',
        byGateway: true,
        sipCode: 200,
        reason: 'Session Terminated',
      });
    });

    it('hangup() sends "hangup" and resolves on the plugin\'s "hangup", which is not byGateway', async () => {
      const { session, handle, events } = await calling({
        replies: { ...defaultReplies(), hangup: [] },
      });
      handle.message(sipEvent('accepted'));
      const hangingUp = session.hangup();
      expect(handle.requests.at(-1)).to.equal('hangup');
      handle.message(sipEvent('hangingup'));
      expect(await settledSoon(hangingUp)).to.equal(false);
      handle.message(sipEvent('hangup', { code: 200, reason: 'BYE' }));
      await hangingUp;
      expect(events.at(-1)).to.deep.equal({ type: 'hangup', sipCode: 200, reason: 'BYE' });
      await session.hangup();
      expect(
        handle.requests.filter((r) => r === 'hangup'),
        'not sent twice',
      ).to.have.length(1);
    });

    it('hangup() without a connection sends nothing and resolves', async () => {
      const { session, handle, fake } = await calling();
      fake.last.connected = false;
      await session.hangup();
      expect(handle.requests).to.not.include('hangup');
    });

    it('reports remote audio, ICE states, and "ICE failed" (not other WebRTC hang-ups)', async () => {
      const { handle, events, stream } = await calling();
      events.splice(0);
      const track = stream.getAudioTracks()[0]!;
      const callbacks = handle.callbacks as PluginCallbacks;
      callbacks.onremotetrack?.(track, '0', true);
      callbacks.onremotetrack?.(track, '0', false);
      callbacks.iceState?.('connected');
      callbacks.webrtcState?.(false, 'Close PC');
      callbacks.webrtcState?.(false, 'ICE failed');
      expect(events).to.have.length(3);
      const remote = events[0] as Extract<SessionEvent, { type: 'remote-stream' }>;
      expect(remote.type).to.equal('remote-stream');
      expect(remote.stream.getAudioTracks().length).to.equal(1);
      expect(remote.stream.getAudioTracks()[0] === track, 'the remote track').to.equal(true);
      expect(events.slice(1)).to.deep.equal([
        { type: 'ice-state', state: 'connected' },
        { type: 'media-failed', reason: 'ICE failed' },
      ]);
    });

    it('hold and resume: "hold" sendonly / "unhold", each resolved by the plugin\'s answer', async () => {
      const { session, handle } = await calling();
      await session.hold(true);
      await session.hold(false);
      expect(handle.sent.slice(-2).map((m) => m.message)).to.deep.equal([
        { request: 'hold', direction: 'sendonly' },
        { request: 'unhold' },
      ]);
    });

    it('keypad tones: RFC 4733 through the handle, SIP INFO one request per digit', async () => {
      const { session, handle } = await calling();
      await session.sendDtmf('12#', 'rfc4733');
      expect(handle.dtmfs).to.deep.equal([{ tones: '12#', duration: 160, gap: 80 }]);
      await session.sendDtmf('4*', 'info');
      expect(handle.sent.slice(-2).map((m) => m.message)).to.deep.equal([
        { request: 'dtmf_info', digit: '4', duration: 160 },
        { request: 'dtmf_info', digit: '*', duration: 160 },
      ]);
    });

    it('replaces the microphone track without an offer; a refusal → failed', async () => {
      const { session, handle } = await calling();
      const next = await microphone();
      streams.push(next);
      const track = next.getAudioTracks()[0]!;
      await session.replaceAudioTrack(track);
      expect(handle.replaced).to.deep.equal([
        [{ type: 'audio', mid: '0', capture: track, replace: true, dontStop: true }],
      ]);
      expect(handle.offers).to.have.length(1);

      const refused = await calling({ replaceError: 'no sender' });
      const error = await rejection(refused.session.replaceAudioTrack(track));
      expect(error.code).to.equal('failed');
      expect(error.message).to.contain('no sender');
    });

    it('an ICE restart offers with iceRestart, sends "update", and applies the answer', async () => {
      const { session, handle } = await calling();
      await session.restartMedia();
      expect(handle.offers.at(-1)!.iceRestart).to.equal(true);
      expect(handle.sent.at(-1)!.message).to.deep.equal({ request: 'update' });
      expect(handle.sent.at(-1)!.jsep).to.deep.equal(FAKE_OFFER);
      expect(handle.remoteJseps.at(-1)).to.deep.equal({ type: 'answer', sdp: 'v=0 (fake answer)' });
    });

    it("getStats() reads the handle's peer connection, null without one", async () => {
      const { session, handle } = await calling();
      expect(await session.getStats()).to.equal(null);
      const report = new Map() as unknown as RTCStatsReport;
      handle.webrtcStuff = { pc: { getStats: async () => report } };
      expect(await session.getStats()).to.equal(report);
    });
  });

  describe('losing the connection mid-call', () => {
    it('reports connection-interrupted, claims the session again, then connection-restored', async () => {
      const { fake, events } = await calling();
      events.splice(0);
      fake.last.lose();
      expect(events).to.deep.equal([{ type: 'connection-interrupted' }]);
      await until(() => events.length === 2);
      expect(fake.last.reconnects).to.equal(1);
      expect(events[1]).to.deep.equal({ type: 'connection-restored' });
    });

    it('a session Janus no longer has ("No such session") → connection-lost', async () => {
      const { fake, events } = await calling({ reconnect: { error: '458 No such session' } });
      events.splice(0);
      fake.last.lose();
      await until(() => events.length === 2);
      expect(events).to.deep.equal([
        { type: 'connection-interrupted' },
        { type: 'connection-lost' },
      ]);
    });
  });

  describe('closing', () => {
    it("hangs up the handle, destroys the session, drops it from Janus.sessions and clears the tracks' onended", async () => {
      const { session, fake, handle, stream } = await calling();
      const first = stream.getAudioTracks()[0]!;
      const next = await microphone();
      streams.push(next);
      const second = next.getAudioTracks()[0]!;
      await session.replaceAudioTrack(second);
      expect(typeof first.onended, 'janus.js hooked the first track').to.equal('function');
      expect(typeof second.onended, 'and the second').to.equal('function');
      expect(fake.sessions.has(fake.last.id)).to.equal(true);

      await session.close();
      expect(handle.hangups).to.deep.equal([false]);
      expect(fake.last.destroys).to.have.length(1);
      expect(fake.last.destroys[0]).to.include({ cleanupHandles: true, notifyDestroyed: false });
      expect(fake.sessions.size).to.equal(0);
      expect(first.onended === null, 'first onended cleared').to.equal(true);
      expect(second.onended === null, 'second onended cleared').to.equal(true);

      await session.close();
      expect(fake.last.destroys, 'close() is idempotent').to.have.length(1);
    });

    it('a closed session refuses further requests with failed, and reports nothing more', async () => {
      const { session, handle, events, stream } = await calling();
      await session.close();
      const count = events.length;
      for (const request of [
        session.sendDtmf('1', 'rfc4733'),
        session.replaceAudioTrack(stream.getAudioTracks()[0]!),
        session.restartMedia(),
      ]) {
        expect((await rejection(request)).code).to.equal('failed');
      }
      await session.hangup();
      expect(handle.requests).to.deep.equal(['register', 'call']);
      expect(handle.dtmfs).to.deep.equal([]);
      (handle.callbacks as PluginCallbacks).webrtcState?.(false, 'ICE failed');
      expect(events).to.have.length(count);
    });

    it('closing while a request waits for the plugin rejects that request', async () => {
      const { session } = await calling({
        replies: { ...defaultReplies(), hold: [] },
      });
      const holding = session.hold(true);
      await session.close();
      const error = await rejection(holding);
      expect(error.code).to.equal('failed');
    });

    it('the page going away (pagehide) hangs up over the WebSocket and destroys the session', async () => {
      const { fake, handle } = await calling();
      handle.message(sipEvent('accepted'));
      dispatchEvent(new Event('pagehide'));
      expect(handle.requests.at(-1)).to.equal('hangup');
      expect(fake.last.destroys).to.have.length(1);
      expect(fake.last.destroys[0]).to.include({ cleanupHandles: true, unload: false });
    });
  });

  describe('under the element', () => {
    it('a call through <voip-call-button>: registered, INVITE, ringing, answered, hung up, released', async () => {
      const { lib, fake } = createFakeJanus();
      const el = await fixture<VoipCallButton>(html`
        <voip-call-button
          server="ws://127.0.0.1:8188"
          sip-domain="127.0.0.1:5060"
          number="2000"
          display-name="Eve"
          ringback="off"
          .connector=${createJanusConnector(lib, BROWSER)}
        ></voip-call-button>
      `);
      const log = record(el);
      el.call();
      await until(() => el.state === 'calling');
      const janus = fake.last;
      const handle = janus.handle;
      expect(janus.options.server).to.deep.equal(['ws://127.0.0.1:8188/']);
      expect(handle.sent.map((m) => m.message)).to.deep.equal([
        {
          request: 'register',
          type: 'guest',
          username: 'sip:visitor@127.0.0.1:5060',
          display_name: 'Eve',
        },
        { request: 'call', uri: 'sip:2000@127.0.0.1:5060', autoaccept_reinvites: false },
      ]);
      const track = el.localStream!.getAudioTracks()[0]!;
      expect(handle.offers[0]!.tracks![0]!.capture === track, 'the microphone is offered').to.equal(
        true,
      );
      handle.message(sipEvent('ringing'));
      handle.message(sipEvent('accepted'), { type: 'answer', sdp: 'final' });
      await until(() => el.state === 'in-call');
      el.hangup();
      await until(() => el.state === 'idle');
      expect(log.states()).to.deep.equal([
        'connecting',
        'calling',
        'ringing',
        'in-call',
        'ending',
        'idle',
      ]);
      expect(log.detail<VoipEndedDetail>('voip-ended').reason).to.equal('local-hangup');
      expect(handle.requests.at(-1)).to.equal('hangup');
      expect(janus.destroys).to.have.length(1);
      expect(fake.sessions.size).to.equal(0);
      expect(track.readyState).to.equal('ended');
      expect(track.onended === null, 'onended cleared').to.equal(true);
    });
  });
});

/** The plugin callbacks the adapter gives janus.js, with the extra argument janus.js passes. */
interface PluginCallbacks {
  onremotetrack?: (track: MediaStreamTrack, mid: string, on: boolean) => void;
  iceState?: (state: string) => void;
  webrtcState?: (on: boolean, reason?: string) => void;
}
