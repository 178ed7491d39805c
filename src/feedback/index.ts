/**
 * The visitor's rating after a call (`feedback`), a chunk of its own that the controller loads
 * only for an element with that attribute.
 *
 * What a page can rely on:
 * - Only an answered call is rated: the form shows when its `voip-call-summary` arrives, below
 *   the status line, and a call that was not answered (no summary) asks nothing.
 * - It never holds anything up: a new call takes its place at once (the form, or the thanks,
 *   goes as soon as the state leaves `idle`), and it does not take the focus when it shows.
 * - Send fires one `voip-feedback` with the rating (1-5), the problems ticked (asked for below 4)
 *   and the call's summary, then says thank you for a few seconds. Skip or Escape close it
 *   without an event.
 * - The question is announced (a live region that labels the form); the ratings are native
 *   radio buttons (Tab, arrow keys, Space), each read as "3 of 5"; Enter sends.
 */
import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import type { Feedback, PartHost } from '../call-contract.js';
import {
  createVoipEvent,
  type FeedbackProblem,
  type VoipCallSummaryDetail,
  type VoipFeedbackDetail,
} from '../events.js';
import { addBuiltInTranslation } from '../i18n/index.js';
import { enFeedback } from './en-feedback.js';
import { styles } from './feedback.styles.js';

type Rating = VoipFeedbackDetail['rating'];

const RATINGS: readonly Rating[] = [1, 2, 3, 4, 5];
/** The problems offered, in the order shown (and sent). */
const PROBLEMS: readonly FeedbackProblem[] = [
  'could-not-hear',
  'could-not-be-heard',
  'choppy-audio',
  'echo',
  'dropped-call',
];
/** Ratings below this ask what went wrong. */
const ASK_BELOW = 4;
/** How long "Thank you" stays after Send. */
export const THANKS_MS = 4000;

/** The chunk's entry: the rating form of an element (see PartModule; made once per element). */
export function attach(controller: PartHost): Feedback {
  addBuiltInTranslation('en', enFeedback);
  return new FeedbackController(controller);
}

/**
 * The rating form of one element: a controller of the element that listens for its summaries
 * and drops the form when a call starts.
 */
class FeedbackController implements ReactiveController, Feedback {
  /** The summary of the call being rated: set while the form shows. */
  private summary: VoipCallSummaryDetail | undefined;
  private rating: Rating | undefined;
  private readonly problems = new Set<FeedbackProblem>();
  /** Whether "Thank you" shows (after Send, for THANKS_MS). */
  private thanks = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly controller: PartHost) {
    const { host } = controller;
    const root = host.shadowRoot;
    if (root && styles.styleSheet) {
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, styles.styleSheet];
    }
    host.addEventListener('voip-call-summary', (event) => {
      // The element's own summary, of a call just over, while the page still asks.
      if (event.target !== host || controller.state !== 'idle' || !host.hasAttribute('feedback')) {
        return;
      }
      this.close();
      this.summary = event.detail;
      host.requestUpdate();
    });
    host.addController(this);
    host.requestUpdate();
  }

  hostUpdate(): void {
    // A new call: the form of the last one goes at once, never waited for.
    if (this.controller.state !== 'idle') this.close();
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.thanks = false;
  }

  render(): TemplateResult {
    const t = this.controller.options.localize;
    const { summary, rating } = this;
    // The live region is there before the question, so that the question is announced; it also
    // names the form. It says thank you after Send.
    const status = summary ? t('feedback.question') : this.thanks ? t('feedback.thanks') : '';
    return html`<p id="feedback-status" part="feedback-status" role="status">${status}</p>
      ${
        summary
          ? html`<form
              part="feedback"
              aria-labelledby="feedback-status"
              @submit=${this.send}
              @keydown=${this.onKey}
            >
              <div
                role="radiogroup"
                aria-labelledby="feedback-status"
                aria-describedby="feedback-scale"
              >
                ${RATINGS.map(
                  (n) =>
                    html`<label part="feedback-rating">
                      <input
                        type="radio"
                        name="rating"
                        .value=${String(n)}
                        .checked=${rating === n}
                        aria-label=${t('feedback.rating').replace('{n}', String(n))}
                        @change=${() => this.rate(n)}
                      /><span aria-hidden="true">${n}</span>
                    </label>`,
                )}
              </div>
              <p id="feedback-scale" part="feedback-scale">${t('feedback.scale')}</p>
              ${
                rating && rating < ASK_BELOW
                  ? html`<fieldset part="feedback-problems">
                      <legend>${t('feedback.problems')}</legend>
                      ${PROBLEMS.map(
                        (problem) =>
                          html`<label part="feedback-problem">
                            <input
                              type="checkbox"
                              .checked=${this.problems.has(problem)}
                              @change=${(event: Event) => this.tick(problem, event)}
                            />${t(`feedback.${problem}`)}
                          </label>`,
                      )}
                    </fieldset>`
                  : nothing
              }
              <div>
                <button part="feedback-button feedback-send" type="submit" ?disabled=${!rating}>
                  ${t('feedback.send')}
                </button>
                <button part="feedback-button feedback-skip" type="button" @click=${this.skip}>
                  ${t('feedback.skip')}
                </button>
              </div>
            </form>`
          : nothing
      }`;
  }

  private rate(n: Rating): void {
    this.rating = n;
    this.controller.host.requestUpdate();
  }

  private tick(problem: FeedbackProblem, event: Event): void {
    if ((event.target as HTMLInputElement).checked) this.problems.add(problem);
    else this.problems.delete(problem);
  }

  /** Escape skips; Enter on a rating or a problem sends (as on a text field), once rated. */
  private readonly onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') {
      // Handled here: a floating card around the element stays open.
      event.stopPropagation();
      this.skip();
    } else if (event.key === 'Enter' && (event.target as Element).localName === 'input') {
      event.preventDefault();
      if (this.rating) this.send(event);
    }
  };

  private readonly send = (event: Event): void => {
    event.preventDefault();
    const { summary, rating } = this;
    if (!summary || !rating) return;
    const problems = rating < ASK_BELOW ? PROBLEMS.filter((p) => this.problems.has(p)) : [];
    this.done();
    this.thanks = true;
    this.timer = setTimeout(() => {
      this.thanks = false;
      this.controller.host.requestUpdate();
    }, THANKS_MS);
    this.controller.host.dispatchEvent(
      createVoipEvent('voip-feedback', { rating, problems, summary }),
    );
  };

  private readonly skip = (): void => this.done();

  /** Closes the form; the focus, if it was in it, goes back to the call button. */
  private done(): void {
    const { host } = this.controller;
    const focused = host.shadowRoot?.activeElement?.closest('[part="feedback"]');
    this.close();
    host.requestUpdate();
    if (focused) {
      void host.updateComplete.then(() =>
        host.shadowRoot?.querySelector<HTMLElement>('[part~="button"]')?.focus(),
      );
    }
  }

  /** Forgets the form and the thanks (the element renders again on its own). */
  private close(): void {
    clearTimeout(this.timer);
    this.summary = this.rating = undefined;
    this.problems.clear();
    this.thanks = false;
  }
}
