/**
 * The Text view of the panel: a toggle with the unread count, the conversation (who, when, each
 * outgoing message's delivery, Retry on a failed one), the input, and a live region that reads
 * incoming messages to screen readers. Untrusted text only ever goes through Lit text bindings;
 * the only markup made from it is `<a>` for `https:` links (see text.ts).
 */
import { html, nothing } from 'lit';
import type { ChatMessage, PanelContext, PanelSection } from '../call-contract.js';
import type { MessageKey } from '../i18n/index.js';
import { linkParts } from './text.js';

/** What the view shows and does: the capability's state, kept for the whole call. */
export interface ChatState {
  readonly messages: readonly ChatMessage[];
  /** Ids of incoming messages that were cut. */
  readonly cut: ReadonlySet<string>;
  /** Formats a message's time. */
  readonly time: (at: number) => string;
  /** Whether the view is open (it is at the answer). */
  open: boolean;
  /** Incoming messages since the view was last open. */
  unread: number;
  /** What the visitor typed and has not sent: kept while the view is closed. */
  draft: string;
  /** Why the last send from the view was refused, or why a delivery failed (shown in the view). */
  notice: MessageKey | undefined;
  /** Starts sending `text`; `false` when it was refused (the input keeps it). */
  send(text: string): boolean;
  /** Resends a failed message. */
  retry(id: string): void;
}

/** The view shows from the answer on (while reconnecting too), when `controls` lets it. */
const shown = (panel: PanelContext) =>
  (panel.state === 'in-call' || panel.state === 'reconnecting') && panel.shows('text');

export function textSection(chat: ChatState): PanelSection {
  return {
    toggle: (panel) =>
      shown(panel)
        ? html`${panel.toggle(
            'text-toggle',
            'panel.text',
            chat.open,
            () => {
              chat.open = !chat.open;
              chat.unread = 0;
              panel.refresh();
            },
            'text',
          )}${
            chat.unread > 0 && !chat.open
              ? html`<span part="unread"
                  >${chat.unread}<span class="sr-only"> ${panel.t('chat.unread')}</span></span
                >`
              : nothing
          }`
        : undefined,
    // The live region stays while the view is closed: incoming messages are read all the same.
    // It holds the incoming messages only, each added once: the visitor's own are not read back.
    view: (panel) =>
      shown(panel)
        ? html`${chat.open ? conversation(panel, chat) : nothing}
            <div class="sr-only" aria-live="polite" aria-relevant="additions">
              ${chat.messages
                .filter((m) => m.direction === 'in')
                .map((m) => html`<p>${panel.t('chat.agent')}: ${m.text}</p>`)}
            </div>`
        : undefined,
  };
}

function conversation(panel: PanelContext, chat: ChatState) {
  const t = (key: MessageKey) => panel.t(key);
  /** Sends what `input` holds; it is emptied only when the message went out. */
  const send = (input: HTMLTextAreaElement) => {
    if (chat.send(input.value)) input.value = '';
    input.focus();
  };
  return html`<section id="text" part="text" aria-label=${t('chat.label')}>
    <div part="messages">
      <ol>
        ${chat.messages.map(
          (m) =>
            html`<li part="message message-${m.direction}">
              <span part="message-meta"
                >${t(m.direction === 'in' ? 'chat.agent' : 'chat.you')}
                <time datetime=${new Date(m.at).toISOString()}>${chat.time(m.at)}</time></span
              >
              <span part="message-text"
                >${linkParts(m.text).map((p) =>
                  typeof p === 'string'
                    ? p
                    : html`<a href=${p.href} target="_blank" rel="noopener noreferrer"
                        >${p.text}</a
                      >`,
                )}${chat.cut.has(m.id) ? ` ${t('chat.shortened')}` : ''}</span
              >
              ${m.status ? html`<span part="message-status">${t(`chat.${m.status}`)}</span>` : nothing}
              ${
                m.status === 'failed'
                  ? html`<button
                      part="retry"
                      type="button"
                      @click=${(event: Event) => {
                        chat.retry(m.id);
                        // The button goes away: the focus goes back to the input.
                        input(event)?.focus();
                      }}
                    >
                      ${t('chat.retry')}
                    </button>`
                  : nothing
              }
            </li>`,
        )}
      </ol>
    </div>
    ${chat.notice ? html`<p part="message-error" role="alert">${t(chat.notice)}</p>` : nothing}
    <form
      @submit=${(event: Event) => {
        event.preventDefault();
        const field = input(event);
        if (field) send(field);
      }}
    >
      <textarea
        part="message-input"
        rows="2"
        aria-label=${t('chat.input')}
        placeholder=${t('chat.input')}
        .value=${chat.draft}
        @input=${(event: Event) => (chat.draft = (event.target as HTMLTextAreaElement).value)}
        @keydown=${(event: KeyboardEvent) => {
          // Typed text, not keypad tones: the panel sends a tone for a digit typed in it.
          event.stopPropagation();
          if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
          event.preventDefault();
          send(event.target as HTMLTextAreaElement);
        }}
      ></textarea>
      <button part="send" type="submit">${t('chat.send')}</button>
    </form>
  </section>`;
}

/** The input of the view an event happened in. */
function input(event: Event): HTMLTextAreaElement | null | undefined {
  return (event.currentTarget as Element).closest('section')?.querySelector('textarea');
}
