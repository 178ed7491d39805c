/**
 * The only module that imports janus-gateway. It implements the SIP session seam over janus.js and
 * the Janus SIP plugin: untyped callbacks and messages stop here; everything above is typed.
 *
 * janus.js quirks handled here (see README, "Packaging notes"):
 * - it never imports webrtc-adapter itself, so the adapter is passed in explicitly. janus.js reads
 *   only `adapter.browserDetails`, so it gets webrtc-adapter's browser detection and not its
 *   legacy shims (13 KB gzipped, for browsers older than the ones supported; see README);
 * - its module is a UMD wrapper whose default export is `undefined` on pages with an AMD `define`;
 *   the CDN build strips that branch, and this module checks for it anyway;
 * - it defaults to a public STUN server, so ICE servers are always passed (the element's
 *   `iceServers`, none by default);
 * - when the WebSocket closes it only calls the session `error` callback: this adapter then tries
 *   to reclaim the session (Janus's `claim`, see `reclaim()`), and tells a dead gateway from a
 *   network blip by whether it still relays the call's media;
 * - its own unload handling only closes the WebSocket, which a Janus with
 *   `reclaim_session_timeout` answers by keeping the call up for that long: on `pagehide` this
 *   adapter hangs up and destroys the session itself.
 */
import Janus, { type JanusJS } from 'janus-gateway';
import { detectBrowser } from 'webrtc-adapter/src/js/utils.js';
import { VoipError } from '../errors.js';
import { receivedBytes } from '../media-watch.js';
import type {
  ConnectOptions,
  DtmfMode,
  SessionEvent,
  SipConnector,
  SipSession,
} from '../sip/session.js';

/** Gives up connecting to the gateway (all servers) after this long. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Gives up on a plugin request (attach, register, call) after this long. */
const REQUEST_TIMEOUT_MS = 10_000;
/** How long `close()` waits for the gateway to confirm the session is destroyed. */
const DESTROY_TIMEOUT_MS = 2_000;
/**
 * How often janus.js sends a keepalive (its default is 25 s). Janus counts a session's reclaim
 * window from its last request, so a short period keeps most of that window for a reconnect.
 */
const KEEPALIVE_MS = 10_000;
/** One attempt to reclaim the session; a network that drops packets leaves it hanging. */
const RECLAIM_ATTEMPT_MS = 3_000;
/**
 * How long the page keeps trying to reclaim the session. Longer than Janus's own window is
 * harmless: Janus then answers that the session is gone.
 */
const RECLAIM_LIMIT_MS = 30_000;
/**
 * The gateway is taken for dead when it refused the connection twice in a row and relayed no
 * media for this long (a live Janus keeps relaying the call while its WebSocket is down; a dead
 * one stops both at once).
 */
const MEDIA_SILENCE_MS = 800;
/** How often the media received is sampled while reclaiming. */
const MEDIA_SAMPLE_MS = 200;
const SIP_PLUGIN = 'janus.plugin.sip';
/** Length of one keypad tone, and the pause between tones (ms): what a desk phone sends. */
const DTMF_DURATION_MS = 160;
const DTMF_GAP_MS = 80;

let initialized: Promise<void> | undefined;
/** The WebSocket janus.js opened last: `reclaim()` needs the one of its own attempt. */
let lastSocket: DetachableSocket | undefined;

/**
 * janus.js's WebSockets, with a way to take its listeners off one: an abandoned reclaim attempt
 * must not report its late close as a new loss of the connection that a later attempt restored.
 */
class DetachableSocket extends WebSocket {
  private readonly added: Array<[string, EventListenerOrEventListenerObject]> = [];

  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void {
    this.added.push([type, listener]);
    super.addEventListener(type, listener, options);
  }

  /** Removes every listener and closes the socket. */
  abandon(): void {
    for (const [type, listener] of this.added.splice(0)) super.removeEventListener(type, listener);
    this.close();
  }
}

function init(): Promise<void> {
  initialized ??= new Promise((resolve, reject) => {
    if (typeof Janus !== 'function') {
      reject(
        new VoipError(
          'load-failed',
          'janus-gateway did not load (a page-level AMD "define" hides its export).',
        ),
      );
      return;
    }
    Janus.init({
      debug: false,
      dependencies: {
        ...Janus.useDefaultDependencies({ adapter: { browserDetails: detectBrowser(window) } }),
        newWebSocket: (server: string, protocol: string) =>
          (lastSocket = new DetachableSocket(server, protocol)),
      },
      callback: () => resolve(),
    });
  });
  return initialized;
}

/** The plugin's `result` object, as far as this adapter reads it. */
interface SipResult {
  event?: string;
  code?: number;
  reason?: string;
}

class JanusSipSession implements SipSession {
  private handle: JanusJS.PluginHandle | undefined;
  private closed = false;
  private waiters: Array<{
    events: string[];
    resolve: () => void;
    reject: (e: VoipError) => void;
  }> = [];
  private hungUp = false;
  /** Whether this page asked for the hangup (an unasked "hangingup" is the gateway's own). */
  private hangupAsked = false;
  /** The gateway is ending the call on its own (it tore down the WebRTC leg). */
  private gatewayHangup = false;
  private hangupWaiters: Array<() => void> = [];
  /** Set while the session is being reclaimed after the WebSocket closed. */
  private reclaiming = false;
  /** The WebSocket of the reclaim attempt in flight, closed if the call ends meanwhile. */
  private attemptSocket: DetachableSocket | undefined;
  /** The microphone tracks given to janus.js (it hangs an `ended` handler on each). */
  private readonly sentTracks = new Set<MediaStreamTrack>();
  /** Aborted by `close()`: stops reclaiming and its waits. */
  private readonly stopped = new AbortController();

  constructor(
    private readonly janus: JanusJS.Janus,
    private readonly emit: (event: SessionEvent) => void,
  ) {
    addEventListener('pagehide', this.onPageHide);
  }

  /**
   * The page is going away (navigation, tab close): hang up and destroy the session now, while
   * the WebSocket can still carry it. Over HTTP, janus.js sends the destroy as a beacon.
   */
  private readonly onPageHide = (): void => {
    if (this.closed) return;
    const overHttp = !this.janus.getServer().startsWith('ws');
    this.hangupAsked = true;
    if (!overHttp && this.handle && !this.hungUp) this.send({ request: 'hangup' });
    this.janus.destroy({ cleanupHandles: true, notifyDestroyed: false, unload: overHttp });
  };

  /** Attaches to the SIP plugin and registers as a guest. */
  async open(options: ConnectOptions): Promise<void> {
    this.handle = await withTimeout(
      new Promise<JanusJS.PluginHandle>((resolve, reject) => {
        this.janus.attach({
          plugin: SIP_PLUGIN,
          success: resolve,
          error: (error: string) => reject(janusError(`attach: ${error}`, 'server-error')),
          onmessage: (message, jsep) => this.onMessage(message, jsep),
          onremotetrack: (track, _mid, on) => {
            if (on && track.kind === 'audio') {
              this.emit({ type: 'remote-stream', stream: new MediaStream([track]) });
            }
          },
          iceState: (state) => this.emit({ type: 'ice-state', state }),
          // Janus gave up on the WebRTC leg: "ICE failed" (other reasons, such as "Close PC",
          // come with a SIP hangup of their own). janus.js passes a reason its types leave out.
          webrtcState: (on: boolean, reason?: string) => {
            if (!on && !this.closed && /ice/i.test(String(reason))) {
              this.emit({ type: 'media-failed', reason: String(reason) });
            }
          },
        });
      }),
      REQUEST_TIMEOUT_MS,
      'attach',
    );
    const registered = this.expect(['registered']);
    this.send({
      request: 'register',
      type: 'guest',
      username: `sip:visitor@${options.sipDomain}`,
      ...(options.displayName ? { display_name: options.displayName } : {}),
    });
    await registered;
  }

  async call(uri: string, stream: MediaStream): Promise<void> {
    const handle = this.requireHandle();
    const track = stream.getAudioTracks().at(0);
    if (!track) throw new VoipError('mic-unavailable', 'The microphone stream has no audio track.');
    this.sentTracks.add(track);
    const jsep = await new Promise<JanusJS.JSEP>((resolve, reject) => {
      handle.createOffer({
        tracks: [{ type: 'audio', capture: track, recv: true }],
        success: resolve,
        error: (error: Error) =>
          reject(new VoipError('failed', `createOffer: ${String(error)}`, { cause: error })),
      });
    });
    const calling = this.expect(['calling']);
    this.send({ request: 'call', uri }, jsep);
    await calling;
  }

  hangup(): Promise<void> {
    // Without a connection nothing can be sent: close() then ends the media path, and Janus
    // hangs up the SIP leg when the browser's DTLS goes away.
    if (this.hungUp || this.closed || !this.handle || !this.janus.isConnected()) {
      return Promise.resolve();
    }
    const confirmed = new Promise<void>((resolve) => this.hangupWaiters.push(resolve));
    this.hangupAsked = true;
    this.send({ request: 'hangup' });
    return confirmed;
  }

  async hold(on: boolean): Promise<void> {
    const acknowledged = this.expect([on ? 'holding' : 'resuming']);
    this.send(on ? { request: 'hold', direction: 'sendonly' } : { request: 'unhold' });
    await acknowledged;
  }

  async sendDtmf(digits: string, mode: DtmfMode): Promise<void> {
    const handle = this.requireHandle();
    if (mode === 'info') {
      for (const digit of digits) {
        const sent = this.expect(['dtmfsent']);
        this.send({ request: 'dtmf_info', digit, duration: DTMF_DURATION_MS });
        await sent;
      }
      return;
    }
    await new Promise<void>((resolve, reject) => {
      handle.dtmf({
        dtmf: { tones: digits, duration: DTMF_DURATION_MS, gap: DTMF_GAP_MS },
        success: () => resolve(),
        error: (error: string) => reject(new VoipError('failed', `dtmf: ${error}`)),
      });
    });
  }

  async replaceAudioTrack(track: MediaStreamTrack): Promise<void> {
    const handle = this.requireHandle();
    this.sentTracks.add(track);
    await new Promise<void>((resolve, reject) => {
      handle.replaceTracks({
        tracks: [{ type: 'audio', mid: '0', capture: track, replace: true }],
        success: () => resolve(),
        error: (error: string) => reject(new VoipError('failed', `replaceTracks: ${error}`)),
      });
    });
  }

  async restartMedia(): Promise<void> {
    const handle = this.requireHandle();
    const jsep = await new Promise<JanusJS.JSEP>((resolve, reject) => {
      handle.createOffer({
        iceRestart: true,
        success: resolve,
        error: (error: Error) =>
          reject(new VoipError('failed', `ICE restart offer: ${String(error)}`, { cause: error })),
      });
    });
    // The plugin answers "updating", sends a re-INVITE to the SIP side, and relays its answer
    // as "accepted" with the new JSEP (handled in onMessage).
    const answered = this.expect(['accepted']);
    this.send({ request: 'update' }, jsep);
    await answered;
  }

  async getStats(): Promise<RTCStatsReport | null> {
    // janus.js keeps the peer connection in its untyped per-handle state.
    const pc = (this.handle?.webrtcStuff as { pc?: RTCPeerConnection | null } | undefined)?.pc;
    return pc ? pc.getStats() : null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    removeEventListener('pagehide', this.onPageHide);
    this.stopped.abort();
    this.attemptSocket?.abandon();
    this.failWaiters(new VoipError('failed', 'session closed'));
    this.handle?.hangup(false);
    // janus.js's `ended` handler on each microphone track holds its whole session, and Chromium
    // keeps each getUserMedia result alive for a while after the call: drop the handlers.
    for (const track of this.sentTracks) track.onended = null;
    this.sentTracks.clear();
    const id = this.janus.getSessionId();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, DESTROY_TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      try {
        this.janus.destroy({
          cleanupHandles: true,
          notifyDestroyed: false,
          success: done,
          error: done,
        });
      } catch {
        done();
      }
    });
    // janus.js keeps every session it ever created in its global `Janus.sessions` map (for its
    // unload handler) and never removes one: without this, each call would stay in memory.
    (Janus as unknown as { sessions?: Map<number, unknown> }).sessions?.delete(id);
  }

  /**
   * Called by the connector when the signalling connection breaks after setup: reports the
   * interruption and tries to reclaim the session (the call goes on meanwhile), until Janus says
   * the session is gone, the gateway looks dead, or `RECLAIM_LIMIT_MS` passes.
   */
  interrupted(): void {
    if (this.closed || this.reclaiming) return;
    this.reclaiming = true;
    this.failWaiters(new VoipError('server-unreachable', 'lost connection to the gateway'));
    this.emit({ type: 'connection-interrupted' });
    void this.reclaim().then((restored) => {
      this.reclaiming = false;
      if (!this.closed) this.emit({ type: restored ? 'connection-restored' : 'connection-lost' });
    });
  }

  /** Whether the session was reclaimed. */
  private async reclaim(): Promise<boolean> {
    const deadline = Date.now() + RECLAIM_LIMIT_MS;
    // When media last arrived, sampled all along: a live Janus keeps relaying the call.
    let media = await this.mediaBytes();
    let mediaAt = Date.now();
    const sampler = setInterval(() => {
      void this.mediaBytes().then((bytes) => {
        if (bytes !== media) [media, mediaAt] = [bytes, Date.now()];
      });
    }, MEDIA_SAMPLE_MS);
    try {
      let refusals = 0;
      let pause = 250;
      while (!this.closed && Date.now() < deadline) {
        const result = await this.attempt();
        // close() may have run meanwhile (narrowing cannot see that).
        if (this.stopped.signal.aborted) return false;
        if (result === 'restored') return true;
        if (result === 'gone') return false;
        if (result === 'refused' && navigator.onLine) refusals += 1;
        else refusals = 0;
        if (refusals >= 2) {
          await sleep(mediaAt + MEDIA_SILENCE_MS - Date.now(), this.stopped.signal);
          if (Date.now() - mediaAt >= MEDIA_SILENCE_MS) return false;
        }
        await sleep(pause, this.stopped.signal);
        pause = Math.min(2 * pause, 2000);
      }
      return false;
    } finally {
      clearInterval(sampler);
    }
  }

  /**
   * One `claim` of the session on a new connection: `restored`; `gone` when Janus answered but
   * refused (the session timed out, or the token); `refused` when the connection failed; `timeout`
   * when it hung.
   */
  private attempt(): Promise<'restored' | 'gone' | 'refused' | 'timeout'> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (result: 'restored' | 'gone' | 'refused' | 'timeout') => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.attemptSocket = undefined;
        // Only a claimed session keeps its new connection.
        if (result !== 'restored') socket?.abandon();
        resolve(result);
      };
      const timer = setTimeout(() => finish('timeout'), RECLAIM_ATTEMPT_MS);
      lastSocket = undefined;
      this.janus.reconnect({
        success: () => {
          // A claim answered after the call ended (over HTTP, nothing could cancel it): give
          // the session back at once, or janus.js would keep it alive with its long polls.
          if (this.closed) this.janus.destroy({ cleanupHandles: true, notifyDestroyed: false });
          finish('restored');
        },
        error: (error: string) =>
          // Janus's own answers to a claim: 458 "No such session", 403 "Unauthorized request".
          finish(/no such session|unauthori/i.test(error) ? 'gone' : 'refused'),
      });
      // janus.js opens the attempt's WebSocket synchronously inside reconnect().
      const socket = lastSocket as DetachableSocket | undefined;
      this.attemptSocket = socket;
    });
  }

  /** Bytes received on the call's media path so far (-1 without a peer connection). */
  private async mediaBytes(): Promise<number> {
    return receivedBytes(await this.getStats().catch(() => null));
  }

  private onMessage(message: JanusJS.Message, jsep?: JanusJS.JSEP): void {
    const result = (message['result'] ?? {}) as SipResult;
    const errorCode = message['error_code'] as number | undefined;
    if (message.error !== undefined || errorCode !== undefined) {
      this.failWaiters(
        new VoipError(
          'server-error',
          `SIP plugin error ${errorCode ?? ''}: ${String(message.error)}`,
        ),
      );
      return;
    }
    const event = result.event;
    if (jsep && this.handle && (event === 'accepted' || event === 'progress')) {
      this.handle.handleRemoteJsep({ jsep });
    }
    switch (event) {
      case 'registration_failed':
        this.failWaiters(
          new VoipError(
            'server-error',
            `registration failed: ${result.code ?? ''} ${result.reason ?? ''}`,
          ),
        );
        return;
      case 'calling':
        this.emit({ type: 'calling' });
        break;
      case 'ringing':
        this.emit({ type: 'ringing', sipCode: 180 });
        break;
      case 'proceeding':
        if (result.code === 180 || result.code === 183) {
          this.emit({ type: 'ringing', sipCode: result.code });
        }
        break;
      case 'progress':
        // 183 with SDP: the far end's audio plays before the answer.
        this.emit({ type: 'ringing', sipCode: 183, earlyMedia: jsep !== undefined });
        break;
      case 'accepted':
        this.emit({ type: 'accepted' });
        break;
      case 'hangingup':
        // Unasked, this is the plugin hanging up because Janus closed the WebRTC leg (for
        // instance "ICE failed", which may arrive before or after this).
        if (!this.hangupAsked) this.gatewayHangup = true;
        break;
      case 'hangup':
        this.hungUp = true;
        for (const resolve of this.hangupWaiters.splice(0)) resolve();
        this.emit({
          type: 'hangup',
          ...(this.gatewayHangup ? { byGateway: true } : {}),
          ...(typeof result.code === 'number' ? { sipCode: result.code } : {}),
          ...(typeof result.reason === 'string' ? { reason: result.reason } : {}),
        });
        break;
    }
    if (event) this.resolveWaiters(event);
  }

  private send(message: { request: string; [key: string]: unknown }, jsep?: JanusJS.JSEP): void {
    const handle = this.requireHandle();
    handle.send({
      message,
      ...(jsep ? { jsep } : {}),
      error: (error: string) =>
        this.failWaiters(new VoipError('server-error', `${message.request}: ${error}`)),
    });
  }

  /** A promise for the next of `events` from the plugin, rejected on a plugin error or timeout. */
  private expect(events: string[]): Promise<void> {
    return withTimeout(
      new Promise<void>((resolve, reject) => this.waiters.push({ events, resolve, reject })),
      REQUEST_TIMEOUT_MS,
      events.join('/'),
    );
  }

  private resolveWaiters(event: string): void {
    const matched = this.waiters.filter((w) => w.events.includes(event));
    this.waiters = this.waiters.filter((w) => !w.events.includes(event));
    for (const w of matched) w.resolve();
  }

  private failWaiters(error: VoipError): void {
    for (const w of this.waiters.splice(0)) w.reject(error);
  }

  private requireHandle(): JanusJS.PluginHandle {
    if (!this.handle || this.closed) throw new VoipError('failed', 'no SIP plugin handle');
    return this.handle;
  }
}

/** Connects to the first Janus server that answers and registers with its SIP plugin as a guest. */
export const janusConnector: SipConnector = {
  async connect(options: ConnectOptions): Promise<SipSession> {
    await init();
    let session: JanusSipSession | undefined = undefined;
    let ready = false;
    let instance: JanusJS.Janus | undefined;
    const discard = () => instance?.destroy({ cleanupHandles: true, notifyDestroyed: false });
    let janus: JanusJS.Janus;
    try {
      janus = await withTimeout(
        new Promise<JanusJS.Janus>((resolve, reject) => {
          if (options.signal.aborted) throw new VoipError('failed', 'aborted');
          options.signal.addEventListener('abort', () =>
            reject(new VoipError('failed', 'aborted')),
          );
          // janus.js tries the servers in order until one answers.
          const created: JanusJS.Janus = new Janus({
            server: [...options.servers],
            iceServers: [...options.iceServers],
            ...(options.token ? { token: options.token } : {}),
            // The session handles page unload itself (see onPageHide).
            destroyOnUnload: false,
            keepAlivePeriod: KEEPALIVE_MS,
            success: () => resolve(created),
            error: (error: unknown) => {
              if (!ready) reject(janusError(String(error), 'server-unreachable'));
              else session?.interrupted();
            },
          });
          instance = created;
        }),
        CONNECT_TIMEOUT_MS,
        'connect',
        'server-unreachable',
      );
    } catch (error) {
      discard();
      throw error;
    }
    ready = true;
    session = new JanusSipSession(janus, options.onEvent);
    try {
      await session.open(options);
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  },
};

/**
 * A Janus error as a VoipError: refusals for a missing, wrong or expired token (403
 * "Unauthorized request") and for a token that does not list the SIP plugin (405 "Provided
 * token can't access plugin") are `unauthorized`. janus.js puts the code in the text.
 */
function janusError(detail: string, otherwise: 'server-error' | 'server-unreachable'): VoipError {
  const refused = /unauthori[sz]ed|can't access plugin|\b40[35]\b/i.test(detail);
  return new VoipError(refused ? 'unauthorized' : otherwise, detail);
}

/** Resolves after `ms` (at once for 0 or less), or when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  code: 'server-unreachable' | 'server-error' = 'server-error',
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new VoipError(code, `${what}: no answer in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
