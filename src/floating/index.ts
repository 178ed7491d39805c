/**
 * The floating variant (`variant="floating"`), a chunk of its own loaded by the controller only
 * for such an element: a round call button in a corner of the page (`position="bottom-right"`,
 * the default, or `"bottom-left"`; offsets as custom properties) that opens a card with what the
 * element shows inline (the call button, the status line, the in-call panel with its text and
 * video views, the after-hours offers).
 *
 * What a page can rely on:
 * - The round button keeps an accessible name with only its icon showing: the element's label
 *   (its slotted text, else "Call us"), "Back to the call" during a call; `aria-expanded` says
 *   whether the card is open.
 * - Escape (anywhere in the element) or the card's close button folds the card back and gives
 *   the focus to the round button. Folding never ends a call: the call, its audio and video go
 *   on; the round button turns to the hang-up colour meanwhile.
 * - Opening the card moves the focus to the call button in it. A call that ends while the card
 *   is folded opens it (without moving the focus), so that how it ended shows.
 */
import { html, type TemplateResult } from 'lit';
import type { Floating, FloatingHost } from '../call-contract.js';
import { DOUBLE_CLICK_MS } from '../clicks.js';
import { addBuiltInTranslation } from '../i18n/index.js';
import { PHONE_ICON } from '../icons.js';
import { enFloating } from './en-floating.js';
import { styles } from './floating.styles.js';

/** A cross for the close button (a 24-unit box). */
const CROSS =
  'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z';

class FloatingCard implements Floating {
  private open = false;
  /** Whether the last render was during a call. */
  private wasActive = false;

  constructor(private readonly controller: FloatingHost) {
    addBuiltInTranslation('en', enFloating);
    const { host } = controller;
    const root = host.shadowRoot;
    if (root && styles.styleSheet) {
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, styles.styleSheet];
    }
    host.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.open) this.fold();
    });
    controller.floating = this;
    host.requestUpdate();
  }

  private get host() {
    return this.controller.host;
  }

  /** Opens or folds the card; the focus goes to the call button in it, or back to the round one. */
  private show(open: boolean): void {
    this.open = open;
    this.host.requestUpdate();
    void this.host.updateComplete.then(() =>
      this.host.shadowRoot
        ?.querySelector<HTMLElement>(open ? '[part="button"]' : '[part="launcher"]')
        ?.focus(),
    );
  }

  /** When the round button last toggled the card (`performance.now()`). */
  private toggledAt = -Infinity;

  private readonly fold = () => this.show(false);
  /**
   * The second click of a double-click does not undo what the first did; a click after the
   * card changed otherwise (the close button, Escape) is a click of its own.
   */
  private readonly toggle = () => {
    const now = performance.now();
    if (now - this.toggledAt < DOUBLE_CLICK_MS && this.open === this.toggledTo) return;
    this.toggledAt = now;
    this.toggledTo = !this.open;
    this.show(this.toggledTo);
  };
  /** What the last toggle made of the card. */
  private toggledTo = false;

  render(content: TemplateResult): TemplateResult {
    const t = this.controller.options.localize;
    const label = this.host.textContent.trim() || t('label');
    const active = this.controller.state !== 'idle';
    // A call that ends while the card is folded opens it: how it ended shows (and is read out).
    if (this.wasActive && !active) this.open = true;
    this.wasActive = active;
    const icon = (d: string) =>
      html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d=${d} /></svg>`;
    return html`<button
        part="launcher"
        type="button"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="card"
        ?data-active=${active}
        @click=${this.toggle}
      >
        ${icon(PHONE_ICON)}<span class="hidden-label"
          >${active ? t('floating.in-call') : label}</span
        >
      </button>
      <div part="card" id="card" role="dialog" aria-label=${label} ?hidden=${!this.open}>
        <div part="card-header">
          <span part="card-title">${label}</span>
          <button part="close" type="button" aria-label=${t('floating.close')} @click=${this.fold}>
            ${icon(CROSS)}
          </button>
        </div>
        ${content}
      </div>`;
  }
}

/** Sets the controller's `floating` and renders the element again. */
export function attachFloating(controller: FloatingHost): void {
  new FloatingCard(controller);
}
