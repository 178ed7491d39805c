/**
 * The Janus connector over a janus.js library given to it (the real one in `index.ts`, a fake
 * in unit tests): connects to the first server that answers, attaches to the SIP plugin and
 * registers as a guest.
 *
 * janus.js quirks handled here (see README, "Browser support and packaging notes"):
 * - it never imports webrtc-adapter itself, so `index.ts` passes the browser details in;
 * - its module is a UMD wrapper whose default export is `undefined` on pages with an AMD
 *   `define`; the CDN build strips that branch, and this module checks for it anyway;
 * - it defaults to a public STUN server, so ICE servers are always passed (the element's
 *   `iceServers`, none by default);
 * - when the WebSocket closes it only calls the session `error` callback: the session then
 *   tries to reclaim itself (reclaim.ts).
 */
import type JanusLibrary from 'janus-gateway';
import type { JanusJS } from 'janus-gateway';
import { VoipError } from '../errors.js';
import type {
  ConnectOptions,
  EchoOptions,
  EchoTest,
  PreconnectOptions,
  SessionEvent,
  SipConnector,
  SipSession,
} from '../sip/session.js';
import { unlessAborted } from '../util/time.js';
import { answerWithin, janusError } from './errors.js';
import { JanusSipSession } from './sip-session.js';
import { newSocket } from './sockets.js';

/** The janus.js library: its `Janus` class with its static members. */
export type JanusLib = typeof JanusLibrary;

/** Gives up connecting to the gateway (all servers) after this long. */
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * How often janus.js sends a keepalive (its default is 25 s). Janus counts a session's reclaim
 * window from its last request, so a short period keeps most of that window for a reconnect.
 */
const KEEPALIVE_MS = 10_000;

/**
 * How long a session kept for a call (opened ahead of it by `preconnect`, or kept after the last
 * one) waits for one before it is closed. Tests shorten it.
 */
export const preconnectTiming = { idleMs: 30_000 };

/** Who hears of a gateway session's lost WebSocket: its SIP session once made, else the opener. */
interface Holder {
  session?: JanusSipSession;
  lost?: () => void;
}

/** A gateway session being opened: resolves once Janus made it; `discard` gives it up. */
interface Opening {
  readonly janus: Promise<JanusJS.Janus>;
  readonly holder: Holder;
  discard(): void;
}

/**
 * A registered session kept for the next call with the same options: opened ahead of it
 * (`preconnect`) or kept after the last call (`ConnectOptions.keep`).
 */
interface Warm {
  readonly key: string;
  /** Resolves once it can place a call; rejects when it cannot. */
  readonly session: Promise<JanusSipSession>;
  readonly discard: () => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Sessions are shared between calls with the same gateways (in any order), token and guest
 * identity (what the registration holds).
 */
const keyOf = (options: PreconnectOptions) =>
  JSON.stringify([
    [...options.servers].sort(),
    options.token ?? '',
    options.sipDomain,
    options.displayName ?? '',
  ]);

/** A kept session's listener: its WebSocket dropping gives it up (`lost`), not reclaimed. */
const dropOnLoss = (lost: () => void) => (event: SessionEvent) => {
  if (event.type === 'connection-interrupted' || event.type === 'connection-lost') lost();
};

/** A connector over `lib`; `browserDetails` is what webrtc-adapter would tell janus.js. */
export function createJanusConnector(
  lib: JanusLib | undefined,
  browserDetails: unknown,
): SipConnector {
  let initialized: Promise<void> | undefined;
  const init = (Janus: JanusLib) =>
    (initialized ??= new Promise((resolve) =>
      Janus.init({
        debug: false,
        dependencies: {
          ...Janus.useDefaultDependencies({ adapter: { browserDetails } }),
          newWebSocket: newSocket,
        },
        callback: () => resolve(),
      }),
    ));
  const registry = (lib as unknown as { sessions?: Map<number, unknown> } | undefined)?.sessions;

  /** Opens a gateway session (janus.js tries the servers in order until one answers). */
  const open = (
    Janus: JanusLib,
    options: Pick<PreconnectOptions, 'servers' | 'iceServers' | 'token'>,
  ): Opening => {
    const holder: Holder = {};
    let instance: JanusJS.Janus | undefined;
    /** Given up (aborted, timed out, unused): a session Janus creates after that is destroyed. */
    let gaveUp = false;
    const destroy = () => instance?.destroy({ cleanupHandles: true, notifyDestroyed: false });
    const janus = new Promise<JanusJS.Janus>((resolve, reject) => {
      const created: JanusJS.Janus = new Janus({
        server: [...options.servers],
        iceServers: [...options.iceServers],
        ...(options.token ? { token: options.token } : {}),
        // The session handles page unload itself (see JanusSipSession's onPageHide).
        destroyOnUnload: false,
        keepAlivePeriod: KEEPALIVE_MS,
        success: () => (gaveUp ? destroy() : resolve(created)),
        error: (error: unknown) => {
          if (holder.session) holder.session.interrupted();
          else {
            holder.lost?.();
            reject(janusError(String(error), 'server-unreachable'));
          }
        },
      });
      instance = created;
    });
    return {
      janus,
      holder,
      discard: () => {
        gaveUp = true;
        destroy();
      },
    };
  };

  /** The session kept for the next call, if any. */
  let warm: Warm | undefined;
  const dropWarm = () => {
    if (!warm) return;
    clearTimeout(warm.timer);
    removeEventListener('pagehide', dropWarm);
    warm.discard();
    warm = undefined;
  };
  /** Keeps `session` (registered, or about to be) for the next call with the same `key`. */
  const keepWarm = (key: string, session: Promise<JanusSipSession>, discard: () => void) => {
    dropWarm();
    session.catch(() => undefined);
    const entry: Warm = {
      key,
      session,
      discard,
      timer: setTimeout(dropWarm, preconnectTiming.idleMs),
    };
    warm = entry;
    addEventListener('pagehide', dropWarm);
    return () => warm === entry && dropWarm();
  };
  /** The kept session, taken by a call with the same key. */
  const takeWarm = (key: string): Warm | undefined => {
    const taken = warm?.key === key ? warm : undefined;
    if (!taken) return undefined;
    clearTimeout(taken.timer);
    removeEventListener('pagehide', dropWarm);
    warm = undefined;
    return taken;
  };
  /** A call's session that hands itself back after a clean end (`ConnectOptions.keep`). */
  const keepAfterCall = (session: JanusSipSession, options: ConnectOptions) => {
    if (!options.keep) return;
    session.keeper = (ready) => {
      const lost = keepWarm(
        keyOf(options),
        ready.then((ok) => {
          if (!ok) throw new VoipError('failed', 'not kept');
          return session;
        }),
        () => void session.destroy(),
      );
      // Its WebSocket dropping while it waits: given up.
      session.listen(dropOnLoss(lost));
    };
  };

  return {
    preconnect(options: PreconnectOptions): void {
      if (typeof lib !== 'function') return;
      const key = keyOf(options);
      if (warm?.key === key) {
        // Still wanted: it waits its full time again.
        clearTimeout(warm.timer);
        warm.timer = setTimeout(dropWarm, preconnectTiming.idleMs);
        return;
      }
      dropWarm();
      void init(lib).then(() => {
        if (warm) return; // another preconnect (or a call) came meanwhile
        const opening = open(lib, options);
        let made: JanusSipSession | undefined;
        const session = opening.janus.then(async (janus) => {
          made = new JanusSipSession(janus, dropOnLoss(lost), registry);
          opening.holder.session = made;
          try {
            await made.open({ ...options, signal: new AbortController().signal, onEvent: () => 0 });
          } catch (error) {
            await made.destroy();
            throw error;
          }
          return made;
        });
        const lost = keepWarm(key, session, () => {
          if (made) void made.destroy();
          else opening.discard();
        });
        // Lost before Janus made the session: closed, and the next call opens its own.
        opening.holder.lost = lost;
      });
    },

    // The pre-call check's parts are a chunk of their own (a call never loads them).
    probe: (server, signal) => import('./echo.js').then((echo) => echo.probeJanus(server, signal)),

    async echoTest(options: EchoOptions): Promise<EchoTest> {
      if (typeof lib !== 'function') throw new VoipError('load-failed', 'janus-gateway not loaded');
      await init(lib);
      const opening = open(lib, options);
      const giveUp = () => opening.discard();
      options.signal.addEventListener('abort', giveUp, { once: true });
      try {
        const janus = await answerWithin(
          opening.janus,
          CONNECT_TIMEOUT_MS,
          'connect',
          'server-unreachable',
        );
        const { openEcho } = await import('./echo.js');
        const echo = await openEcho(janus, options.stream, options.signal);
        return {
          getStats: () => echo.getStats(),
          get failed() {
            return echo.failed;
          },
          close: async () => {
            await echo.close();
            opening.discard();
          },
        };
      } catch (error) {
        opening.discard();
        throw error;
      } finally {
        options.signal.removeEventListener('abort', giveUp);
      }
    },

    async connect(options: ConnectOptions): Promise<SipSession> {
      if (typeof lib !== 'function') {
        throw new VoipError(
          'load-failed',
          'janus-gateway did not load (an AMD "define" on the page hides it).',
        );
      }
      await init(lib);
      const aborted = () => new VoipError('failed', 'aborted');
      // (A function: the signal may be aborted during any wait below.)
      const stopped = () => options.signal.aborted;
      if (stopped()) throw aborted();
      const taken = takeWarm(keyOf(options));
      if (taken) {
        try {
          const kept = await answerWithin(
            unlessAborted(taken.session, [], options.signal),
            CONNECT_TIMEOUT_MS,
            'connect',
            'server-unreachable',
          );
          if (!kept.usable) throw new VoipError('failed', 'kept session gone');
          kept.adopt(options.onEvent);
          keepAfterCall(kept, options);
          return kept;
        } catch {
          taken.discard();
          if (stopped()) throw aborted();
          // Gone meanwhile (its WebSocket dropped, Janus refused it): the call opens its own.
        }
      }
      const opening = open(lib, options);
      let session: JanusSipSession;
      try {
        const janus = await answerWithin(
          new Promise<JanusJS.Janus>((resolve, reject) => {
            options.signal.addEventListener('abort', () => reject(aborted()), { once: true });
            opening.janus.then(resolve, reject);
          }),
          CONNECT_TIMEOUT_MS,
          'connect',
          'server-unreachable',
        );
        session = new JanusSipSession(janus, options.onEvent, registry);
        opening.holder.session = session;
      } catch (error) {
        opening.discard();
        throw error;
      }
      // Giving up while attaching or registering closes the session at once.
      const opened = session;
      const giveUp = () => void opened.close();
      options.signal.addEventListener('abort', giveUp, { once: true });
      try {
        if (options.signal.aborted) throw aborted();
        await opened.open(options);
      } catch (error) {
        await opened.close();
        throw error;
      } finally {
        options.signal.removeEventListener('abort', giveUp);
      }
      keepAfterCall(opened, options);
      return opened;
    },
  };
}
