/**
 * One Janus session attached to the SIP plugin, as a {@link SipSession}: plugin requests in, plugin
 * events out as typed {@link SessionEvent}s. Untyped janus.js messages stop here.
 *
 * It also handles the page going away: janus.js's own unload handling only closes the
 * WebSocket, which a Janus with `reclaim_session_timeout` answers by keeping the call up for that
 * long, so on `pagehide` this session hangs up and destroys itself.
 *
 * One session places one call; with a `keeper` (the connector's, for `preconnect`) a session
 * whose call ended cleanly is kept, registered, for the next call: Janus's SIP plugin makes each
 * new handle wait at least 100 ms for its SIP stack when it registers (it polls for it in
 * 100 ms sleeps), which a kept handle does not pay again.
 */
import type { JanusJS } from 'janus-gateway';
import { VoipError } from '../errors.js';
import { receivedBytes } from '../media/stats.js';
import type {
  CallOptions,
  ConnectOptions,
  DtmfMode,
  SessionEvent,
  SipSession,
  VideoOptions,
} from '../sip/session.js';
import { answerWithin, janusError, REQUEST_TIMEOUT_MS } from './errors.js';
import { reclaim } from './reclaim.js';
import { preferCodecs } from '../sip/codecs.js';
import { settleWithin, unlessAborted } from '../util/time.js';

/** How long `close()` waits for the gateway to confirm the session is destroyed. */
const DESTROY_TIMEOUT_MS = 2_000;
/**
 * How long a session kept for the next call waits for Janus to close the last call's peer
 * connection (its `hangup` event) before it is given up instead. Tests shorten it.
 */
export const keptTiming = { peerClosedMs: 2_000 };
const SIP_PLUGIN = 'janus.plugin.sip';
/** Length of one keypad tone, and the pause between tones (ms): what a desk phone sends. */
const DTMF_DURATION_MS = 160;
const DTMF_GAP_MS = 80;

/** How long a text message may wait for the far end's final answer (SIP timer F is 32 s). */
const DELIVERY_TIMEOUT_MS = 40_000;

/** The plugin's `result` object, as far as this adapter reads it. */
interface SipResult {
  event?: string;
  code?: number;
  reason?: string;
  content?: unknown;
  content_type?: unknown;
  sender?: unknown;
  refer_id?: unknown;
  refer_to?: unknown;
  replaces?: unknown;
}

export class JanusSipSession implements SipSession {
  private handle: JanusJS.PluginHandle | undefined;
  /** The call is over: requests are refused, events no longer reported. */
  private closed = false;
  /** The Janus session is destroyed (or being destroyed). */
  private destroyed = false;
  /** Registered as a guest (`open()` done). */
  private registered = false;
  /** Kept for the next call, between `close()` and `adopt()`. */
  private parked = false;
  /** This call's offer reached Janus: a peer connection there to be closed before the next. */
  private offered = false;
  /** Janus closed the call's peer connection (its `hangup` event: janus.js `webrtcState(false)`). */
  private peerClosed = false;
  private peerClosedWaiters: Array<() => void> = [];
  /** The WebSocket dropped at some point: the session is never kept for another call. */
  private wasInterrupted = false;
  /**
   * Set by the connector (`ConnectOptions.keep`): after a clean end, `close()` hands the session
   * to it with a promise telling whether it may place the next call, instead of destroying it.
   */
  keeper: ((ready: Promise<boolean>) => void) | undefined;
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
  /**
   * Text messages sent and not yet answered, oldest first: the plugin reports deliveries in
   * order and without an id of their own (`messagedelivery`).
   */
  private deliveries: Array<{ resolve: (code: number) => void; reject: (e: VoipError) => void }> =
    [];
  /** Whether the far end holds the call (its last re-INVITE made its media sendonly/inactive). */
  private remoteHold = false;
  /** Set while the session is being reclaimed after the WebSocket closed. */
  private reclaiming = false;
  /** The microphone tracks given to janus.js (it hangs an `ended` handler on each). */
  private readonly sentTracks = new Set<MediaStreamTrack>();
  /** Aborted by `close()`: stops reclaiming, its waits and its attempt's socket. */
  private stopped = new AbortController();
  /** Whether the call allows video (`CallOptions.video`): otherwise the far end's is refused. */
  private video = false;
  /** The voice codecs every offer of the call lists, best first (`CallOptions.codecs`). */
  private codecs: readonly string[] | undefined;

  constructor(
    private readonly janus: JanusJS.Janus,
    private emit: (event: SessionEvent) => void,
    /** janus.js's registry of every session it created (`Janus.sessions`), if it has one. */
    private readonly registry: Map<number, unknown> | undefined,
  ) {
    addEventListener('pagehide', this.onPageHide);
  }

  /**
   * The page is going away (navigation, tab close): hang up and destroy the session now, while
   * the WebSocket can still carry it. Over HTTP, janus.js sends the destroy as a beacon.
   */
  private readonly onPageHide = (): void => {
    if (this.destroyed) return;
    this.destroyed = true;
    const overHttp = !this.janus.getServer().startsWith('ws');
    if (!this.closed) {
      this.hangupAsked = true;
      if (!overHttp && this.handle && !this.hungUp) this.send({ request: 'hangup' });
    }
    this.janus.destroy({ cleanupHandles: true, notifyDestroyed: false, unload: overHttp });
  };

  /**
   * Takes a kept session for a new call: its events go to `emit` from now on. Only after the
   * promise `close()` gave the keeper resolved `true`.
   */
  adopt(emit: (event: SessionEvent) => void): void {
    this.emit = emit;
    this.closed = this.parked = false;
    this.stopped = new AbortController();
    this.hungUp = this.hangupAsked = this.gatewayHangup = this.remoteHold = this.video = false;
    this.offered = this.peerClosed = false;
  }

  /** Sends this session's events to `emit` (a kept session's, while it waits for a call). */
  listen(emit: (event: SessionEvent) => void): void {
    this.emit = emit;
  }

  /** Whether a session opened or kept for a call can still place one. */
  get usable(): boolean {
    return this.registered && !this.destroyed && this.janus.isConnected();
  }

  /** Attaches to the SIP plugin and registers as a guest. */
  async open(options: ConnectOptions): Promise<void> {
    this.handle = await answerWithin(
      new Promise<JanusJS.PluginHandle>((resolve, reject) => {
        // close() while attaching (the visitor gave up) ends the wait at once.
        this.stopped.signal.addEventListener('abort', () =>
          reject(new VoipError('failed', 'session closed')),
        );
        this.janus.attach({
          plugin: SIP_PLUGIN,
          success: resolve,
          error: (error: string) => reject(janusError(`attach: ${error}`, 'server-error')),
          onmessage: (message, jsep) => this.onMessage(message, jsep),
          onremotetrack: (track, _mid, on) => {
            const stream = on && !track.muted ? new MediaStream([track]) : null;
            if (track.kind === 'audio') {
              if (on) this.emit({ type: 'remote-stream', stream: new MediaStream([track]) });
              // janus.js reports a video track when it is created (muted until frames come),
              // when frames flow, and when they stopped for about 2.5 s or the track ended.
            } else if (this.video && (stream || !on)) {
              this.emit({ type: 'remote-video', stream });
            }
          },
          iceState: (state) => this.emit({ type: 'ice-state', state }),
          // Janus gave up on the WebRTC leg: "ICE failed" (other reasons, such as "Close PC",
          // come with a SIP hangup of their own). janus.js passes a reason its types leave out.
          webrtcState: (on: boolean, reason?: string) => {
            if (on) return;
            this.peerClosed = true;
            for (const resolve of this.peerClosedWaiters.splice(0)) resolve();
            if (!this.closed && /ice/i.test(String(reason))) {
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
    this.registered = true;
  }

  async call(uri: string, stream: MediaStream, options: CallOptions = {}): Promise<void> {
    const track = stream.getAudioTracks().at(0);
    if (!track) throw new VoipError('mic-unavailable', 'The microphone stream has no audio track.');
    this.sentTracks.add(track);
    const { video } = options;
    this.video = !!video;
    this.codecs = options.codecs;
    if (video?.track) this.sentTracks.add(video.track);
    // A call that offers video loads how it is sent (a voice call downloads none of it).
    const media = video?.track || video?.offer ? await import('./janus-video.js') : undefined;
    const jsep = await this.offer({
      // The call owns the microphone (a transfer's new session shares it): janus.js must not
      // stop it when this session closes.
      tracks: [
        { type: 'audio', capture: track, recv: true, dontStop: true },
        ...(media ? [media.videoTrack(video?.track)] : []),
      ],
    });
    if (media && video) await media.limitVideo(this.pc, video);
    // Closed (the visitor hung up) while the offer was made: no INVITE now.
    if (this.closed || this.hangupAsked) throw new VoipError('failed', 'session closed');
    const calling = this.expect(['calling']);
    this.offered = true;
    this.send(
      {
        request: 'call',
        uri,
        // The far end's re-INVITEs (hold, resume) come to this page as "updatingcall", so the
        // visitor can be told about a hold; the plugin would otherwise answer them itself.
        autoaccept_reinvites: false,
        ...(options.headers ? { headers: options.headers } : {}),
        ...(options.referId ? { refer_id: options.referId } : {}),
      },
      jsep,
    );
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
    // Right at the answer the browser's tone sender may not be ready yet (the answer's
    // description still being applied): janus.js then fails at once. Wait for it, briefly.
    const sender = this.pc?.getSenders().find((s) => s.track?.kind === 'audio');
    for (
      let waited = 0;
      sender?.dtmf && !sender.dtmf.canInsertDTMF && waited < 2000;
      waited += 50
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise<void>((resolve, reject) => {
      handle.dtmf({
        dtmf: { tones: digits, duration: DTMF_DURATION_MS, gap: DTMF_GAP_MS },
        success: () => resolve(),
        error: (error: string) => reject(new VoipError('failed', `dtmf: ${error}`)),
      });
    });
  }

  async sendMessage(text: string): Promise<number> {
    this.requireHandle();
    const sent = this.expect(['messagesent']);
    let entry!: (typeof this.deliveries)[number];
    const delivered = answerWithin(
      new Promise<number>((resolve, reject) => (entry = { resolve, reject })),
      DELIVERY_TIMEOUT_MS,
      'messagedelivery',
    );
    this.deliveries.push(entry);
    this.send({ request: 'message', content: text });
    try {
      await sent;
    } catch (error) {
      // Not sent: no delivery report will come for it.
      this.deliveries = this.deliveries.filter((d) => d !== entry);
      delivered.catch(() => undefined);
      entry.reject(error as VoipError);
      throw error;
    }
    return delivered;
  }

  async declineTransfer(referId: number): Promise<void> {
    const declined = this.expect(['declining']);
    this.send({ request: 'decline', refer_id: referId, code: 603 });
    await declined;
  }

  async replaceAudioTrack(track: MediaStreamTrack): Promise<void> {
    const handle = this.requireHandle();
    this.sentTracks.add(track);
    await this.whileOpen(
      new Promise<void>((resolve, reject) => {
        handle.replaceTracks({
          tracks: [{ type: 'audio', mid: '0', capture: track, replace: true, dontStop: true }],
          success: () => resolve(),
          error: (error: string) => reject(new VoipError('failed', `replaceTracks: ${error}`)),
        });
      }),
    );
  }

  restartMedia(): Promise<void> {
    return this.update({ iceRestart: true });
  }

  async setVideo(track: MediaStreamTrack | null, options: VideoOptions): Promise<void> {
    const handle = this.requireHandle();
    if (track) this.sentTracks.add(track);
    const video = await import('./janus-video.js');
    await this.whileOpen(
      video.setVideo(
        { handle, pc: () => this.pc, update: (offer) => this.update(offer) },
        track,
        options,
      ),
    );
  }

  /**
   * `work` (janus.js callbacks), or a rejection as soon as the session closes: janus.js leaves an
   * offer or a track replacement unanswered when the handle is torn down under it, and an action
   * of the call must settle when the call ends.
   */
  private whileOpen<T>(work: Promise<T>): Promise<T> {
    return unlessAborted(work, [], this.stopped.signal).catch((error: unknown) => {
      throw this.closed ? new VoipError('failed', 'session closed') : error;
    });
  }

  /**
   * Renegotiates the answered call: a new offer (ICE restart, video on or off) that the plugin
   * answers "updating", sends as a re-INVITE to the SIP side, and whose answer it relays as
   * "accepted" with the new JSEP (handled in onMessage).
   */
  private async update(offer: Partial<JanusJS.OfferParams>): Promise<void> {
    const jsep = await this.offer(offer);
    const answered = this.expect(['accepted']);
    this.send({ request: 'update' }, jsep);
    await answered;
  }

  private offer(params: Partial<JanusJS.OfferParams>): Promise<JanusJS.JSEP> {
    const handle = this.requireHandle();
    const codecs = this.codecs;
    return this.whileOpen(
      new Promise<JanusJS.JSEP>((resolve, reject) => {
        handle.createOffer({
          ...params,
          ...(codecs && {
            customizeSdp: (jsep: JanusJS.JSEP) => {
              if (jsep.sdp) jsep.sdp = preferCodecs(jsep.sdp, codecs);
            },
          }),
          success: resolve,
          error: (error: Error) =>
            reject(new VoipError('failed', `createOffer: ${String(error)}`, { cause: error })),
        });
      }),
    );
  }

  /** The call's peer connection, which janus.js keeps in its untyped per-handle state. */
  private get pc(): RTCPeerConnection | null | undefined {
    return (this.handle?.webrtcStuff as { pc?: RTCPeerConnection | null } | undefined)?.pc;
  }

  async getStats(): Promise<RTCStatsReport | null> {
    const pc = this.pc;
    return pc ? pc.getStats() : null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopped.abort();
    this.failWaiters(new VoipError('failed', 'session closed'), true);
    // janus.js's `ended` handler on each microphone track holds its whole session, and Chromium
    // keeps each getUserMedia result alive for a while after the call: drop the handlers.
    for (const track of this.sentTracks) track.onended = null;
    this.sentTracks.clear();
    const keeper = this.keeper;
    this.keeper = undefined;
    // Kept only after a clean end: the plugin confirmed the hangup (or no call was placed), the
    // gateway did not end it on its own, and the WebSocket never dropped.
    const clean =
      this.registered &&
      !this.destroyed &&
      !this.wasInterrupted &&
      !this.gatewayHangup &&
      (this.hungUp || !this.offered) &&
      this.janus.isConnected();
    if (keeper && clean) {
      this.parked = true;
      keeper(this.afterCall());
      return;
    }
    await this.destroy();
  }

  /**
   * Whether the kept session is ready for another call: once Janus closed the last call's peer
   * connection (a new offer on the handle before that would meet the old one), janus.js's side
   * of it is cleaned up too. Destroyed when that does not come in time.
   */
  private async afterCall(): Promise<boolean> {
    if (this.offered && !this.peerClosed) {
      // Janus closes it on its own only some 0.5 s after the SIP hangup (seen with 1.1.2): asked
      // now, it answers at once. (janus.js cleans up its own side first.)
      this.handle?.hangup(true);
      await settleWithin(
        new Promise<void>((resolve) => this.peerClosedWaiters.push(resolve)),
        keptTiming.peerClosedMs,
      );
    }
    this.handle?.hangup(false);
    if (this.peerClosed || !this.offered) return this.usable;
    await this.destroy();
    return false;
  }

  /** Hangs up the handle locally and destroys the Janus session. Idempotent; never rejects. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    this.closed = true;
    this.stopped.abort();
    removeEventListener('pagehide', this.onPageHide);
    this.handle?.hangup(false);
    const id = this.janus.getSessionId();
    await settleWithin(
      new Promise<void>((done) => {
        try {
          this.janus.destroy({
            cleanupHandles: true,
            notifyDestroyed: false,
            success: done,
            error: () => done(),
          });
        } catch {
          done();
        }
      }),
      DESTROY_TIMEOUT_MS,
    );
    // janus.js keeps every session it ever created in its global `Janus.sessions` map (for its
    // unload handler) and never removes one: without this, each call would stay in memory.
    this.registry?.delete(id);
  }

  /**
   * Called by the connector when the signalling connection breaks after setup: reports the
   * interruption and tries to reclaim the session (the call goes on meanwhile; see reclaim.ts).
   */
  interrupted(): void {
    this.wasInterrupted = true;
    // A kept session is not reclaimed: its listener (the connector) gives it up.
    if (this.parked) this.emit({ type: 'connection-lost' });
    if (this.closed || this.reclaiming) return;
    this.reclaiming = true;
    this.failWaiters(new VoipError('server-unreachable', 'lost connection to the gateway'), true);
    this.emit({ type: 'connection-interrupted' });
    void reclaim({
      janus: this.janus,
      signal: this.stopped.signal,
      mediaBytes: () => this.mediaBytes(),
    }).then((restored) => {
      this.reclaiming = false;
      if (!this.closed) this.emit({ type: restored ? 'connection-restored' : 'connection-lost' });
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
      case 'updatingcall':
        if (jsep) this.answerUpdate(jsep);
        break;
      case 'messagedelivery':
        this.deliveries.shift()?.resolve(typeof result.code === 'number' ? result.code : 0);
        break;
      case 'message':
        if (typeof result.content === 'string' && result.content_type === 'text/plain') {
          this.emit({ type: 'message', text: result.content, sender: String(result.sender) });
        }
        break;
      case 'transfer':
        if (typeof result.refer_id === 'number' && typeof result.refer_to === 'string') {
          this.emit({
            type: 'transfer',
            referId: result.refer_id,
            target: result.refer_to,
            ...(typeof result.replaces === 'string' ? { replaces: result.replaces } : {}),
          });
        }
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

  /**
   * The far end re-INVITEd (hold, resume, a media change): answer its offer on the same peer
   * connection and tell the call when the hold state changed.
   */
  private answerUpdate(offer: JanusJS.JSEP): void {
    const handle = this.requireHandle();
    // The audio section's direction as the far end offers it (Janus keeps it in its offer), or
    // the session's when the section has none.
    const [session = '', ...sections] = (offer.sdp ?? '').split('m=');
    const audio = sections.find((section) => section.startsWith('audio')) ?? '';
    const direction = /a=(sendonly|inactive|recvonly|sendrecv)/;
    const held = /a=(sendonly|inactive)/.test(direction.exec(audio)?.[0] ?? session);
    handle.createAnswer({
      jsep: offer,
      // A voice-only call refuses the video a far end offers (the m-line is answered inactive).
      tracks: this.video ? [] : [{ type: 'video', recv: false, capture: false }],
      success: (answer: JanusJS.JSEP) => {
        this.send({ request: 'update' }, answer);
        if (held !== this.remoteHold) {
          this.remoteHold = held;
          this.emit({ type: 'remote-hold', onHold: held });
        }
      },
      error: (error: unknown) => console.warn('<voip-call-button> re-INVITE not answered:', error),
    });
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
    const answered = answerWithin(
      new Promise<void>((resolve, reject) => this.waiters.push({ events, resolve, reject })),
      REQUEST_TIMEOUT_MS,
      events.join('/'),
    );
    // A request that could not be sent (the session closed meanwhile) leaves its wait unawaited.
    answered.catch(() => undefined);
    return answered;
  }

  private resolveWaiters(event: string): void {
    const matched = this.waiters.filter((w) => w.events.includes(event));
    this.waiters = this.waiters.filter((w) => !w.events.includes(event));
    for (const w of matched) w.resolve();
  }

  /**
   * Rejects the requests waiting for the plugin; with `deliveries`, also the messages sent and
   * waiting for their delivery report (which a plugin error about another request leaves alone).
   */
  private failWaiters(error: VoipError, deliveries = false): void {
    for (const w of this.waiters.splice(0)) w.reject(error);
    if (deliveries) for (const d of this.deliveries.splice(0)) d.reject(error);
  }

  private requireHandle(): JanusJS.PluginHandle {
    if (!this.handle || this.closed) throw new VoipError('failed', 'no SIP plugin handle');
    return this.handle;
  }
}
