/**
 * A scriptable fake of janus.js, for unit tests of the Janus adapter (src/janus/) without a
 * gateway: the `Janus` class (static `init`, `useDefaultDependencies`, `sessions`), its sessions
 * and their SIP plugin handles. It records what the adapter asked for and answers plugin requests
 * the way Janus's SIP plugin does (asynchronously, like janus.js); a test changes the answers in
 * `script`, or plays plugin events itself with `FakeHandle.message`.
 */
import type { JanusJS } from 'janus-gateway';
import type { JanusLib } from '../../src/janus/connector.js';

/** A plugin message and its JSEP, as janus.js hands them to `onmessage`. */
export interface PluginReply {
  readonly message: JanusJS.Message;
  readonly jsep?: JanusJS.JSEP;
}

/** How the fake gateway answers. Each `new FakeJanus()` reads it when it is called. */
export interface FakeJanusScript {
  /** How `new Janus(...)` ends: `success`, an `error` text, or no answer at all (`hang`). */
  connect: 'success' | 'hang' | { readonly error: string };
  /** How `attach` ends, the same way. */
  attach: 'success' | 'hang' | { readonly error: string };
  /** The plugin's answers to each request (by `request` name); a request not listed gets none. */
  replies: Record<string, readonly PluginReply[]>;
  /** When set, `createOffer` fails with it. */
  offerError: string | undefined;
  /**
   * When true, `createOffer` never answers (janus.js leaves an offer unanswered when the handle is
   * torn down under it).
   */
  offerHangs: boolean;
  /** When set, `replaceTracks` fails with it. */
  replaceError: string | undefined;
  /** When set, `createAnswer` (to a re-INVITE's offer) fails with it. */
  answerError: string | undefined;
  /** How `reconnect` (Janus's `claim`) ends: `success` or an `error` text. */
  reconnect: 'success' | { readonly error: string };
}

/** A SIP plugin event, as Janus sends it. */
export function sipEvent(event: string, extra: Record<string, unknown> = {}): JanusJS.Message {
  return { sip: 'event', result: { event, ...extra } } as unknown as JanusJS.Message;
}

/** The SDP offer every fake `createOffer` makes. */
export const FAKE_OFFER: JanusJS.JSEP = { type: 'offer', sdp: 'v=0 (fake offer)' };
/** The SDP answer of the fake plugin's "accepted" to an ICE restart (`update`). */
export const FAKE_ANSWER: JanusJS.JSEP = { type: 'answer', sdp: 'v=0 (fake answer)' };
/** The SDP answer every fake `createAnswer` makes (the browser answering a re-INVITE). */
export const FAKE_LOCAL_ANSWER: JanusJS.JSEP = { type: 'answer', sdp: 'v=0 (fake local answer)' };

/** The SIP plugin's usual answers. */
export function defaultReplies(): Record<string, readonly PluginReply[]> {
  return {
    register: [{ message: sipEvent('registered', { username: 'sip:visitor@example' }) }],
    call: [{ message: sipEvent('calling') }],
    hangup: [{ message: sipEvent('hangingup') }, { message: sipEvent('hangup', { code: 200 }) }],
    hold: [{ message: sipEvent('holding') }],
    unhold: [{ message: sipEvent('resuming') }],
    dtmf_info: [{ message: sipEvent('dtmfsent') }],
    update: [
      { message: sipEvent('updating') },
      { message: sipEvent('accepted'), jsep: FAKE_ANSWER },
    ],
  };
}

/** Runs `fn` in a later task, as janus.js calls back after a network round trip. */
function later(fn: () => void): void {
  setTimeout(fn, 0);
}

/** One attached SIP plugin handle. */
export class FakeHandle {
  readonly plugin = 'janus.plugin.sip';
  readonly id = String(Math.floor(Math.random() * 1e9));
  /** Every message sent to the plugin, in order. */
  readonly sent: JanusJS.PluginMessage[] = [];
  readonly offers: JanusJS.OfferParams[] = [];
  /** Every `createAnswer` asked for (with the remote offer as `jsep`), in order. */
  readonly answers: JanusJS.PluginCreateAnswerParam[] = [];
  /** Every remote JSEP handed to the handle. */
  readonly remoteJseps: JanusJS.JSEP[] = [];
  /** Every `hangup(sendRequest)` of the handle (janus.js tears down the peer connection). */
  readonly hangups: Array<boolean | undefined> = [];
  readonly dtmfs: JanusJS.Dtmf[] = [];
  readonly replaced: JanusJS.TrackOption[][] = [];
  /** janus.js's per-handle WebRTC state; only `pc` is read by the adapter. */
  webrtcStuff: { pc?: { getStats(): Promise<RTCStatsReport> } } = {};

  constructor(
    readonly callbacks: JanusJS.PluginOptions,
    private readonly script: FakeJanusScript,
  ) {}

  /** The `request` of each message sent, in order. */
  get requests(): string[] {
    return this.sent.map((m) => m.message.request);
  }

  /** Plays a message from the plugin (`onmessage`). */
  message(message: JanusJS.Message, jsep?: JanusJS.JSEP): void {
    this.callbacks.onmessage?.(message, jsep);
  }

  send(params: JanusJS.PluginMessage): void {
    this.sent.push(params);
    for (const reply of this.script.replies[params.message.request] ?? []) {
      later(() => this.message(reply.message, reply.jsep));
    }
  }

  createOffer(params: JanusJS.OfferParams): void {
    this.offers.push(params);
    // janus.js hangs an `ended` handler on each track it sends.
    for (const option of params.tracks ?? []) hookEnded(option.capture);
    const error = this.script.offerError;
    // A test's FakePeerConnection takes the offer's tracks, as janus.js's peer connection does.
    if (!error) this.fakePc()?.apply(params.tracks ?? []);
    if (this.script.offerHangs) return;
    later(() => (error ? params.error?.(new Error(error)) : params.success?.(FAKE_OFFER)));
  }

  /** The handle's peer connection when a test gave it a FakePeerConnection. */
  private fakePc(): FakePeerConnection | undefined {
    const pc = this.webrtcStuff.pc;
    return pc instanceof FakePeerConnection ? pc : undefined;
  }

  createAnswer(params: JanusJS.PluginCreateAnswerParam): void {
    this.answers.push(params);
    const error = this.script.answerError;
    later(() => (error ? params.error?.(error) : params.success?.(FAKE_LOCAL_ANSWER)));
  }

  handleRemoteJsep(params: JanusJS.PluginHandleRemoteJsepParam): void {
    this.remoteJseps.push(params.jsep);
  }

  hangup(sendRequest?: boolean): void {
    this.hangups.push(sendRequest);
  }

  dtmf(params: JanusJS.PluginDtmfParam): void {
    this.dtmfs.push(params.dtmf);
    later(() => params.success?.(undefined));
  }

  replaceTracks(params: JanusJS.PluginReplaceTracksParam): void {
    this.replaced.push(params.tracks);
    for (const option of params.tracks) hookEnded(option.capture);
    const error = this.script.replaceError;
    if (!error) this.fakePc()?.apply(params.tracks);
    later(() => (error ? params.error?.(error) : params.success?.(undefined)));
  }
}

/** A sender of a FakePeerConnection: its track and its encoding parameters. */
export class FakeSender {
  track: MediaStreamTrack | null = null;
  /** Every `maxBitrate` set through `setParameters`, in order. */
  readonly maxBitrates: Array<number | undefined> = [];
  /** When set, `setParameters` rejects with it. */
  parametersError: Error | undefined;
  private readonly encodings: RTCRtpEncodingParameters[] = [{}];

  getParameters(): RTCRtpSendParameters {
    return { encodings: this.encodings.map((e) => ({ ...e })) } as RTCRtpSendParameters;
  }

  async setParameters(parameters: RTCRtpSendParameters): Promise<void> {
    if (this.parametersError) throw this.parametersError;
    this.maxBitrates.push(parameters.encodings[0]?.maxBitrate);
    this.encodings.splice(0, this.encodings.length, ...parameters.encodings);
  }

  async replaceTrack(track: MediaStreamTrack | null): Promise<void> {
    this.track = track;
  }
}

/** A transceiver of a FakePeerConnection (its receiver's track says its kind). */
export interface FakeTransceiver {
  readonly receiver: { readonly track: { readonly kind: 'audio' | 'video' } };
  readonly sender: FakeSender;
  /** What the last offer made of it, as if the far end answered (`answerDirection`). */
  currentDirection: RTCRtpTransceiverDirection | null;
  /** Every codec preference set, in order. */
  readonly codecPreferences: RTCRtpCodec[][];
  setCodecPreferences(codecs: RTCRtpCodec[]): void;
}

/**
 * A stand-in for the peer connection janus.js keeps in `webrtcStuff.pc`, for tests that set one
 * (`handle.webrtcStuff.pc = new FakePeerConnection()`): its transceivers follow the tracks of
 * each offer and `replaceTracks` the handle makes, the way janus.js's does (a track sent, one
 * removed, a receive-only m-line).
 */
export class FakePeerConnection {
  readonly transceivers: FakeTransceiver[] = [];
  /** The answers are applied at once here. */
  signalingState: RTCSignalingState = 'stable';
  /** How the far end answers a video it is offered (default: it takes it, `sendrecv`). */
  answerDirection: RTCRtpTransceiverDirection = 'sendrecv';
  /** What `getStats()` resolves with. */
  report: RTCStatsReport = new Map() as unknown as RTCStatsReport;

  getTransceivers(): FakeTransceiver[] {
    return this.transceivers;
  }

  getSenders(): FakeSender[] {
    return this.transceivers.map((t) => t.sender);
  }

  async getStats(): Promise<RTCStatsReport> {
    return this.report;
  }

  /** The transceiver of `kind`, if there is one. */
  find(kind: 'audio' | 'video'): FakeTransceiver | undefined {
    return this.transceivers.find((t) => t.receiver.track.kind === kind);
  }

  /** What janus.js makes of these track options on this peer connection. */
  apply(tracks: readonly JanusJS.TrackOption[]): void {
    for (const option of tracks) {
      const kind =
        option.type === 'audio'
          ? 'audio'
          : option.type === 'video' || option.type === 'screen'
            ? 'video'
            : undefined;
      if (!kind) continue;
      let transceiver = this.find(kind);
      if (option.remove) {
        if (transceiver) {
          transceiver.sender.track = null;
          transceiver.currentDirection = 'recvonly';
        }
        continue;
      }
      if (!transceiver) {
        const preferences: RTCRtpCodec[][] = [];
        transceiver = {
          receiver: { track: { kind } },
          sender: new FakeSender(),
          currentDirection: null,
          codecPreferences: preferences,
          setCodecPreferences: (codecs) => preferences.push(codecs),
        };
        this.transceivers.push(transceiver);
      }
      if (option.capture instanceof MediaStreamTrack) {
        transceiver.sender.track = option.capture;
        transceiver.currentDirection = kind === 'video' ? this.answerDirection : 'sendrecv';
      } else if (option.recv) transceiver.currentDirection ??= 'recvonly';
    }
  }
}

function hookEnded(capture: JanusJS.TrackOption['capture']): void {
  if (capture instanceof MediaStreamTrack) capture.onended = () => undefined;
}

/** One session made by `new Janus(...)`. */
export class FakeJanusSession {
  readonly id = Math.floor(Math.random() * 1e12);
  readonly handles: FakeHandle[] = [];
  /** Every `destroy(...)` asked for, in order. */
  readonly destroys: JanusJS.DestroyOptions[] = [];
  reconnects = 0;
  connected = false;

  constructor(
    readonly options: JanusJS.ConstructorOptions,
    private readonly lib: FakeJanusLib,
  ) {
    const outcome = lib.script.connect;
    if (outcome === 'hang') return;
    later(() => {
      if (typeof outcome === 'object') {
        options.error?.(outcome.error);
        return;
      }
      this.connected = true;
      lib.sessions.set(this.id, this);
      (options.success as (() => void) | undefined)?.();
    });
  }

  /** The handle attached last. */
  get handle(): FakeHandle {
    const handle = this.handles.at(-1);
    if (!handle) throw new Error('nothing attached yet');
    return handle;
  }

  attach(options: JanusJS.PluginOptions): void {
    const handle = new FakeHandle(options, this.lib.script);
    this.handles.push(handle);
    const outcome = this.lib.script.attach;
    if (outcome === 'hang') return;
    later(() =>
      typeof outcome === 'object'
        ? options.error?.(outcome.error)
        : options.success?.(handle as unknown as JanusJS.PluginHandle),
    );
  }

  getServer(): string {
    const server = this.options.server;
    return typeof server === 'string' ? server : (server[0] ?? '');
  }

  isConnected(): boolean {
    return this.connected;
  }

  getSessionId(): number {
    return this.id;
  }

  reconnect(callbacks: JanusJS.ReconnectOptions): void {
    this.reconnects += 1;
    const outcome = this.lib.script.reconnect;
    later(() => {
      if (typeof outcome === 'object') callbacks.error?.(outcome.error);
      else {
        this.connected = true;
        (callbacks.success as (() => void) | undefined)?.();
      }
    });
  }

  destroy(callbacks: JanusJS.DestroyOptions): void {
    this.destroys.push(callbacks);
    this.connected = false;
    later(() => callbacks.success?.());
  }

  /** The WebSocket closed: janus.js only calls the session's `error` callback. */
  lose(error = 'Lost connection to the server (is it down?)'): void {
    this.connected = false;
    this.options.error?.(error);
  }
}

/** The static side of the fake, and what it recorded. */
export interface FakeJanusLib {
  readonly script: FakeJanusScript;
  /** janus.js's registry of every session it made (it never removes one itself). */
  readonly sessions: Map<number, FakeJanusSession>;
  /** Every `Janus.init` options, in order. */
  readonly inits: JanusJS.InitOptions[];
  /** Every `Janus.useDefaultDependencies` argument, in order. */
  readonly dependencies: unknown[];
  /** Every session made, in order (also those that never connected). */
  readonly made: FakeJanusSession[];
  /** The session made last. */
  readonly last: FakeJanusSession;
}

/**
 * A new fake janus.js, with its own static state: `lib` is what `createJanusConnector` takes,
 * `fake` the same class seen as what it recorded.
 */
export function createFakeJanus(script: Partial<FakeJanusScript> = {}): {
  lib: JanusLib;
  fake: FakeJanusLib;
} {
  const state: FakeJanusScript = {
    connect: 'success',
    attach: 'success',
    replies: defaultReplies(),
    offerError: undefined,
    offerHangs: false,
    replaceError: undefined,
    answerError: undefined,
    reconnect: 'success',
    ...script,
  };
  class FakeJanus extends FakeJanusSession {
    static readonly script = state;
    static readonly sessions = new Map<number, FakeJanusSession>();
    static readonly inits: JanusJS.InitOptions[] = [];
    static readonly dependencies: unknown[] = [];
    static readonly made: FakeJanusSession[] = [];

    static get last(): FakeJanusSession {
      const session = FakeJanus.made.at(-1);
      if (!session) throw new Error('no Janus session made yet');
      return session;
    }

    static init(options: JanusJS.InitOptions): void {
      FakeJanus.inits.push(options);
      later(() => (options.callback as (() => void) | undefined)?.());
    }

    static useDefaultDependencies(deps: unknown): Record<string, unknown> {
      FakeJanus.dependencies.push(deps);
      return { fake: true };
    }

    constructor(options: JanusJS.ConstructorOptions) {
      super(options, FakeJanus);
      FakeJanus.made.push(this);
    }
  }
  return { lib: FakeJanus as unknown as JanusLib, fake: FakeJanus };
}
