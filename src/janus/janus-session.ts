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
 * - when the server dies it only calls the session `error` callback; the call is ended from here.
 */
import Janus, { type JanusJS } from 'janus-gateway';
import { detectBrowser } from 'webrtc-adapter/src/js/utils.js';
import { VoipError } from '../errors.js';
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
const SIP_PLUGIN = 'janus.plugin.sip';
/** Length of one keypad tone, and the pause between tones (ms): what a desk phone sends. */
const DTMF_DURATION_MS = 160;
const DTMF_GAP_MS = 80;

let initialized: Promise<void> | undefined;

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
      dependencies: Janus.useDefaultDependencies({
        adapter: { browserDetails: detectBrowser(window) },
      }),
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
  private hangupWaiters: Array<() => void> = [];

  constructor(
    private readonly janus: JanusJS.Janus,
    private readonly emit: (event: SessionEvent) => void,
  ) {}

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
    if (this.hungUp || this.closed || !this.handle) return Promise.resolve();
    const confirmed = new Promise<void>((resolve) => this.hangupWaiters.push(resolve));
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
    await new Promise<void>((resolve, reject) => {
      handle.replaceTracks({
        tracks: [{ type: 'audio', mid: '0', capture: track, replace: true }],
        success: () => resolve(),
        error: (error: string) => reject(new VoipError('failed', `replaceTracks: ${error}`)),
      });
    });
  }

  async getStats(): Promise<RTCStatsReport | null> {
    // janus.js keeps the peer connection in its untyped per-handle state.
    const pc = (this.handle?.webrtcStuff as { pc?: RTCPeerConnection | null } | undefined)?.pc;
    return pc ? pc.getStats() : null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failWaiters(new VoipError('failed', 'session closed'));
    this.handle?.hangup(false);
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
  }

  /** Called by the connector when the gateway connection breaks after setup. */
  lost(): void {
    if (this.closed) return;
    this.failWaiters(new VoipError('server-unreachable', 'lost connection to the gateway'));
    this.emit({ type: 'connection-lost' });
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
      case 'hangup':
        this.hungUp = true;
        for (const resolve of this.hangupWaiters.splice(0)) resolve();
        this.emit({
          type: 'hangup',
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
            destroyOnUnload: true,
            success: () => resolve(created),
            error: (error: unknown) => {
              if (!ready) reject(janusError(String(error), 'server-unreachable'));
              else session?.lost();
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
