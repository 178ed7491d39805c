/**
 * A small typed client for the Janus HTTP API (the REST transport, `VCB_JANUS_HTTP`), for tests
 * that bypass the widget and talk to the SIP plugin the way any script on the internet could:
 * create a session, attach `janus.plugin.sip`, send requests (with an optional JSEP), read the
 * session's events by long poll, destroy the session.
 */
import { createJanusToken } from '../../../src/server/index.js';
import { randomBytes } from 'node:crypto';

/** A JSEP offer or answer, as Janus carries it next to a plugin message or event. */
export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
}

/** What the SIP plugin puts in `plugindata.data` (`result` on events, `error` on failures). */
export interface SipPluginData {
  sip?: string;
  call_id?: string;
  result?: {
    event: string;
    code?: number;
    reason?: string;
    [key: string]: unknown;
  };
  error_code?: number;
  error?: string;
  [key: string]: unknown;
}

/** One message from Janus: a reply to a request, or an event from the long poll. */
export interface JanusMessage {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: { id?: number; [key: string]: unknown };
  plugindata?: { plugin: string; data: SipPluginData };
  jsep?: Jsep;
  error?: { code: number; reason: string };
  [key: string]: unknown;
}

let transactions = 0;
const transaction = (): string => `t${process.pid}-${++transactions}`;

/** The stack's Janus runs with token_auth: every request carries a token for the SIP plugin. */
const TOKEN = createJanusToken({
  secret: process.env.VCB_JANUS_TOKEN_SECRET ?? '',
  ttlSeconds: 3600,
}).token;

async function post(url: string, body: Record<string, unknown>): Promise<JanusMessage> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ transaction: transaction(), token: TOKEN, ...body }),
  });
  if (!res.ok) throw new Error(`POST ${url}: HTTP ${res.status}`);
  return (await res.json()) as JanusMessage;
}

function expectSuccess(what: string, reply: JanusMessage): number {
  const id = reply.data?.id;
  if (reply.janus !== 'success' || typeof id !== 'number')
    throw new Error(`${what}: ${JSON.stringify(reply)}`);
  return id;
}

/** A Janus session with a long poll running in the background until `destroy()`. */
export class JanusSession {
  /** Every event received so far, in order (keepalives left out). */
  readonly events: JanusMessage[] = [];
  private readonly poller = new AbortController();
  private waiters: Array<() => void> = [];
  private polling: Promise<void>;
  private destroyed = false;
  private pollError: unknown;

  private constructor(
    readonly base: string,
    readonly id: number,
  ) {
    this.polling = this.poll();
  }

  /** `POST {base}` `{"janus":"create"}`. */
  static async create(base: string): Promise<JanusSession> {
    return new JanusSession(base, expectSuccess('create', await post(base, { janus: 'create' })));
  }

  get url(): string {
    return `${this.base}/${this.id}`;
  }

  /** Attaches a plugin handle (`janus.plugin.sip` by default). */
  async attach(plugin = 'janus.plugin.sip'): Promise<JanusHandle> {
    const id = expectSuccess('attach', await post(this.url, { janus: 'attach', plugin }));
    return new JanusHandle(this, id);
  }

  /** Waits for an event (received after index `since`) that `match` accepts; rejects after `ms`. */
  async waitFor(
    match: (event: JanusMessage) => boolean,
    ms: number,
    since = 0,
  ): Promise<JanusMessage> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.events.slice(since).find(match);
      if (found) return found;
      const left = end - Date.now();
      if (this.pollError !== undefined)
        throw new Error(`session ${this.id}: long poll failed: ${String(this.pollError)}`);
      if (left <= 0 || this.destroyed)
        throw new Error(
          `session ${this.id}: no matching event within ${ms} ms (saw ${
            this.events
              .slice(since)
              .map((e) => e.plugindata?.data.result?.event ?? e.janus)
              .join(', ') || 'nothing'
          })`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** A mark to pass as `since`. */
  mark(): number {
    return this.events.length;
  }

  /** `{"janus":"destroy"}`: ends the session and every handle in it; stops the long poll. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      const reply = await post(this.url, { janus: 'destroy' });
      if (reply.janus !== 'success')
        throw new Error(`destroy ${this.id}: ${JSON.stringify(reply)}`);
    } finally {
      this.poller.abort();
      await this.polling;
      for (const wake of this.waiters.splice(0)) wake();
    }
  }

  private async poll(): Promise<void> {
    while (!this.destroyed) {
      try {
        const res = await fetch(
          `${this.url}?maxev=10&rid=${Date.now()}&token=${encodeURIComponent(TOKEN)}`,
          {
            signal: this.poller.signal,
          },
        );
        const body = (await res.json()) as JanusMessage | JanusMessage[];
        for (const event of Array.isArray(body) ? body : [body]) {
          if (event.janus === 'keepalive') continue;
          if (event.janus === 'error' && event.error?.code === 458) return; // no such session
          this.events.push(event);
        }
      } catch (error) {
        if (!this.destroyed) this.pollError = error; // surfaced by waitFor()
        return;
      } finally {
        for (const wake of this.waiters.splice(0)) wake();
      }
    }
  }
}

/** One plugin handle inside a session. */
export class JanusHandle {
  constructor(
    readonly session: JanusSession,
    readonly id: number,
  ) {}

  /** `{"janus":"message","body":...,"jsep":...}`; resolves with Janus's immediate reply (`ack`). */
  async message(body: Record<string, unknown>, jsep?: Jsep): Promise<JanusMessage> {
    return post(`${this.session.url}/${this.id}`, {
      janus: 'message',
      body,
      ...(jsep ? { jsep } : {}),
    });
  }

  /** Waits for a SIP plugin event of this handle named `event` (or an `error`) after `since`. */
  async sipEvent(event: string, ms: number, since = 0): Promise<SipPluginData> {
    const found = await this.session.waitFor(
      (e) =>
        e.sender === this.id &&
        (e.plugindata?.data.result?.event === event || e.plugindata?.data.error !== undefined),
      ms,
      since,
    );
    const data = found.plugindata!.data;
    if (data.error !== undefined)
      throw new Error(`SIP plugin error ${data.error_code}: ${data.error}`);
    return data;
  }
}

/**
 * A minimal but valid WebRTC audio offer (PCMU/PCMA, BUNDLE, rtcp-mux, DTLS-SRTP), written by
 * hand: Janus accepts it and places the SIP call. ICE never completes (no candidates follow),
 * which does not matter to a test that only looks at the SIP side of the call.
 */
export function audioOffer(): Jsep {
  const hex = (bytes: Buffer): string =>
    [...bytes].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
  const session = BigInt(`0x${randomBytes(6).toString('hex')}`).toString();
  const lines = [
    'v=0',
    `o=- ${session} 1 IN IP4 127.0.0.1`,
    's=vcb-policy-test',
    't=0 0',
    'a=group:BUNDLE audio',
    'a=msid-semantic: WMS',
    'm=audio 9 UDP/TLS/RTP/SAVPF 0 8',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${randomBytes(4).toString('hex')}`,
    `a=ice-pwd:${randomBytes(12).toString('hex')}`,
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${hex(randomBytes(32))}`,
    'a=setup:actpass',
    'a=mid:audio',
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
  ];
  return { type: 'offer', sdp: `${lines.join('\r\n')}\r\n` };
}
