/**
 * The time limits of one call, each a timer this module owns: how long it may ring
 * (`ring-timeout`), and how long it may last (`max-duration`, or until shortly before its Janus
 * token expires). When one runs out it calls `expire` with the reason; `clear()` stops them all.
 */
import type { EndReason } from '../errors.js';

/** How long an unanswered call rings before the element cancels it (`ring-timeout`). */
const DEFAULT_RING_TIMEOUT_MS = 60_000;

export class CallLimits {
  private ringTimer: ReturnType<typeof setTimeout> | undefined;
  private endTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the call must end (epoch ms); -1 once cleared, which no later limit can beat. */
  private endAt = Infinity;

  constructor(
    private readonly ringTimeoutMs: number | undefined,
    private readonly expire: (reason: EndReason) => void,
  ) {}

  /** The INVITE is out: nobody answering ends the call after the ring timeout. */
  ringing(): void {
    if (this.endAt < 0) return;
    this.ringTimer ??= setTimeout(
      () => this.expire('no-answer'),
      this.ringTimeoutMs ?? DEFAULT_RING_TIMEOUT_MS,
    );
  }

  /** The far end answered (a transfer's target rings anew). */
  answered(): void {
    clearTimeout(this.ringTimer);
    this.ringTimer = undefined;
  }

  /** The call must end by `at` (epoch ms); the earliest of several limits wins. */
  endBy(at: number): void {
    // A timer further away than setTimeout can count (24.8 days) would fire at once: a limit
    // over 23 days away is none.
    if (at >= this.endAt || at - Date.now() > 2e9) return;
    this.endAt = at;
    clearTimeout(this.endTimer);
    this.endTimer = setTimeout(() => this.expire('max-duration'), Math.max(0, at - Date.now()));
  }

  /** Stops every timer; later calls do nothing. */
  clear(): void {
    this.endAt = -1;
    clearTimeout(this.ringTimer);
    clearTimeout(this.endTimer);
  }
}

/** A setting in seconds (an attribute's text) in ms; `undefined` unless a positive number. */
export function toMs(seconds: string | null): number | undefined {
  const ms = Number(seconds) * 1000;
  return ms > 0 ? ms : undefined;
}
