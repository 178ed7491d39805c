/**
 * The text conversation, an in-call capability in a chunk of its own, loaded for every call:
 * `sendMessage()` sends a SIP MESSAGE in the answered call, incoming `message` events are shown,
 * and the panel gets the Text view (view.ts). The conversation lives in this object, so in
 * memory and for one call only; the element keeps the last one until the next call starts.
 *
 * What a page can rely on:
 * - `messages` is a frozen array of frozen `ChatMessage`s, replaced (never changed) on each
 *   change. Outgoing entries have `status` (`sending`, `delivered`, `failed`) and, when the far
 *   end refused one, its `sipCode`; incoming entries have neither.
 * - A send is refused (nothing sent, one `voip-error`, the promise rejects with a `VoipError` of
 *   the same code), checked in this order: `not-in-call` (the state is not `in-call`),
 *   `invalid-message` (see text.ts), `rate-limited` (5 sends already started within the last
 *   5 s; refused sends do not count, retries do).
 * - A send that starts fires `voip-message`; the far end's answer fires `voip-message-status`:
 *   2xx `delivered` (the promise resolves), anything else, or no answer (the gateway's timeout,
 *   not sent), `failed` (the promise rejects with `message-failed`, one `voip-error`).
 * - Retry (the view's button on a failed message) sends the same text again under the same id:
 *   the entry goes back to `sending` with a new `at`, `voip-message` fires again, and it counts
 *   toward the rate limit like any send.
 * - When the call ends, sends still waiting for the far end are settled at once: their entries
 *   become `failed` (no `sipCode`), their promises reject with `not-in-call`, and no event fires;
 *   a delivery report arriving later is ignored.
 */
import type { CapabilityFactory, ChatMessage } from '../call-contract.js';
import { VoipError, type VoipErrorCode } from '../errors.js';
import { createVoipEvent } from '../events.js';
import { addBuiltInTranslation } from '../i18n/index.js';
import { enChat } from './en-chat.js';
import { invalidText, limiter, shortened } from './text.js';
import { textSection, type ChatState } from './view.js';
import { parseSipDomain } from '../sip/dial-target.js';

/** At most this many sends may start within any {@link WINDOW_MS}. */
const MAX_SENDS = 5;
const WINDOW_MS = 5000;

/**
 * Message ids: a random prefix per page load, then a counter, so unique in an element's life.
 * The prefix is drawn at the first message, not when the chunk loads (the call's own draw of a
 * gateway, `server-order="random"`, comes right after that load).
 */
let prefix: string | undefined;
let counter = 0;
const nextId = () => `${(prefix ??= Math.random().toString(36).slice(2, 8))}-${++counter}`;

export const chat: CapabilityFactory = (call) => {
  /**
   * Whether a message comes from the call's side: the sender's host is the page's SIP domain's
   * (any port: a PBX's phones send from their own). Anyone else reaching the gateway is ignored.
   */
  const peerHost = call.plan.sipDomain.replace(/:\d+$/, '');
  const fromPeer = (sender: string) =>
    parseSipDomain(/^sips?:(?:[^@]*@)?([^;?<>\s]+)/i.exec(sender)?.[1])?.replace(/:\d+$/, '') ===
    peerHost;
  addBuiltInTranslation('en', enChat);
  const { host } = call;
  const allowed = limiter(MAX_SENDS, WINDOW_MS);
  /** Sends waiting for the far end: id → settles it as the end of the call does. */
  const pending = new Map<string, () => void>();
  let list: readonly ChatMessage[] = Object.freeze([]);
  /** Ids of incoming messages that were cut. */
  const cut = new Set<string>();
  let stopped = false;

  /** Adds a message, or replaces the one with its id (in place). */
  const put = (message: ChatMessage) => {
    const entry = Object.freeze(message);
    list = Object.freeze(
      list.some((m) => m.id === entry.id)
        ? list.map((m) => (m.id === entry.id ? entry : m))
        : [...list, entry],
    );
    host.update();
  };

  const refuse = (code: VoipErrorCode, detail: string) => {
    host.refused(code, detail);
    return new VoipError(code, detail);
  };

  /** Starts sending `text` (again, under `id`, for a retry); a refusal is returned, not thrown. */
  const start = (text: string, id?: string): Promise<void> | VoipError => {
    const state = host.state;
    const session = call.session;
    if (stopped || state !== 'in-call' || !session) return refuse('not-in-call', state);
    const invalid = invalidText(text);
    if (invalid) return refuse('invalid-message', invalid);
    if (!allowed()) {
      return refuse('rate-limited', `${MAX_SENDS} messages within ${WINDOW_MS} ms`);
    }
    const sent = Object.freeze({
      id: id ?? nextId(),
      direction: 'out',
      text,
      at: Date.now(),
    } as const);
    ui.notice = undefined;
    put({ ...sent, status: 'sending' });
    host.emit(createVoipEvent('voip-message', sent));
    return new Promise((resolve, reject) => {
      const abandon = () => {
        pending.delete(sent.id);
        put({ ...sent, status: 'failed' });
        reject(new VoipError('not-in-call', 'the call ended before the far end answered'));
      };
      const answered = (sipCode?: number, error?: unknown) => {
        if (pending.get(sent.id) !== abandon) return; // settled when the call ended
        pending.delete(sent.id);
        const status =
          sipCode !== undefined && sipCode >= 200 && sipCode < 300 ? 'delivered' : 'failed';
        const code = sipCode === undefined ? {} : { sipCode };
        put({ ...sent, status, ...(status === 'failed' ? code : {}) });
        host.emit(createVoipEvent('voip-message-status', { id: sent.id, status, ...code }));
        if (status === 'delivered') {
          resolve();
          return;
        }
        ui.notice = 'error.message-failed';
        reject(refuse('message-failed', sipCode === undefined ? String(error) : `SIP ${sipCode}`));
      };
      pending.set(sent.id, abandon);
      session.sendMessage(text).then(answered, (error: unknown) => answered(undefined, error));
    });
  };

  let format: Intl.DateTimeFormat | undefined;
  const ui: ChatState = {
    get messages() {
      return list;
    },
    cut,
    time: (at) => {
      try {
        format ??= new Intl.DateTimeFormat(call.plan.language, { timeStyle: 'short' });
      } catch {
        format = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' }); // not a language tag
      }
      return format.format(at);
    },
    open: true,
    unread: 0,
    draft: '',
    notice: undefined,
    send: (text) => {
      const result = start(text);
      if (result instanceof VoipError) {
        ui.notice = `error.${result.code}`;
        host.update();
        return false;
      }
      ui.draft = '';
      result.catch(() => undefined); // reported with its events already
      return true;
    },
    retry: (id) => {
      const failed = list.find((m) => m.id === id && m.status === 'failed');
      const result = failed && start(failed.text, id);
      if (result instanceof VoipError) ui.notice = `error.${result.code}`;
      else void result?.catch(() => undefined);
      host.update();
    },
  };

  const receive = (text: string) => {
    const id = nextId();
    const short = shortened(text);
    if (short !== undefined) cut.add(id);
    const message = Object.freeze({
      id,
      direction: 'in',
      text: short ?? text,
      at: Date.now(),
    } as const);
    if (!ui.open) ui.unread += 1;
    put(message);
    host.emit(createVoipEvent('voip-message', message));
  };

  return {
    get messages() {
      return list;
    },
    sendMessage: (text) => {
      const result = start(text);
      return result instanceof VoipError ? Promise.reject(result) : result;
    },
    onEvent: (event) => {
      if (event.type !== 'message') return false;
      // Only the answered call's conversation; an empty text is nothing to show.
      if (
        !stopped &&
        host.state === 'in-call' &&
        event.text.trim() !== '' &&
        fromPeer(event.sender)
      ) {
        receive(event.text);
      }
      return true;
    },
    section: textSection(ui),
    stop: () => {
      stopped = true;
      for (const abandon of [...pending.values()]) abandon();
    },
  };
};
