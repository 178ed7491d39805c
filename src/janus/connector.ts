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
  return {
    async connect(options: ConnectOptions): Promise<SipSession> {
      if (typeof lib !== 'function') {
        throw new VoipError(
          'load-failed',
          'janus-gateway did not load (an AMD "define" on the page hides it).',
        );
      }
      await init(lib);
      let session: JanusSipSession | undefined;
      let instance: JanusJS.Janus | undefined;
      /** Given up (aborted, timed out): a session Janus creates after that is destroyed. */
      let gaveUp = false;
      const discard = () => instance?.destroy({ cleanupHandles: true, notifyDestroyed: false });
      const aborted = () => new VoipError('failed', 'aborted');
      try {
        const janus = await answerWithin(
          new Promise<JanusJS.Janus>((resolve, reject) => {
            if (options.signal.aborted) throw aborted();
            options.signal.addEventListener('abort', () => reject(aborted()), { once: true });
            // janus.js tries the servers in order until one answers.
            const created: JanusJS.Janus = new lib({
              server: [...options.servers],
              iceServers: [...options.iceServers],
              ...(options.token ? { token: options.token } : {}),
              // The session handles page unload itself (see JanusSipSession's onPageHide).
              destroyOnUnload: false,
              keepAlivePeriod: KEEPALIVE_MS,
              success: () => (gaveUp ? discard() : resolve(created)),
              error: (error: unknown) => {
                if (!session) reject(janusError(String(error), 'server-unreachable'));
                else session.interrupted();
              },
            });
            instance = created;
          }),
          CONNECT_TIMEOUT_MS,
          'connect',
          'server-unreachable',
        );
        const registry = (lib as unknown as { sessions?: Map<number, unknown> }).sessions;
        session = new JanusSipSession(janus, options.onEvent, registry);
      } catch (error) {
        gaveUp = true;
        discard();
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
