/**
 * When nobody can answer: opening hours, "Leave a message" and "Request a callback", a chunk of
 * its own that the controller loads only for an element with `hours`, `voicemail` or
 * `callback-url` (the callback form is a further chunk, loaded when the visitor opens it).
 *
 * What a page can rely on:
 * - The hours are evaluated in the business's `time-zone`, whatever the visitor's clock; once at
 *   load, then again when they open or close (and every few minutes, so that "today" and
 *   "tomorrow" stay true). Each change fires `voip-hours`; the first evaluation too.
 * - A bad `hours`, `time-zone`, `closed-dates`, `after-hours`, `voicemail` or `callback-url`
 *   fires one `voip-error` `invalid-config` naming it, as soon as it is seen (not at the click),
 *   and the element goes on as if it were not set.
 * - Closed: the call button is disabled, the status area says when it opens (in the visitor's
 *   language, the time in the business's zone, labelled with it) and offers what `after-hours`
 *   names. A call to `number` asked for by script is refused with `closed`.
 * - After a call to `number` that ended busy, unanswered or unavailable, the same offers show
 *   while the hours are open.
 * - What the visitor typed in the callback form stays for the life of the element: closing the
 *   form, a call, the hours changing or a failed submission lose nothing.
 */
import { DOUBLE_CLICK_MS } from '../clicks.js';
import { html, nothing, type ReactiveController } from 'lit';
import type { Away, AwayHost } from '../call-contract.js';
import type { CallbackDraft, OpenPeriod } from '../callback/form.js';
import { parseDialString } from '../sip/dial-target.js';
import type { EndReason } from '../errors.js';
import { createVoipEvent, type CallPurpose, type VoipHoursDetail } from '../events.js';
import { addBuiltInTranslation } from '../i18n/index.js';
import {
  formatOpening,
  hoursAt,
  openPeriods,
  parseSchedule,
  type Schedule,
} from '../hours/hours.js';
import { styles } from './away.styles.js';
import { enAway } from './en-away.js';

/** What can be offered when nobody can answer. */
type Offer = 'message' | 'callback';

/** The settings of this chunk, by attribute name. */
const SETTINGS = [
  'hours',
  'time-zone',
  'closed-dates',
  'after-hours',
  'voicemail',
  'callback-url',
] as const;
type Setting = (typeof SETTINGS)[number];

/** A call to `number` that ended so is followed by the offers. */
const UNANSWERED: ReadonlySet<EndReason> = new Set(['busy', 'no-answer', 'unavailable']);
/** The longest wait between evaluations: "opens tomorrow" must become "today" at midnight. */
const REEVALUATE_MS = 10 * 60_000;
/** How far ahead the callback form offers opening periods. */
const PERIOD_DAYS = 7;
/** The chunk's entry: attaches the away part to an element's controller (see AwayModule). */
export function attachAway(controller: AwayHost): void {
  addBuiltInTranslation('en', enAway);
  new AwayController(controller);
}

/**
 * The away part of one element: a controller of the element (connected: evaluates and watches;
 * disconnected: stops its timer and observer) that reads its settings at each update.
 */
class AwayController implements ReactiveController, Away {
  open = true;
  private nextChange: number | null = null;
  private evaluated = false;
  private schedule: Schedule | undefined;
  private voicemail = false;
  private callbackUrl = '';
  /** What closed hours offer (`after-hours`), and what is set up at all. */
  private afterHours: readonly Offer[] = [];
  private offers: readonly Offer[] = [];
  /** Attribute values already reported as invalid: each bad value is reported once. */
  private readonly reported = new Map<Setting, string>();
  /** The settings as last read (and as JSON): a change reads them again. */
  private settings: Readonly<Record<Setting, string | null>> | undefined;
  private read = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private formOpen = false;
  /**
   * Whether the form was made: from then on it stays in the page, hidden while closed or during
   * a call, so that a request on its way (and its confirmation) outlives closing it.
   */
  private formMade = false;
  /** When the offer last opened or closed the form (`performance.now()`). */
  private toggledAt = -Infinity;
  /** The open periods of the coming days, for the form: computed with each evaluation. */
  private periods: readonly OpenPeriod[] | undefined;
  private readonly draft: CallbackDraft = { phone: '', name: '', time: '', note: '' };
  /** `time-zone`, `closed-dates` and `after-hours` are plain attributes: watched here. */
  private readonly observer = new MutationObserver(() => this.controller.host.requestUpdate());

  constructor(private readonly controller: AwayHost) {
    // First: a `voip-hours` listener may read the element's `open` at once.
    controller.away = this;
    const root = controller.host.shadowRoot;
    if (root && styles.styleSheet) {
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, styles.styleSheet];
    }
    this.hostUpdate();
    // Connected already: this calls hostConnected, which evaluates and renders.
    controller.host.addController(this);
  }

  hostConnected(): void {
    this.observer.observe(this.controller.host, { attributeFilter: [...SETTINGS] });
    this.evaluate();
  }

  hostUpdate(): void {
    const settings = this.readSettings();
    const read = JSON.stringify(settings);
    if (read !== this.read) {
      this.read = read;
      this.settings = settings;
      this.configure();
      this.evaluate(false);
    }
  }

  hostDisconnected(): void {
    this.observer.disconnect();
    clearTimeout(this.timer);
  }

  refuses(purpose: CallPurpose): boolean {
    this.evaluate();
    if (this.open || purpose !== 'call') return false;
    this.controller.fail('closed', 'outside the opening hours', false);
    return true;
  }

  /** The settings now: the element's properties for `hours`, `voicemail` and `callback-url`. */
  private readSettings(): Readonly<Record<Setting, string | null>> {
    const config = this.controller.options.getConfig();
    return {
      hours: config.hours || null,
      'time-zone': config.attribute('time-zone'),
      'closed-dates': config.attribute('closed-dates'),
      'after-hours': config.attribute('after-hours'),
      voicemail: config.voicemail || null,
      'callback-url': config.callbackUrl || null,
    };
  }

  /** A setting as last read. */
  private setting(name: Setting): string | null {
    return this.settings?.[name] ?? null;
  }

  /** Reports a bad setting once per value; `ok` as given. */
  private check(name: Setting, ok: boolean, detail = `bad "${name}"`): boolean {
    const value = this.setting(name) ?? '';
    if (ok) this.reported.delete(name);
    else if (this.reported.get(name) !== value) {
      this.reported.set(name, value);
      this.controller.fail('invalid-config', detail, false, name);
    }
    return ok;
  }

  /** Reads the settings again (at load, and whenever one of them changes). */
  private configure(): void {
    const hours = this.setting('hours');
    const parsed = hours
      ? parseSchedule(hours, this.setting('time-zone'), this.setting('closed-dates'))
      : undefined;
    for (const name of ['hours', 'time-zone', 'closed-dates'] as const) {
      this.check(name, parsed !== name);
    }
    this.schedule = typeof parsed === 'object' ? parsed : undefined;
    const voicemail = this.setting('voicemail');
    this.voicemail = voicemail !== null && this.check('voicemail', !!parseDialString(voicemail));
    const url = this.setting('callback-url');
    this.callbackUrl = url !== null && this.check('callback-url', isWebUrl(url)) ? url : '';
    this.offers = [
      ...(this.voicemail ? (['message'] as const) : []),
      ...(this.callbackUrl ? (['callback'] as const) : []),
    ];
    const named = this.setting('after-hours');
    const words: readonly string[] = named === null ? this.offers : named.trim().split(/\s+/);
    const known = words.every((w) => w === 'none' || w === 'message' || w === 'callback');
    // An offer named but not set up (no `voicemail` for `message`) is a mistake worth a word.
    this.check(
      'after-hours',
      known && words.every((w) => w === 'none' || (this.offers as readonly string[]).includes(w)),
      known ? '"after-hours" offers what is not set up' : undefined,
    );
    this.afterHours = this.offers.filter((offer) => words.includes(offer));
  }

  /**
   * Whether it is open now; fires `voip-hours` when that (or the next change) moved. `update`
   * false: the element is rendering already.
   */
  private evaluate(update = true): void {
    clearTimeout(this.timer);
    const now = Date.now();
    const { open, nextChange } = this.schedule
      ? hoursAt(this.schedule, now)
      : { open: true, nextChange: null };
    const changed = !this.evaluated || open !== this.open || nextChange !== this.nextChange;
    this.evaluated = true;
    this.open = open;
    this.nextChange = nextChange;
    this.periods = this.schedule && openPeriods(this.schedule, now, PERIOD_DAYS);
    if (this.schedule && this.controller.host.isConnected) {
      const wait = nextChange === null ? REEVALUATE_MS : nextChange - now;
      this.timer = setTimeout(() => this.evaluate(), Math.min(Math.max(wait, 0), REEVALUATE_MS));
    }
    if (update) this.controller.host.requestUpdate();
    if (changed) {
      const detail: VoipHoursDetail = { open, nextChange };
      this.controller.host.dispatchEvent(createVoipEvent('voip-hours', detail));
    }
  }

  render() {
    const { state, lastOutcome, purpose } = this.controller;
    const idle = state === 'idle';
    const { language, tokenUrl } = this.controller.options.getConfig();
    const t = this.controller.options.localize;
    const unanswered =
      purpose === 'call' && lastOutcome?.kind === 'ended' && UNANSWERED.has(lastOutcome.reason);
    const offers = !idle ? [] : !this.open ? this.afterHours : unanswered ? this.offers : [];
    const callback = idle && (offers.includes('callback') || this.formOpen);
    return html`${
      this.open || !idle
        ? nothing
        : html`<p part="hours">
            ${
              this.schedule && this.nextChange !== null
                ? t('away.closed').replace(
                    '{when}',
                    formatOpening(this.nextChange, this.schedule, language, Date.now()),
                  )
                : t('away.closed-now')
            }
          </p>`
    }${
      offers.includes('message') || callback
        ? html`<div part="offers">
            ${
              offers.includes('message')
                ? html`<button part="offer leave-message" type="button" @click=${this.leaveMessage}>
                    ${t('away.leave-message')}
                  </button>`
                : nothing
            }${
              callback
                ? html`<button
                    part="offer request-callback"
                    type="button"
                    aria-expanded=${this.formOpen}
                    aria-controls="callback"
                    @click=${this.offerCallback}
                  >
                    ${t('away.request-callback')}
                  </button>`
                : nothing
            }
          </div>`
        : nothing
    }${
      this.formMade
        ? html`<voip-callback-form
            id="callback"
            part="callback"
            ?hidden=${!callback || !this.formOpen}
            .language=${language}
            .url=${this.callbackUrl}
            .tokenUrl=${tokenUrl ?? ''}
            .periods=${this.periods}
            .timeZone=${this.schedule?.timeZone}
            .draft=${this.draft}
            @close=${() => void this.toggleForm()}
          ></voip-callback-form>`
        : nothing
    }`;
  }

  /**
   * Calls the voicemail box. The offer goes with the click, and the in-call panel takes its
   * place: the second click of a double-click must not land on a panel toggle (mute), so clicks
   * are held back for a moment, as the call button does with its own second click.
   */
  private readonly leaveMessage = (): void => {
    const root = this.controller.host.shadowRoot;
    const swallow = (event: Event) => event.stopPropagation();
    root?.addEventListener('click', swallow, true);
    setTimeout(() => root?.removeEventListener('click', swallow, true), DOUBLE_CLICK_MS);
    this.controller.call('voicemail');
  };

  /** The offer toggles the form; the second click of a double-click is not a second toggle. */
  private readonly offerCallback = (): void => {
    const now = performance.now();
    if (now - this.toggledAt < DOUBLE_CLICK_MS) return;
    this.toggledAt = now;
    void this.toggleForm();
  };

  /**
   * Opens the callback form (loading it the first time) or closes it; the draft stays. Focus
   * goes to the form's first field, and back to the offer when it closes.
   */
  private async toggleForm(): Promise<void> {
    const open = (this.formOpen = !this.formOpen);
    if (open) {
      try {
        await import('../callback/form.js');
      } catch (error) {
        this.formOpen = false;
        this.controller.fail('load-failed', String(error), false);
        return;
      }
      this.formMade = true;
    }
    const { host } = this.controller;
    host.requestUpdate();
    await host.updateComplete;
    host.shadowRoot
      ?.querySelector<HTMLElement>(open ? '#callback' : '[part~="request-callback"]')
      ?.focus();
  }
}

/** Whether `value` is an http(s) URL, resolved against the page. */
function isWebUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value, document.baseURI).protocol);
  } catch {
    return false;
  }
}
