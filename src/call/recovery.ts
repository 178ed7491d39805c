/**
 * Recovery of an answered call: watches the media path (media/media-watch.ts decides, this
 * module samples it and acts), restarts ICE while it is broken, and moves the call between
 * `in-call` and `reconnecting` as the gateway connection and the media path break and come back.
 * Owns its sampling timer; `stop()` clears it, and drops samples still in flight. The call
 * reports gateway events here only until it has an outcome.
 */
import type { CallHost } from '../call-contract.js';
import type { CallInput } from '../call-state.js';
import { createVoipEvent, type ReconnectCause } from '../events.js';
import { MediaWatch, mediaTiming } from '../media/media-watch.js';
import { receivedBytes } from '../media/stats.js';
import type { SipSession } from '../sip/session.js';

/** What recovery needs of its call. */
export interface RecoveringCall {
  readonly host: CallHost;
  readonly session: SipSession | undefined;
  readonly onHold: boolean;
  readonly remoteHold: boolean;
  /** Feeds the call's state machine. */
  move(input: CallInput): void;
}

export class Recovery {
  /** The browser's ICE connection state of the media path. */
  iceState = 'new';
  private watch: MediaWatch | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private signalingDown = false;
  private restarting = false;
  private stopped = false;
  /** Why and since when the call is reconnecting. */
  private cause: ReconnectCause = 'media';
  private since = 0;

  constructor(
    private readonly call: RecoveringCall,
    /** The media path did not come up, or not back in time: the call ends (`media-failed`). */
    private readonly failed: () => void,
  ) {}

  /** Whether the media path never came up or is broken now (why a gateway would hang up). */
  get mediaBroken(): boolean {
    return !this.watch?.up || this.watch.down;
  }

  /** The call was answered at `answeredAt` (`performance.now()`): starts watching its media. */
  start(answeredAt: number): void {
    clearInterval(this.timer); // a transfer's target answered: watch its media path anew
    const watch = (this.watch = new MediaWatch(answeredAt));
    this.timer = setInterval(() => {
      void this.call.session?.getStats().then((report) => {
        if (this.stopped) return;
        // Either side holding the call means no media is expected from the far end.
        const held = this.call.onHold || this.call.remoteHold;
        switch (watch.next(performance.now(), receivedBytes(report), this.iceState, held)) {
          case 'broke':
            this.interrupt('media');
            this.restartIce();
            break;
          case 'restart':
            this.restartIce();
            break;
          case 'recovered':
            this.recoverIfWhole();
            break;
          case 'failed':
            this.failed();
            break;
          case 'none':
            break;
        }
      });
    }, mediaTiming.checkMs);
  }

  /** The gateway connection broke; the session is being reclaimed. */
  signalingLost(): void {
    this.signalingDown = true;
    this.interrupt('signaling');
  }

  /** The gateway connection is back, with the same session and call. */
  signalingRestored(): void {
    this.signalingDown = false;
    // A media path that broke meanwhile could not be restarted without signalling.
    if (this.watch?.down) this.restartIce();
    this.recoverIfWhole();
  }

  /** Stops watching for now (a transfer is followed); `start()` watches again. */
  pause(): void {
    clearInterval(this.timer);
  }

  /** Stops watching; the call is over. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Reports the call as reconnecting (once, whatever broke first). */
  private interrupt(cause: ReconnectCause): void {
    const { host } = this.call;
    if (host.state !== 'in-call') return;
    this.cause = cause;
    this.since = performance.now();
    this.call.move('interrupted');
    host.emit(createVoipEvent('voip-reconnecting', { cause }));
  }

  /** Back to `in-call` once both the gateway connection and the media path are up. */
  private recoverIfWhole(): void {
    const { host } = this.call;
    if (host.state !== 'reconnecting') return;
    if (this.signalingDown || this.watch?.down) return;
    this.call.move('recovered');
    host.emit(
      createVoipEvent('voip-reconnected', {
        cause: this.cause,
        downtimeMs: Math.round(performance.now() - this.since),
      }),
    );
  }

  /** ICE restart (the gateway renegotiates the media path); never while signalling is down. */
  private restartIce(): void {
    const session = this.call.session;
    if (this.restarting || this.signalingDown || !session) return;
    this.restarting = true;
    this.watch?.restarted(performance.now());
    session
      .restartMedia()
      .catch((error: unknown) => console.warn('<voip-call-button> ICE restart failed:', error))
      .finally(() => (this.restarting = false));
  }
}
