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
import type { ConnectOptions, SipConnector, SipSession } from '../sip/session.js';
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
 * How long a session opened ahead of a call (`preconnect`) waits for one before it is closed.
 * Tests shorten it.
 */
export const preconnectTiming = { idleMs: 30_000 };

/** What opening a gateway session needs (a call's ConnectOptions, or a preconnect's). */
type GatewayOptions = Pick<ConnectOptions, 'servers' | 'iceServers' | 'token'>;

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

/** A session opened ahead of a call, for the next call to the same gateways with the same token. */
interface Warm extends Opening {
  readonly key: string;
  timer: ReturnType<typeof setTimeout>;
}

/** Sessions are shared between calls with the same gateways (in any order) and token. */
const keyOf = (options: GatewayOptions) =>
  JSON.stringify([[...options.servers].sort(), options.token ?? '']);

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

  /** Opens a gateway session (janus.js tries the servers in order until one answers). */
  const open = (Janus: JanusLib, options: GatewayOptions): Opening => {
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

  /** The session a preconnect opened and no call has taken yet. */
  let warm: Warm | undefined;
  const dropWarm = () => {
    if (!warm) return;
    clearTimeout(warm.timer);
    removeEventListener('pagehide', dropWarm);
    warm.discard();
    warm = undefined;
  };
  /** The warm session, taken by a call to the same gateways with the same token. */
  const takeWarm = (key: string): Opening | undefined => {
    const taken = warm?.key === key ? warm : undefined;
    if (!taken) return undefined;
    clearTimeout(taken.timer);
    removeEventListener('pagehide', dropWarm);
    taken.holder.lost = undefined;
    warm = undefined;
    return taken;
  };

  return {
    preconnect(options: GatewayOptions): void {
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
        opening.janus.catch(() => undefined);
        // Lost before a call took it: closed, and the next call opens its own.
        opening.holder.lost = () => warm?.janus === opening.janus && dropWarm();
        warm = { ...opening, key, timer: setTimeout(dropWarm, preconnectTiming.idleMs) };
        addEventListener('pagehide', dropWarm);
      });
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
      const opening = takeWarm(keyOf(options)) ?? open(lib, options);
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
        const registry = (lib as unknown as { sessions?: Map<number, unknown> }).sessions;
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
      return opened;
    },
  };
}
