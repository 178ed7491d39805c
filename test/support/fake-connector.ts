/**
 * A scriptable fake behind the project's own SipConnector interface, for unit tests only. It
 * records what the controller asked for and lets a test play the gateway's side of the call.
 */
import type {
  CallOptions,
  ConnectOptions,
  DtmfMode,
  SessionEvent,
  SipConnector,
  SipSession,
  PreconnectOptions,
} from '../../src/sip/session.js';
import { VoipError } from '../../src/errors.js';
import { fixture, html } from '@open-wc/testing';
import { nothing } from 'lit';
import '../../src/voip-call-button.js';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import type { VoipStateChangeDetail } from '../../src/events.js';

export class FakeSession implements SipSession {
  calledUri: string | undefined;
  callStream: MediaStream | undefined;
  /** What `call()` got, but the codecs (which every call offers: see `codecs`). */
  callOptions: CallOptions | undefined;
  /** The voice codecs the call offered, best first. */
  codecs: readonly string[] | undefined;
  /** Every text message sent, in order. */
  messages: string[] = [];
  /**
   * The SIP status the next sendMessage() resolves with (default 200), or a VoipError it
   * rejects with; `'hold'` keeps it pending until a test calls one of `pendingDeliveries`.
   */
  deliveryCode: number | VoipError | 'hold' = 200;
  /** Resolvers of messages held with `deliveryCode = 'hold'`, oldest first. */
  pendingDeliveries: Array<(code: number) => void> = [];
  /** Every transfer declined (its referId), in order. */
  declinedTransfers: number[] = [];
  hangups = 0;
  closes = 0;
  /** Every hold(on) asked for, in order. */
  holds: boolean[] = [];
  /** Every sendDtmf asked for, in order. */
  dtmf: Array<{ digits: string; mode: DtmfMode }> = [];
  /** Tracks given to replaceAudioTrack, in order. */
  replacedTracks: MediaStreamTrack[] = [];

  constructor(
    private readonly connector: FakeConnector,
    readonly options: ConnectOptions,
  ) {}

  /** Plays an event from the gateway. */
  emit(event: SessionEvent): void {
    this.options.onEvent(event);
  }

  async call(uri: string, stream: MediaStream, options?: CallOptions): Promise<void> {
    this.calledUri = uri;
    this.callStream = stream;
    const { codecs, ...rest } = options ?? {};
    this.codecs = codecs;
    this.callOptions = options && rest;
    if (this.connector.callError) throw this.connector.callError;
    this.emit({ type: 'calling' });
  }

  async hangup(): Promise<void> {
    this.hangups += 1;
    this.emit({ type: 'hangup', sipCode: 200, reason: 'BYE' });
  }

  async hold(on: boolean): Promise<void> {
    this.holds.push(on);
  }

  async sendDtmf(digits: string, mode: DtmfMode): Promise<void> {
    this.dtmf.push({ digits, mode });
  }

  async sendMessage(text: string): Promise<number> {
    this.messages.push(text);
    const code = this.deliveryCode;
    if (code instanceof VoipError) throw code;
    if (code === 'hold') return new Promise((resolve) => this.pendingDeliveries.push(resolve));
    return code;
  }

  async declineTransfer(referId: number): Promise<void> {
    this.declinedTransfers.push(referId);
  }

  async replaceAudioTrack(track: MediaStreamTrack): Promise<void> {
    this.replacedTracks.push(track);
  }

  /** Every setVideo() asked for (a track, or `null` for video off), in order. */
  videoChanges: Array<MediaStreamTrack | null> = [];
  /** When set, setVideo() rejects with it (the gateway refused the re-INVITE). */
  videoError: VoipError | undefined;
  /** When set, setVideo() waits for this before answering. */
  videoGate: Promise<void> | undefined;

  async setVideo(track: MediaStreamTrack | null): Promise<void> {
    this.videoChanges.push(track);
    if (this.videoGate) await this.videoGate;
    if (this.videoError) throw this.videoError;
  }

  /** How many ICE restarts were asked for. */
  restarts = 0;

  async restartMedia(): Promise<void> {
    this.restarts += 1;
  }

  /** What getStats() returns; a test sets it to play network conditions. */
  stats: RTCStatsReport | null = null;

  async getStats(): Promise<RTCStatsReport | null> {
    return this.stats;
  }

  async close(): Promise<void> {
    this.closes += 1;
  }
}

export class FakeConnector implements SipConnector {
  /** Every session handed out, in order. */
  readonly sessions: FakeSession[] = [];
  connects = 0;
  /** When set, connect() rejects with it. */
  connectError: VoipError | undefined;
  /** When set, call() rejects with it. */
  callError: VoipError | undefined;
  /** When set, connect() waits for this before answering. */
  gate: Promise<void> | undefined;
  /** Every preconnect asked for (the `preconnect` attribute), in order. */
  readonly preconnects: PreconnectOptions[] = [];

  preconnect(options: PreconnectOptions): void {
    this.preconnects.push(options);
  }

  get last(): FakeSession {
    const s = this.sessions.at(-1);
    if (!s) throw new Error('no session yet');
    return s;
  }

  async connect(options: ConnectOptions): Promise<SipSession> {
    this.connects += 1;
    if (this.gate) await this.gate;
    if (this.connectError) throw this.connectError;
    const session = new FakeSession(this, options);
    this.sessions.push(session);
    return session;
  }
}

/** Resolves when `predicate` holds, polling each animation frame; rejects after `ms`. */
export async function until(predicate: () => boolean, ms = 3000): Promise<void> {
  const end = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A page area around the element: its language, direction, and colour scheme (on Canvas). */
export interface PageArea {
  readonly lang?: string;
  readonly dir?: 'ltr' | 'rtl';
  readonly scheme?: 'light' | 'dark' | 'light dark';
}

/**
 * A `<voip-call-button>` set up to call 2000 at the local stack's addresses through a new
 * FakeConnector, with `attributes` added; inside a `<main>` with the given `area` when asked.
 */
export async function mountWithFake(
  attributes: Record<string, string> = {},
  area?: PageArea,
): Promise<{ el: VoipCallButton; connector: FakeConnector }> {
  const connector = new FakeConnector();
  const button = html`
    <voip-call-button
      server="ws://127.0.0.1:8188"
      sip-domain="127.0.0.1:5060"
      number="2000"
      .connector=${connector}
    ></voip-call-button>
  `;
  const scheme = area?.scheme;
  const el = area
    ? (
        await fixture<HTMLElement>(
          html`<main
            lang=${area.lang ?? nothing}
            dir=${area.dir ?? nothing}
            style=${
              scheme
                ? `color-scheme: ${scheme}; background: Canvas; color: CanvasText; padding: 8px`
                : nothing
            }
          >
            ${button}
          </main>`,
        )
      ).querySelector('voip-call-button')!
    : await fixture<VoipCallButton>(button);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  await el.updateComplete;
  return { el, connector };
}

/** Records every voip-* event an element fires. */
export function record(el: HTMLElement) {
  const events: Array<{ type: string; detail: unknown }> = [];
  for (const type of [
    'voip-state-change',
    'voip-connected',
    'voip-ended',
    'voip-error',
    'voip-reconnecting',
    'voip-reconnected',
  ]) {
    el.addEventListener(type, (e) => events.push({ type, detail: (e as CustomEvent).detail }));
  }
  return {
    events,
    states: () =>
      events
        .filter((e) => e.type === 'voip-state-change')
        .map((e) => (e.detail as VoipStateChangeDetail).state),
    count: (type: string) => events.filter((e) => e.type === type).length,
    detail: <T>(type: string) => events.find((e) => e.type === type)?.detail as T,
  };
}

/** The element's status line, trimmed. */
export function statusText(el: VoipCallButton): string {
  return el.shadowRoot!.querySelector('[part="status"]')!.textContent!.trim();
}

/** Hangs up and waits (up to `ms`) until the element is idle again. */
export async function hangUp(el: VoipCallButton, ms?: number): Promise<void> {
  el.hangup();
  await until(() => el.state === 'idle', ms);
}

/** Places a call on the fake and answers it. */
export async function answeredCall(el: VoipCallButton, connector: FakeConnector) {
  el.call();
  await until(() => el.state === 'calling');
  connector.last.emit({ type: 'ringing', sipCode: 180 });
  connector.last.emit({ type: 'accepted' });
  await until(() => el.state === 'in-call');
}
