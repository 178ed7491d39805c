/**
 * The rating form after a call (`feedback`), with a fake session: it shows only for an element
 * that asks and only after an answered call, sends one `voip-feedback` with the call's summary,
 * can be skipped, never holds up the next call, and works from the keyboard and in every
 * language.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import type { VoipCallSummaryDetail, VoipFeedbackDetail } from '../../src/events.js';
import { THANKS_MS } from '../../src/feedback/index.js';
import {
  answeredCall,
  mountWithFake,
  until,
  type FakeConnector,
  type PageArea,
} from '../support/fake-connector.js';

async function mount(attributes: Record<string, string> = { feedback: '' }, area?: PageArea) {
  const { el, connector } = await mountWithFake({ ringback: 'off', ...attributes }, area);
  const summaries: VoipCallSummaryDetail[] = [];
  const ratings: CustomEvent<VoipFeedbackDetail>[] = [];
  el.addEventListener('voip-call-summary', (e) => summaries.push(e.detail));
  // On the document: the event bubbles out of the element.
  const onFeedback = (e: CustomEvent<VoipFeedbackDetail>) => ratings.push(e);
  document.addEventListener('voip-feedback', onFeedback);
  after(() => document.removeEventListener('voip-feedback', onFeedback));
  return { el, connector, summaries, ratings };
}

/** Places a call, answers it, hangs up, and waits for its summary and the render after it. */
async function rateableCall(el: VoipCallButton, connector: FakeConnector, summaries: unknown[]) {
  const before = summaries.length;
  await answeredCall(el, connector);
  el.hangup();
  await until(() => el.state === 'idle' && summaries.length === before + 1);
  await el.updateComplete;
}

const part = (el: VoipCallButton, name: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const parts = (el: VoipCallButton, name: string) => [
  ...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`),
];
const form = (el: VoipCallButton) => part(el, 'feedback');
/** Whether the form shows (a boolean: a failed assertion on an element would print all of it). */
const shows = (el: VoipCallButton) => form(el) !== null;
/** What has the focus in the element: its part, else its label (a rating, a problem). */
const focused = (el: VoipCallButton) => {
  const active = el.shadowRoot!.activeElement;
  return (
    active?.getAttribute('part') ??
    active?.getAttribute('aria-label') ??
    active?.closest('label')?.textContent?.trim()
  );
};
const radios = (el: VoipCallButton) =>
  parts(el, 'feedback-rating').map((label) => label.querySelector('input')!);
const problems = (el: VoipCallButton) =>
  parts(el, 'feedback-problem').map((label) => label.querySelector('input')!);
const status = (el: VoipCallButton) => part(el, 'feedback-status')?.textContent?.trim();
const text = (node: HTMLElement | null) => node?.textContent?.trim();
/** A little time for anything that would (wrongly) still come. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('feedback: the rating after a call', () => {
  it('without the attribute: nothing is asked after an answered call', async () => {
    const { el, connector, summaries, ratings } = await mount({});
    await rateableCall(el, connector, summaries);
    await settle();
    await el.updateComplete;
    expect(shows(el), 'the form').to.equal(false);
    expect(part(el, 'feedback-status') === null, 'no live region').to.equal(true);
    expect(ratings).to.have.length(0);
  });

  it('a call that was not answered asks nothing; an answered one asks, without taking the focus', async () => {
    const { el, connector, summaries } = await mount();
    el.call();
    await until(() => el.state === 'calling');
    connector.last.emit({ type: 'hangup', sipCode: 486, reason: 'Busy Here' });
    await until(() => el.state === 'idle');
    await settle();
    await el.updateComplete;
    expect(summaries).to.have.length(0);
    expect(shows(el), 'the form').to.equal(false);

    part(el, 'button')!.focus();
    await rateableCall(el, connector, summaries);
    expect(shows(el), 'the form').to.equal(true);
    expect(status(el)).to.equal('How was the call?');
    expect(part(el, 'feedback-status')!.getAttribute('role')).to.equal('status');
    expect(form(el)!.getAttribute('aria-labelledby')).to.equal('feedback-status');
    expect(radios(el).map((r) => r.getAttribute('aria-label'))).to.deep.equal([
      '1 of 5',
      '2 of 5',
      '3 of 5',
      '4 of 5',
      '5 of 5',
    ]);
    expect(problems(el), 'no problems before a rating').to.have.length(0);
    expect((part(el, 'feedback-send') as HTMLButtonElement).disabled).to.equal(true);
    expect(form(el)!.contains(el.shadowRoot!.activeElement), 'focus in the form').to.equal(false);
    // The chunk's own styles apply: touch-sized ratings in a row.
    const ratingBox = parts(el, 'feedback-rating').map((r) => r.getBoundingClientRect());
    expect(ratingBox[0]!.height).to.be.at.least(44);
    expect(ratingBox[1]!.top).to.equal(ratingBox[0]!.top);
  });

  it('rating 5 and Send: one voip-feedback with the rating and the summary; thanks, then nothing', async function () {
    this.timeout(THANKS_MS + 4000);
    const { el, connector, summaries, ratings } = await mount();
    await rateableCall(el, connector, summaries);
    radios(el)[4]!.click();
    await el.updateComplete;
    expect(problems(el), 'no problems asked at 5').to.have.length(0);
    part(el, 'feedback-send')!.click();
    await el.updateComplete;
    expect(ratings).to.have.length(1);
    const event = ratings[0]!;
    expect(event.bubbles && event.composed).to.equal(true);
    expect(event.detail).to.deep.equal({ rating: 5, problems: [], summary: summaries[0] });
    expect(shows(el), 'the form').to.equal(false);
    expect(status(el)).to.equal('Thank you for your feedback.');
    await until(() => status(el) === '', THANKS_MS + 1500);
    expect(ratings).to.have.length(1);
  });

  it('rating 2 asks what went wrong and sends what was ticked, in the form’s order', async () => {
    const { el, connector, summaries, ratings } = await mount();
    await rateableCall(el, connector, summaries);
    radios(el)[1]!.click();
    await el.updateComplete;
    expect(parts(el, 'feedback-problem').map(text)).to.deep.equal([
      'I could not hear them',
      'They could not hear me',
      'Choppy audio',
      'Echo',
      'The call dropped',
    ]);
    expect(text(part(el, 'feedback-problems')!.querySelector('legend'))).to.equal(
      'What went wrong?',
    );
    problems(el)[4]!.click();
    problems(el)[0]!.click();
    problems(el)[2]!.click();
    problems(el)[2]!.click();
    await expect(el).to.be.accessible();
    part(el, 'feedback-send')!.click();
    await el.updateComplete;
    expect(ratings.map((e) => e.detail)).to.deep.equal([
      { rating: 2, problems: ['could-not-hear', 'dropped-call'], summary: summaries[0] },
    ]);
  });

  it('a rating of 4 or more sends no problems, even those ticked at a lower one', async () => {
    const { el, connector, summaries, ratings } = await mount();
    await rateableCall(el, connector, summaries);
    radios(el)[0]!.click();
    await el.updateComplete;
    problems(el)[3]!.click();
    radios(el)[3]!.click();
    await el.updateComplete;
    expect(problems(el)).to.have.length(0);
    part(el, 'feedback-send')!.click();
    expect(ratings.map((e) => e.detail.problems)).to.deep.equal([[]]);
    expect(ratings[0]!.detail.rating).to.equal(4);
  });

  it('Skip, or Escape, closes the form with no event', async () => {
    const { el, connector, summaries, ratings } = await mount();
    await rateableCall(el, connector, summaries);
    radios(el)[2]!.click();
    part(el, 'feedback-skip')!.click();
    await el.updateComplete;
    expect(shows(el), 'the form').to.equal(false);
    expect(status(el)).to.equal('');

    await rateableCall(el, connector, summaries);
    radios(el)[2]!.focus();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(shows(el), 'the form').to.equal(false);
    await settle();
    expect(ratings).to.have.length(0);
    expect(focused(el), 'the focus back on the call button').to.equal('button');
  });

  it('a new call goes ahead at once: the form goes and does not come back for an unanswered call', async () => {
    const { el, connector, summaries, ratings } = await mount();
    await rateableCall(el, connector, summaries);
    radios(el)[0]!.click();
    part(el, 'button')!.click();
    expect(el.state).to.not.equal('idle');
    await el.updateComplete;
    expect(shows(el), 'the form').to.equal(false);
    await until(() => el.state === 'calling');
    el.hangup();
    await until(() => el.state === 'idle');
    await settle();
    await el.updateComplete;
    expect(shows(el), 'the form').to.equal(false);
    expect(ratings).to.have.length(0);
    // And the next answered call asks afresh, with nothing chosen.
    await rateableCall(el, connector, summaries);
    expect(radios(el).some((r) => r.checked)).to.equal(false);
  });

  it('the keyboard: Tab into the ratings, arrows choose, Space ticks, Enter sends', async () => {
    const { el, connector, summaries, ratings } = await mount();
    await rateableCall(el, connector, summaries);
    part(el, 'button')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal('1 of 5');
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(radios(el)[2]!.checked).to.equal(true);
    expect(focused(el)).to.equal('3 of 5');
    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal('I could not hear them');
    await sendKeys({ press: ' ' }); // Space (Firefox's driver knows it only by its key value)
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(ratings.map((e) => e.detail.rating)).to.deep.equal([3]);
    expect(ratings[0]!.detail.problems).to.deep.equal(['could-not-hear']);
    await until(() => focused(el) === 'button');
  });

  it('speaks the element’s language (German), and mirrors right to left (Arabic)', async () => {
    const { el, connector, summaries } = await mount({ feedback: '', lang: 'de' });
    await rateableCall(el, connector, summaries);
    await until(() => status(el) === 'Wie war der Anruf?');
    expect(radios(el)[2]!.getAttribute('aria-label')).to.equal('3 von 5');
    expect(text(part(el, 'feedback-send'))).to.equal('Senden');
    expect(text(part(el, 'feedback-skip'))).to.equal('Überspringen');
    radios(el)[0]!.click();
    await el.updateComplete;
    expect(text(parts(el, 'feedback-problem')[1]!)).to.equal(
      'Die Gegenseite konnte mich nicht hören',
    );

    const rtl = await mount({ feedback: '' }, { lang: 'ar', dir: 'rtl' });
    await rateableCall(rtl.el, rtl.connector, rtl.summaries);
    await until(() => status(rtl.el) === 'كيف كانت المكالمة؟');
    const [one, , , , five] = parts(rtl.el, 'feedback-rating').map((r) =>
      r.getBoundingClientRect(),
    );
    expect(one!.left, '1 on the right').to.be.greaterThan(five!.left);
    await expect(rtl.el).to.be.accessible();
  });
});
