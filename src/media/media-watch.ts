/**
 * The media watchdog of an answered call, as pure decisions: fed one sample of the media path
 * at a time (when, bytes received so far, the ICE connection state, whether the call is on
 * hold), it says what to do. The call (call/recovery.ts) takes the samples from the peer connection and
 * acts: reports the call as reconnecting, restarts ICE, ends it as `media-failed`.
 *
 * ```
 *  answered ──(ICE up)──► up ──(ICE down, or no bytes for stallMs off hold)──► down
 *     │                    ▲                                                    │
 *     │ connectMs          └──────────────(ICE up and bytes again)──────────────┤
 *     ▼                                                                         │ recoveryMs
 *  failed ◄──────────────────────────────────────────────────────────────────────┘
 * ```
 */

/** How the media path is watched, in ms. @internal Unit tests shorten these. */
export const mediaTiming = {
  /** How often the call samples the media path. */
  checkMs: 500,
  /** After the answer, the media path must be up within this long, or the call ends. */
  connectMs: 10_000,
  /** No media received for this long (not on hold) means the media path broke. */
  stallMs: 2000,
  /**
   * A broken media path must come back within this long, or the call ends: about 15 s after
   * the break in all, before a PBX's own RTP timeout would hang up (often 20-60 s).
   */
  recoveryMs: 12_000,
  /** While the media path is broken, ICE is restarted this often. */
  restartEveryMs: 5000,
};

/** What the call should do after a sample. */
export type MediaAction =
  /** Nothing new. */
  | 'none'
  /** The media path just broke: report the call as reconnecting and restart ICE. */
  | 'broke'
  /** Still broken: restart ICE again. */
  | 'restart'
  /** The media path is back. */
  | 'recovered'
  /** It never came up, or did not come back in time: end the call (`media-failed`). */
  | 'failed';

export class MediaWatch {
  /** Whether the media path has been up since the answer. */
  up = false;
  /** Whether the media path is broken now. */
  down = false;
  private bytes = -1;
  private bytesAt: number;
  private held = false;
  private downSince = 0;
  private lastRestart = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly answeredAt: number,
    private readonly timing: Omit<typeof mediaTiming, 'checkMs'> = mediaTiming,
  ) {
    this.bytesAt = answeredAt;
  }

  /**
   * The action for a sample taken at `now` (ms, the clock of `answeredAt`): the bytes received
   * on the media path so far, the browser's ICE connection state, and whether the call is on
   * hold (the far end then sends nothing, so silence is no sign of a break).
   */
  next(now: number, bytes: number, ice: string, held: boolean): MediaAction {
    // The silence is timed from the last new byte count, or from when silence began to count:
    // the media path coming up, the call coming off hold.
    const resumed = this.held && !held;
    this.held = held;
    if (bytes !== this.bytes || resumed) [this.bytes, this.bytesAt] = [bytes, now];
    const iceUp = ice === 'connected' || ice === 'completed';
    if (!this.up) {
      if (!iceUp) return now - this.answeredAt > this.timing.connectMs ? 'failed' : 'none';
      this.up = true;
      this.bytesAt = now;
      return 'none';
    }
    const broken = !iceUp || (!held && now - this.bytesAt >= this.timing.stallMs);
    if (!broken) {
      if (!this.down) return 'none';
      this.down = false;
      return 'recovered';
    }
    if (!this.down) {
      this.down = true;
      this.downSince = now;
      return 'broke';
    }
    if (now - this.downSince >= this.timing.recoveryMs) return 'failed';
    return now - this.lastRestart >= this.timing.restartEveryMs ? 'restart' : 'none';
  }

  /** Records an ICE restart made at `now`. */
  restarted(now: number): void {
    this.lastRestart = now;
  }
}
