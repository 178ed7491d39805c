/**
 * A Janus session for the adapter's unit tests: connected through the real connector
 * (src/janus/connector.ts) over a new fake janus.js, with every event it reports recorded.
 */
import { createJanusConnector } from '../../src/janus/connector.js';
import type { SessionEvent } from '../../src/sip/session.js';
import {
  createFakeJanus,
  defaultReplies,
  type FakeJanusScript,
  type PluginReply,
} from './fake-janus.js';

/** What webrtc-adapter would tell janus.js about the browser. */
export const BROWSER = { browser: 'chrome', version: 150 };

/** Connects (guest registration included); `replies` replace the plugin's usual answers. */
export async function connectFakeSession(
  replies: Record<string, readonly PluginReply[]> = {},
  script: Partial<FakeJanusScript> = {},
) {
  const { lib, fake } = createFakeJanus({
    ...script,
    replies: { ...defaultReplies(), ...replies },
  });
  const events: SessionEvent[] = [];
  const session = await createJanusConnector(lib, BROWSER).connect({
    servers: ['ws://127.0.0.1:8188/'],
    sipDomain: '127.0.0.1:5060',
    iceServers: [],
    signal: new AbortController().signal,
    onEvent: (event) => events.push(event),
  });
  return { session, events, fake };
}
