/**
 * The baseline of `npm run bench`: the least a developer writes from janus.js's SIP demo, with
 * the same janus-gateway (and webrtc-adapter) the SDK bundles, loaded with the page. One Janus
 * session per page, registered as a guest once; each call: an offer with the microphone, then
 * `call`. bench/versus-raw.ts bundles it with esbuild and serves it on the demo page's origin.
 * Not part of the SDK.
 */
import Janus from 'janus-gateway';
import adapter from 'webrtc-adapter';
import type { JanusJS } from 'janus-gateway';

interface RawOptions {
  server: string;
  uri: string;
  /** The SIP identity the guest registers with. */
  username: string;
}

declare global {
  interface Window {
    /** Places a call; resolves with ms from the start to the answer (`accepted`). */
    rawCall(options: RawOptions): Promise<number>;
    /** Hangs up the call; resolves once the plugin says it is over. */
    rawHangup(): Promise<void>;
  }
}

let session: Promise<JanusJS.PluginHandle> | undefined;
let token: Promise<string> | undefined;
/** What the next plugin event resolves. */
const waiting = new Map<string, (jsep?: JanusJS.JSEP) => void>();

function open(options: RawOptions): Promise<JanusJS.PluginHandle> {
  return new Promise((resolve, reject) => {
    Janus.init({
      debug: false,
      dependencies: Janus.useDefaultDependencies({ adapter }),
      callback: () => {
        token ??= fetch('/token')
          .then((r) => r.json())
          .then((body: { token: string }) => body.token);
        void token.then((value) => {
          const janus = new Janus({
            server: options.server,
            token: value,
            iceServers: [],
            success: () =>
              janus.attach({
                plugin: 'janus.plugin.sip',
                success: (handle) => {
                  waiting.set('registered', () => resolve(handle));
                  handle.send({
                    message: { request: 'register', type: 'guest', username: options.username },
                  });
                },
                error: reject,
                onmessage: (message, jsep) => {
                  const event = (message['result'] as { event?: string } | undefined)?.event;
                  if (message['error']) reject(new Error(String(message['error'])));
                  const done = event ? waiting.get(event) : undefined;
                  if (event && done) {
                    waiting.delete(event);
                    done(jsep);
                  }
                },
                onremotetrack: () => undefined,
                // The peer connection is gone (after handle.hangup()).
                oncleanup: () => {
                  const done = waiting.get('cleanup');
                  waiting.delete('cleanup');
                  done?.();
                },
              }),
            error: reject,
          });
        });
      },
    });
  });
}

window.rawCall = async (options) => {
  const started = performance.now();
  const handle = await (session ??= open(options));
  return new Promise((resolve, reject) => {
    // A bench must not hang on one call: one not answered in 20 s fails the run.
    setTimeout(() => reject(new Error('raw call: no answer in 20 s')), 20_000);
    waiting.set('accepted', (jsep) => {
      if (jsep) handle.handleRemoteJsep({ jsep });
      resolve(performance.now() - started);
    });
    handle.createOffer({
      tracks: [{ type: 'audio', capture: true, recv: true }],
      success: (jsep: JanusJS.JSEP) =>
        handle.send({ message: { request: 'call', uri: options.uri }, jsep }),
      error: reject,
    });
  });
};

window.rawHangup = async () => {
  const handle = await session;
  await new Promise<void>((resolve) => {
    waiting.set('hangup', () => resolve());
    handle?.send({ message: { request: 'hangup' } });
  });
  // Wait until the peer connection is cleaned up: janus.js's hangup() also tells Janus, and
  // that request, arriving after the next call started, would end (CANCEL) that call.
  // (At most 2 s: Janus may have cleaned it up already, on its own hangup.)
  await new Promise<void>((resolve) => {
    waiting.set('cleanup', () => resolve());
    setTimeout(resolve, 2000);
    handle?.hangup();
  });
};
