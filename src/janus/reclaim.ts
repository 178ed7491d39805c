/**
 * Getting a Janus session back after its WebSocket closed mid-call: Janus's `claim` on a new
 * connection, retried with back-off, telling a dead gateway from a network blip by whether it
 * still relays the call's media (a live Janus keeps relaying the call while its WebSocket is
 * down; a dead one stops both at once).
 */
import type { JanusJS } from 'janus-gateway';
import { sleep } from '../util/time.js';
import { takeLastSocket, type DetachableSocket } from './sockets.js';

/** One attempt to reclaim the session; a network that drops packets leaves it hanging. */
const RECLAIM_ATTEMPT_MS = 3_000;
/**
 * How long the page keeps trying to reclaim the session. Longer than Janus's own window is
 * harmless: Janus then answers that the session is gone.
 */
const RECLAIM_LIMIT_MS = 30_000;
/**
 * The gateway is taken for dead when it refused the connection twice in a row and relayed no
 * media for this long.
 */
const MEDIA_SILENCE_MS = 800;
/** How often the media received is sampled while reclaiming. */
const MEDIA_SAMPLE_MS = 200;

/** The session being reclaimed. */
export interface Reclaimable {
  readonly janus: JanusJS.Janus;
  /** Aborted when the session is closed: reclaiming stops, and its attempt's socket closes. */
  readonly signal: AbortSignal;
  /** Bytes received on the call's media path so far (-1 without a peer connection). */
  mediaBytes(): Promise<number>;
}

/**
 * Whether the session was reclaimed: tries until Janus says the session is gone, the gateway
 * looks dead, the session is closed, or `RECLAIM_LIMIT_MS` passes.
 */
export async function reclaim(session: Reclaimable): Promise<boolean> {
  const { signal } = session;
  const deadline = Date.now() + RECLAIM_LIMIT_MS;
  // When media last arrived, sampled all along.
  let media = await session.mediaBytes();
  let mediaAt = Date.now();
  const sampler = setInterval(() => {
    void session.mediaBytes().then((bytes) => {
      if (bytes !== media) [media, mediaAt] = [bytes, Date.now()];
    });
  }, MEDIA_SAMPLE_MS);
  try {
    let refusals = 0;
    let pause = 250;
    // The session may be closed during any wait (narrowing cannot see that, hence a function).
    const closed = () => signal.aborted;
    while (!closed() && Date.now() < deadline) {
      const result = await attempt(session);
      if (closed()) return false;
      if (result === 'restored') return true;
      if (result === 'gone') return false;
      if (result === 'refused' && navigator.onLine) refusals += 1;
      else refusals = 0;
      if (refusals >= 2) {
        await sleep(mediaAt + MEDIA_SILENCE_MS - Date.now(), signal);
        if (Date.now() - mediaAt >= MEDIA_SILENCE_MS) return false;
      }
      await sleep(pause, signal);
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
function attempt({
  janus,
  signal,
}: Reclaimable): Promise<'restored' | 'gone' | 'refused' | 'timeout'> {
  return new Promise((resolve) => {
    // janus.js opens the attempt's WebSocket synchronously inside reconnect(), below.
    const opened: { socket?: DetachableSocket } = {};
    let done = false;
    const abandon = () => opened.socket?.abandon();
    const finish = (result: 'restored' | 'gone' | 'refused' | 'timeout') => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', abandon);
      // Only a claimed session keeps its new connection.
      if (result !== 'restored') abandon();
      resolve(result);
    };
    const timer = setTimeout(() => finish('timeout'), RECLAIM_ATTEMPT_MS);
    takeLastSocket();
    janus.reconnect({
      success: () => {
        // A claim answered after the call ended (over HTTP, nothing could cancel it): give
        // the session back at once, or janus.js would keep it alive with its long polls.
        if (signal.aborted) janus.destroy({ cleanupHandles: true, notifyDestroyed: false });
        finish('restored');
      },
      error: (error: string) =>
        // Janus's own answers to a claim: 458 "No such session", 403 "Unauthorized request".
        finish(/no such session|unauthori/i.test(error) ? 'gone' : 'refused'),
    });
    opened.socket = takeLastSocket();
    signal.addEventListener('abort', abandon, { once: true });
  });
}
