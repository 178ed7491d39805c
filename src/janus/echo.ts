/**
 * The gateway half of the pre-call check (preflight/): how fast a Janus answers an information
 * request, and a media path through Janus's EchoTest plugin (the audio sent comes back; no SIP).
 */
import type { JanusJS } from 'janus-gateway';
import { VoipError } from '../errors.js';
import type { EchoTest } from '../sip/session.js';
import { rejectAfter } from '../util/time.js';
import { answerWithin, janusError, REQUEST_TIMEOUT_MS } from './errors.js';

const ECHO_PLUGIN = 'janus.plugin.echotest';
/** How long the echoed audio may take to come back before the media path counts as failed. */
export const echoTiming = { mediaMs: 10_000, probeMs: 5_000 };

/**
 * Time to Janus's `server_info` at one URL, in ms, the connection's set-up included: a WebSocket
 * (`ws:`/`wss:`, Janus's `janus-protocol`) or an HTTP GET of `<server>/info`. Janus answers it
 * without a token.
 */
export function probeJanus(server: string, signal: AbortSignal): Promise<number> {
  const start = performance.now();
  const unreachable = (detail: string) =>
    new VoipError('server-unreachable', `${server}: ${detail}`);
  if (!/^wss?:/i.test(server)) {
    return answerWithin(
      fetch(`${server.replace(/\/+$/, '')}/info`, { cache: 'no-store', signal }).then(
        async (response) => {
          const body = (await response.json().catch(() => null)) as { janus?: unknown } | null;
          if (body?.janus !== 'server_info') throw unreachable(`HTTP ${response.status}`);
          return performance.now() - start;
        },
        () => Promise.reject(unreachable('no answer')),
      ),
      echoTiming.probeMs,
      'info',
      'server-unreachable',
    );
  }
  return answerWithin(
    new Promise<number>((resolve, reject) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(server, 'janus-protocol');
      } catch {
        reject(unreachable('bad URL'));
        return;
      }
      const done = () => socket.close();
      signal.addEventListener('abort', () => (done(), reject(unreachable('cancelled'))), {
        once: true,
      });
      socket.onopen = () => socket.send(JSON.stringify({ janus: 'info', transaction: 'probe' }));
      socket.onmessage = (event: MessageEvent) => {
        const reply = JSON.parse(String(event.data)) as { janus?: unknown };
        done();
        if (reply.janus === 'server_info') resolve(performance.now() - start);
        else reject(unreachable(String(reply.janus)));
      };
      socket.onerror = () => reject(unreachable('no connection'));
      socket.onclose = () => reject(unreachable('closed'));
    }),
    echoTiming.probeMs,
    'info',
    'server-unreachable',
  );
}

/**
 * Attaches the EchoTest plugin to `janus`, sends `stream`'s audio and resolves once the echoed
 * audio comes back. Rejects (after releasing the handle) with `unauthorized` when the token does
 * not allow the plugin, `server-error` when Janus refuses, and `failed` when no audio came back
 * within `echoTiming.mediaMs`.
 */
export async function openEcho(
  janus: JanusJS.Janus,
  stream: MediaStream,
  signal: AbortSignal,
): Promise<EchoTest> {
  const track = stream.getAudioTracks().at(0);
  if (!track) throw new VoipError('failed', 'no audio track to send');
  let handle: JanusJS.PluginHandle | undefined;
  let failed = false;
  let back: () => void = () => undefined;
  let refused: (error: VoipError) => void = () => undefined;
  const echoed = new Promise<void>((resolve, reject) => {
    back = resolve;
    refused = reject;
  });
  echoed.catch(() => undefined); // (raced below; a refusal before that is not unhandled)
  if (signal.aborted) throw new VoipError('failed', 'cancelled');
  const attached = answerWithin(
    new Promise<JanusJS.PluginHandle>((resolve, reject) => {
      janus.attach({
        plugin: ECHO_PLUGIN,
        success: resolve,
        error: (error: string) => reject(janusError(`attach: ${error}`, 'server-error')),
        onmessage: (message: JanusJS.Message, jsep?: JanusJS.JSEP) => {
          if (jsep) handle?.handleRemoteJsep({ jsep });
          const error = (message as { error?: string }).error;
          if (error !== undefined) refused(janusError(error, 'server-error'));
        },
        onremotetrack: (remote: MediaStreamTrack, _mid: string, on: boolean) => {
          if (on && remote.kind === 'audio') back();
        },
        webrtcState: (on: boolean) => {
          if (!on) {
            failed = true;
            refused(new VoipError('failed', 'media path closed'));
          }
        },
      });
    }),
    REQUEST_TIMEOUT_MS,
    'attach',
  );
  const release = async () => {
    const held = handle;
    handle = undefined;
    if (held)
      await new Promise<void>((done) => held.detach({ success: done, error: () => done() }));
  };
  const test: EchoTest = {
    getStats: async () => {
      const pc = (handle?.webrtcStuff as { pc?: RTCPeerConnection | null } | undefined)?.pc;
      return pc ? pc.getStats() : null;
    },
    get failed() {
      return failed;
    },
    close: () => release().catch(() => undefined),
  };
  const stop = () => refused(new VoipError('failed', 'cancelled'));
  signal.addEventListener('abort', stop, { once: true });
  try {
    handle = await attached;
    const jsep = await new Promise<JanusJS.JSEP>((resolve, reject) =>
      handle?.createOffer({
        tracks: [
          { type: 'audio', capture: track, recv: true, dontStop: true },
          { type: 'video', capture: false, recv: false },
        ],
        success: resolve,
        error: (error: Error) => reject(new VoipError('failed', `createOffer: ${String(error)}`)),
      }),
    );
    // (The EchoTest plugin takes its settings with no `request` name, which janus.js's types want.)
    handle.send({ message: { audio: true, video: false } as unknown as { request: string }, jsep });
    await rejectAfter(
      echoed,
      echoTiming.mediaMs,
      () => new VoipError('failed', `no echo in ${echoTiming.mediaMs} ms`),
    );
    return test;
  } catch (error) {
    failed = true;
    await test.close();
    throw error;
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
