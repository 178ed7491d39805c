/**
 * `<voip-callback-form>`: "Request a callback", for when nobody can answer. An element of its own
 * in a chunk of its own (loaded when the offer is taken), with its own styles. It reads and
 * writes the owner's {@link CallbackDraft} on every input, so a form the visitor filled in is
 * never lost when the form is closed or made again.
 *
 * What a page can rely on:
 * - Nothing is sent, and no event fires, while the phone number is not one we can call: the
 *   field says so and takes the focus.
 * - Each submit fires `voip-callback-request` (cancelable) with the exact body. A page that calls
 *   `preventDefault()` handles it itself: nothing is sent, the confirmation shows and
 *   `voip-callback-sent` fires with `handledBy: 'page'`.
 * - Otherwise the body is POSTed to `url` (send.ts); a 2xx shows the confirmation and fires
 *   `voip-callback-sent` with `handledBy: 'server'`. Any failure keeps everything typed.
 * - A retry of the same content carries the same `id`; changed content gets a new one. A submit
 *   while one is on its way is ignored.
 */
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type { VoipCallbackRequestDetail, VoipCallbackSentDetail } from '../events.js';
import {
  addBuiltInTranslation,
  loadTranslation,
  translate,
  type MessageKey,
} from '../i18n/index.js';
import { enCallback } from './en-callback.js';
import { styles } from './form.styles.js';
import {
  NAME_MAX_LENGTH,
  NOTE_MAX_LENGTH,
  checkCallbackRequest,
  codePointLength,
  parseCallbackPhone,
  type CallbackRequest,
} from './request.js';
import { sendCallback } from './send.js';

addBuiltInTranslation('en', enCallback);

/** The parts of the form, exported by the form itself (the owner forwards them further). */
const PARTS =
  'callback,callback-field,callback-label,callback-input,callback-hint,callback-error,' +
  'callback-consent,callback-submit,callback-cancel,callback-confirmation';

/**
 * What the visitor typed, as the controls hold it (`time`: the select's value, or the
 * datetime-local input's). The owner keeps the object; the form changes it in place.
 */
export interface CallbackDraft {
  phone: string;
  name: string;
  time: string;
  note: string;
  /** The id of the last attempt, kept for a retry of the same content. */
  id?: string;
  /** The content of the last attempt (JSON), to tell a retry from a changed request. */
  tried?: string;
}

/** A period in which the business answers (epoch ms). */
export interface OpenPeriod {
  readonly start: number;
  readonly end: number;
}

/** The form's fields, also the ids of their controls. */
type Field = 'phone' | 'name' | 'time' | 'note';

/** The form field behind a request field (`id`, `language` and `body` are not the visitor's). */
const FIELD_OF: Partial<Record<string, Field>> = {
  phone: 'phone',
  name: 'name',
  preferredTime: 'time',
  note: 'note',
};

/** The form field named by a server's 400 answer, if it names one of ours. */
const fieldOf = (name: string | undefined): Field | undefined =>
  name !== undefined && Object.hasOwn(FIELD_OF, name) ? FIELD_OF[name] : undefined;

/**
 * The open period a stored choice stands for. The periods are computed from "now", so the
 * first one's start moves as time passes: a choice is found again by its end.
 */
function chosen(periods: readonly OpenPeriod[], time: string): OpenPeriod | undefined {
  if (!time.includes('/')) return undefined;
  const end = time.slice(time.indexOf('/'));
  return (
    periods.find((p) => interval(p) === time) ?? periods.find((p) => interval(p).endsWith(end))
  );
}

/** A fresh draft. */
const emptyDraft = (): CallbackDraft => ({ phone: '', name: '', time: '', note: '' });

/** An idempotency key. `randomUUID` needs a secure context; `getRandomValues` does not. */
function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

/** Formats open periods in the business's zone, its name shown ("08:00–17:00 GMT+7"). */
function periodFormat(language: string, timeZone: string | undefined): Intl.DateTimeFormat {
  const options: Intl.DateTimeFormatOptions = {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  };
  try {
    return new Intl.DateTimeFormat(language, { ...options, timeZone });
  } catch {
    // An unknown zone or tag: the visitor's own zone, still named in the label, is still true.
    return new Intl.DateTimeFormat(undefined, options);
  }
}

/** The ISO 8601 interval a period is sent as. */
const interval = (p: OpenPeriod) =>
  `${new Date(p.start).toISOString()}/${new Date(p.end).toISOString()}`;

/**
 * The "Request a callback" form, made by `<voip-call-button>` in its own shadow root when the
 * visitor takes the offer.
 *
 * @fires voip-callback-request - A valid submission, before anything is sent (cancelable: the page sends it itself). Detail: the request.
 * @fires voip-callback-sent - The request was accepted (2xx, or the page took it). Detail: `{ id, handledBy }`.
 * @fires close - Cancel or Close was pressed (does not bubble): the owner hides the form; the draft stays.
 *
 * @csspart callback - The form.
 * @csspart callback-field - Each field: its label, control, hint and message.
 * @csspart callback-label - A field's label.
 * @csspart callback-input - The inputs, the preferred-time select and the note.
 * @csspart callback-hint - A field's hint (the phone's format, the characters left in the note).
 * @csspart callback-error - A field's message, and why the last submission failed (`role="alert"`).
 * @csspart callback-consent - The consent line.
 * @csspart callback-submit - "Request a callback" ("Sending…", "Try again").
 * @csspart callback-cancel - "Cancel", and "Close" after the confirmation.
 * @csspart callback-confirmation - The confirmation (`role="status"`, focused).
 *
 * @cssproperty --voip-callback-max-width - The form's widest. Default `24em`.
 */
export class VoipCallbackForm extends LitElement {
  static override properties = {
    language: {},
    url: { attribute: false },
    tokenUrl: { attribute: false },
    periods: { attribute: false },
    timeZone: { attribute: false },
    draft: { attribute: false },
    sending: { state: true },
    problem: { state: true },
    invalid: { state: true },
    sentTo: { state: true },
  };

  static override styles = styles;
  /** `focus()` on the form focuses its first field (the owner does so when it opens). */
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** The language of the text. */
  language = 'en';
  /** Where requests are POSTed (the page's `callback-url`), resolved against the document. */
  url = '';
  /** Where a bearer token is fetched first; empty: no token. */
  tokenUrl = '';
  /** When given, the preferred time is one of these open periods (or "as soon as possible"). */
  periods: readonly OpenPeriod[] | undefined;
  /** The business's time zone, for the periods' labels; default: the visitor's. */
  timeZone: string | undefined;
  /** What the visitor typed: read and written in place, kept by the owner. */
  draft: CallbackDraft = emptyDraft();
  /** @internal A request is on its way. */
  private sending = false;
  /** @internal Why the last attempt failed, shown above the buttons. */
  private problem: MessageKey | undefined;
  /** @internal The field marked invalid. */
  private invalid: Field | undefined;
  /** @internal The number we will call back, once the request is done. */
  private sentTo: string | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('exportparts', PARTS);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    void loadTranslation(this.language)?.then(() => this.requestUpdate());
  }

  private t(key: MessageKey): string {
    return translate(this.language, key);
  }

  private readonly close = (): void => {
    this.dispatchEvent(new Event('close'));
  };

  /** Keeps what was typed in the draft; an edited field is no longer marked. */
  private edit(field: Field, event: Event): void {
    this.draft[field] = (event.target as HTMLInputElement).value;
    if (this.invalid === field) this.invalid = undefined;
    this.requestUpdate(); // the note's counter
  }

  /** The preferred time as sent, or '' for none. */
  private preferredTime(): string {
    const { time } = this.draft;
    if (!time) return '';
    // A time kept from a form without periods is not one of these periods: as soon as possible.
    if (this.periods) {
      const period = chosen(this.periods, time);
      return period ? interval(period) : '';
    }
    if (time.includes('/')) return ''; // a period kept from a form that had them
    const date = new Date(time); // datetime-local: the visitor's local time
    return Number.isNaN(date.getTime()) ? time : date.toISOString(); // the check refuses junk
  }

  /** Marks a field (or none) and a problem, then moves the focus to the field. */
  private async mark(field: Field | undefined, problem?: MessageKey): Promise<void> {
    this.invalid = field;
    this.problem = problem;
    await this.updateComplete;
    if (field) this.renderRoot.querySelector<HTMLElement>(`#${field}`)?.focus();
  }

  private readonly submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    // Set before anything awaits, so a double click or Enter pressed twice sends once.
    if (this.sending || this.sentTo !== undefined) return;
    const { draft } = this;
    const phone = parseCallbackPhone(draft.phone);
    if (!phone) return this.mark('phone');
    const fields: Record<string, string> = { phone };
    const name = draft.name.trim();
    const time = this.preferredTime();
    const note = draft.note.replace(/\r\n?/g, '\n').trim();
    if (name) fields.name = name;
    if (time) fields.preferredTime = time;
    if (note) fields.note = note;
    const tried = JSON.stringify(fields);
    const id = (tried === draft.tried && draft.id) || newId();
    let checked = checkCallbackRequest({ id, ...fields, language: this.language });
    // A language tag the server would refuse is left out rather than block the request.
    if (!checked.ok && checked.field === 'language')
      checked = checkCallbackRequest({ id, ...fields });
    if (!checked.ok) return this.mark(fieldOf(checked.field), 'callback.check');
    const request = checked.request;
    draft.id = id;
    draft.tried = tried;
    this.invalid = undefined;
    this.problem = undefined;

    // A copy: a listener that changes it must not change what is sent.
    const detail: VoipCallbackRequestDetail = { ...request };
    const asked = new CustomEvent('voip-callback-request', {
      bubbles: true,
      composed: true,
      cancelable: true,
      detail,
    });
    if (!this.dispatchEvent(asked)) return this.done(request, 'page');

    let target: URL | undefined;
    try {
      target = this.url ? new URL(this.url, document.baseURI) : undefined;
    } catch {
      target = undefined;
    }
    if (target?.protocol !== 'http:' && target?.protocol !== 'https:') {
      // For the site owner; the visitor keeps what they typed.
      console.warn(
        '<voip-callback-form> needs an http(s) callback-url, or a page that handles voip-callback-request',
      );
      return this.mark(undefined, 'callback.refused');
    }
    this.sending = true;
    const outcome = await sendCallback(target.href, this.tokenUrl, request);
    this.sending = false;
    if (outcome === 'sent') return this.done(request, 'server');
    if (outcome === 'retry') return this.mark(undefined, 'callback.unsent');
    if (outcome.refused === 400) return this.mark(fieldOf(outcome.field), 'callback.check');
    return this.mark(undefined, outcome.refused === 429 ? 'callback.too-many' : 'callback.refused');
  };

  /** The request is done: the confirmation, the event, and an empty draft for the next one. */
  private async done(request: CallbackRequest, handledBy: VoipCallbackSentDetail['handledBy']) {
    this.sentTo = request.phone;
    Object.assign(this.draft, emptyDraft());
    delete this.draft.id;
    delete this.draft.tried;
    const detail: VoipCallbackSentDetail = { id: request.id, handledBy };
    this.dispatchEvent(
      new CustomEvent('voip-callback-sent', { bubbles: true, composed: true, detail }),
    );
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[part="callback-confirmation"]')?.focus();
  }

  /** A labelled field with its hint and, when marked, its message (which describes it). */
  private field(id: Field, label: MessageKey, control: TemplateResult, hint?: TemplateResult) {
    return html`<div part="callback-field">
      <label part="callback-label" for=${id}>${this.t(label)}</label>${control}${hint ?? nothing}${
        this.invalid === id
          ? html`<p id="${id}-error" part="callback-error" role="alert">
              ${this.t(id === 'phone' ? 'callback.phone-invalid' : 'callback.field-invalid')}
            </p>`
          : nothing
      }
    </div>`;
  }

  /** The control's `aria-describedby`: its message when marked, then its hint. */
  private describedBy(id: Field, hint?: string) {
    return [this.invalid === id ? `${id}-error` : '', hint].filter(Boolean).join(' ') || nothing;
  }

  private invalidAttr(id: Field) {
    return this.invalid === id ? 'true' : 'false';
  }

  /** The preferred time among the open periods, labelled in the business's zone. */
  private timeSelect(periods: readonly OpenPeriod[]) {
    const format = periodFormat(this.language, this.timeZone);
    const choice = chosen(periods, this.draft.time);
    return html`<select
      id="time"
      part="callback-input"
      aria-invalid=${this.invalidAttr('time')}
      aria-describedby=${this.describedBy('time')}
      @change=${(e: Event) => this.edit('time', e)}
    >
      <option value="" .selected=${!choice}>${this.t('callback.asap')}</option>
      ${periods.map((p) => {
        const value = interval(p);
        return html`<option value=${value} .selected=${p === choice}>
          ${format.formatRange(p.start, p.end)}
        </option>`;
      })}
    </select>`;
  }

  protected override render() {
    if (this.sentTo !== undefined) {
      return html`<div part="callback-confirmation" role="status" tabindex="-1">
        <p>${this.t('callback.sent').replace('{phone}', this.sentTo)}</p>
        <div class="actions">
          <button part="callback-cancel" type="button" @click=${this.close}>
            ${this.t('callback.close')}
          </button>
        </div>
      </div>`;
    }
    const { draft, periods } = this;
    const left = NOTE_MAX_LENGTH - codePointLength(draft.note);
    return html`<form
      part="callback"
      aria-label=${this.t('callback.label')}
      novalidate
      @submit=${this.submit}
    >
      ${this.field(
        'phone',
        'callback.phone',
        html`<input
          id="phone"
          part="callback-input"
          type="tel"
          autocomplete="tel"
          inputmode="tel"
          required
          aria-invalid=${this.invalidAttr('phone')}
          aria-describedby=${this.describedBy('phone', 'phone-hint')}
          .value=${live(draft.phone)}
          @input=${(e: Event) => this.edit('phone', e)}
        />`,
        html`<p id="phone-hint" part="callback-hint">${this.t('callback.phone-hint')}</p>`,
      )}
      ${this.field(
        'name',
        'callback.name',
        html`<input
          id="name"
          part="callback-input"
          autocomplete="name"
          maxlength=${NAME_MAX_LENGTH}
          aria-invalid=${this.invalidAttr('name')}
          aria-describedby=${this.describedBy('name')}
          .value=${live(draft.name)}
          @input=${(e: Event) => this.edit('name', e)}
        />`,
      )}
      ${this.field(
        'time',
        'callback.time',
        periods
          ? this.timeSelect(periods)
          : html`<input
              id="time"
              part="callback-input"
              type="datetime-local"
              aria-invalid=${this.invalidAttr('time')}
              aria-describedby=${this.describedBy('time')}
              .value=${live(draft.time)}
              @input=${(e: Event) => this.edit('time', e)}
            />`,
      )}
      ${this.field(
        'note',
        'callback.note',
        html`<textarea
          id="note"
          part="callback-input"
          rows="3"
          aria-invalid=${this.invalidAttr('note')}
          aria-describedby=${this.describedBy('note', 'note-left')}
          .value=${live(draft.note)}
          @input=${(e: Event) => this.edit('note', e)}
        ></textarea>`,
        html`<p id="note-left" part="callback-hint" aria-live="polite">
          ${this.t('callback.left').replace('{n}', String(Math.max(0, left)))}
        </p>`,
      )}
      <p part="callback-consent">${this.t('callback.consent')}</p>
      ${this.problem ? html`<p part="callback-error" role="alert">${this.t(this.problem)}</p>` : nothing}
      <div class="actions">
        <button
          part="callback-submit"
          type="submit"
          aria-disabled=${this.sending ? 'true' : 'false'}
        >
          ${this.t(
            this.sending
              ? 'callback.sending'
              : this.problem === 'callback.unsent'
                ? 'callback.retry'
                : 'callback.submit',
          )}
        </button>
        <button part="callback-cancel" type="button" @click=${this.close}>
          ${this.t('callback.cancel')}
        </button>
      </div>
    </form>`;
  }
}

if (!customElements.get('voip-callback-form')) {
  customElements.define('voip-callback-form', VoipCallbackForm);
}

declare global {
  interface HTMLElementTagNameMap {
    'voip-callback-form': VoipCallbackForm;
  }
}
