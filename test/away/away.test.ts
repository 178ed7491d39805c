/**
 * The away chunk on the element, with a fake session: opening hours decide the first render,
 * re-evaluate themselves, refuse calls when closed; the offers (leave a message, request a
 * callback) show when closed and after an unanswered call. The hours are written relative to the
 * real clock in UTC, so that they are closed or open "now" whatever the time of the run; the
 * one test of a change shifts `Date.now`.
 */
import { expect } from '@open-wc/testing';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import type { VoipErrorDetail, VoipHoursDetail, VoipStateChangeDetail } from '../../src/events.js';
import { loadTranslation, registerTranslation } from '../../src/i18n/index.js';
import { mountWithFake, record, statusText, until } from '../support/fake-connector.js';

const HOUR = 3_600_000;
const hh = (ms: number) => String(new Date(ms).getUTCHours()).padStart(2, '0');

/** Every day, from `from` to `to` hours after now (whole UTC hours; may run past midnight). */
function everyDay(from: number, to: number, now = Date.now()): string {
  return `Mo-Su ${hh(now + from * HOUR)}:00-${hh(now + to * HOUR)}:00`;
}
const CLOSED_NOW = () => everyDay(2, 4);
const OPEN_NOW = () => everyDay(-1, 2);

async function mount(attributes: Record<string, string>) {
  const { el, connector } = await mountWithFake();
  const log = record(el);
  const hours: VoipHoursDetail[] = [];
  const errors: VoipErrorDetail[] = [];
  el.addEventListener('voip-hours', (e) => {
    hours.push(e.detail);
    expect(el.open, 'open while voip-hours is dispatched').to.equal(e.detail.open);
  });
  el.addEventListener('voip-error', (e) => errors.push(e.detail));
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  await until(() => hours.length > 0);
  await el.updateComplete;
  return { el, connector, log, hours, errors };
}

const part = (el: VoipCallButton, name: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const has = (el: VoipCallButton, name: string) => part(el, name) !== null;
/** Whether an element is in the page and shown. */
const visible = (node: Element | null) => !!node && node.getClientRects().length > 0;
const callButton = (el: VoipCallButton) => part(el, 'button') as HTMLButtonElement;

describe('opening hours, leave a message, request a callback', () => {
  it('the offers and an open form follow a new translation and a change of the page language', async () => {
    const { el } = await mount({ hours: CLOSED_NOW(), 'time-zone': 'UTC', 'callback-url': '/cb' });
    el.lang = 'x-away';
    await loadTranslation('x-away');
    const toggle = part(el, 'request-callback') as HTMLButtonElement;
    toggle.click();
    await until(() => visible(el.shadowRoot!.querySelector('voip-callback-form')));
    const form = el.shadowRoot!.querySelector('voip-callback-form')!;
    const submit = () =>
      form.shadowRoot!.querySelector('[part~="callback-submit"]')?.textContent?.trim();
    await until(() => submit() === 'Request a callback');
    registerTranslation('x-away', {
      'away.request-callback': 'Rappel, svp',
      'callback.submit': 'Demander le rappel',
    });
    await until(
      () => submit() === 'Demander le rappel' && toggle.textContent!.trim() === 'Rappel, svp',
    );
    el.lang = '';
    document.documentElement.lang = 'de';
    try {
      await until(() => submit() === 'Rückruf anfordern');
    } finally {
      document.documentElement.lang = 'en';
    }
  });

  it('closed now: says when it opens, disables the call button, offers what after-hours names', async () => {
    const { el, connector, hours, errors } = await mount({
      hours: CLOSED_NOW(),
      'time-zone': 'UTC',
      voicemail: '2011',
      'callback-url': '/callback',
    });
    expect(hours).to.have.length(1);
    expect(hours[0]!.open).to.equal(false);
    const opens = hours[0]!.nextChange!;
    expect(opens - Date.now()).to.be.within(HOUR, 2 * HOUR + 1000);
    expect(new Date(opens).getUTCMinutes()).to.equal(0);
    expect(el.open).to.equal(false);
    expect(callButton(el).disabled).to.equal(true);
    expect(part(el, 'hours')!.textContent).to.match(/^\s*Closed now — opens .*\d\d:00.*UTC/);
    expect(part(el, 'leave-message')!.textContent!.trim()).to.equal('Leave a message');
    expect(part(el, 'request-callback')!.textContent!.trim()).to.equal('Request a callback');
    expect(errors).to.deep.equal([]);
    // The chunk's own styles apply: touch-sized offers, in a row.
    expect(getComputedStyle(part(el, 'leave-message')!).minHeight).to.equal('44px');
    expect(getComputedStyle(part(el, 'offers')!).display).to.equal('flex');
    await expect(el).to.be.accessible();

    el.call();
    await until(() => errors.length > 0);
    expect(errors.map((e) => e.code)).to.deep.equal(['closed']);
    expect(errors[0]!.message).to.match(/closed/);
    expect(connector.connects).to.equal(0);
    expect(el.state).to.equal('idle');

    el.setAttribute('after-hours', 'callback');
    await until(() => !has(el, 'leave-message'));
    expect(has(el, 'request-callback'), 'request-callback').to.equal(true);
    el.setAttribute('after-hours', 'none');
    await until(() => !has(el, 'request-callback'));
    expect(has(el, 'hours'), 'hours').to.equal(true);
  });

  it('open now: calls as usual; nextChange is the closing time', async () => {
    const { el, connector, hours } = await mount({
      hours: OPEN_NOW(),
      'time-zone': 'UTC',
      voicemail: '2011',
    });
    expect(hours).to.have.length(1);
    expect(hours[0]!.open).to.equal(true);
    expect(hours[0]!.nextChange! - Date.now()).to.be.within(HOUR, 2 * HOUR + 1000);
    expect(el.open).to.equal(true);
    expect(has(el, 'hours'), 'hours').to.equal(false);
    expect(has(el, 'leave-message'), 'leave-message').to.equal(false);
    el.call();
    await until(() => el.state === 'calling');
    expect(connector.last.calledUri).to.equal('sip:2000@127.0.0.1:5060');
    el.hangup();
    await until(() => el.state === 'idle');
  });

  it('without hours: open, one voip-hours with nextChange null', async () => {
    const { el, hours } = await mount({ voicemail: '2011' });
    expect(hours).to.deep.equal([{ open: true, nextChange: null }]);
    expect(el.open).to.equal(true);
  });

  const bad: Array<[Record<string, string>, string]> = [
    [{ hours: 'Mo-Fr 8-17', 'time-zone': 'UTC' }, 'hours'],
    [{ hours: 'Mo-Fr 08:00-17:00' }, 'time-zone'],
    [{ hours: 'Mo-Fr 08:00-17:00', 'time-zone': 'Mars/Olympus' }, 'time-zone'],
    [
      { hours: 'Mo-Fr 08:00-17:00', 'time-zone': 'UTC', 'closed-dates': '2026-13-01' },
      'closed-dates',
    ],
    [{ voicemail: 'sip:evil@example.com' }, 'voicemail'],
    [{ 'callback-url': 'javascript:alert(1)' }, 'callback-url'],
    [{ 'callback-url': '/cb', 'after-hours': 'message' }, 'after-hours'],
    [{ 'callback-url': '/cb', 'after-hours': 'sms' }, 'after-hours'],
  ];
  for (const [attributes, name] of bad) {
    it(`a bad "${name}" (${JSON.stringify(attributes)}): one invalid-config naming it at first render; open`, async () => {
      const warnings: string[] = [];
      const warn = console.warn;
      console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
      try {
        const { el, errors, connector } = await mount(attributes);
        expect(errors.map((e) => [e.code, e.attribute])).to.deep.equal([['invalid-config', name]]);
        expect(warnings.join('\n')).to.contain(`"${name}"`);
        expect(el.open).to.equal(true);
        expect(callButton(el).disabled).to.equal(false);
        // Reported once, not again when another setting changes.
        if (name === 'closed-dates') el.setAttribute('voicemail', '2011');
        else el.setAttribute('closed-dates', '2026-12-25');
        await new Promise((resolve) => setTimeout(resolve, 50));
        await el.updateComplete;
        expect(errors).to.have.length(1);
        expect(connector.connects).to.equal(0);
      } finally {
        console.warn = warn;
      }
    });
  }

  it('re-evaluates by itself when the hours begin, and again when they end', async () => {
    const realNow = Date.now;
    try {
      // The clock runs at its own speed, set 1.5 s before the next full hour.
      const next = Math.ceil(realNow() / HOUR) * HOUR;
      const shift = next - 1500 - realNow();
      Date.now = () => realNow() + shift;
      const { el, hours } = await mount({
        hours: `Mo-Su ${hh(next)}:00-${hh(next + HOUR)}:00`,
        'time-zone': 'UTC',
        voicemail: '2011',
      });
      expect(hours[0]).to.deep.equal({ open: false, nextChange: next });
      expect(callButton(el).disabled).to.equal(true);
      await until(() => hours.length === 2, 4000);
      expect(hours[1]).to.deep.equal({ open: true, nextChange: next + HOUR });
      await el.updateComplete;
      expect(callButton(el).disabled).to.equal(false);
      expect(has(el, 'hours'), 'hours').to.equal(false);
    } finally {
      Date.now = realNow;
    }
  });

  it('a click while the hours are still loading waits for them (closed: refused)', async () => {
    const { el, connector } = await mountWithFake();
    const errors: string[] = [];
    el.addEventListener('voip-error', (e) => errors.push(e.detail.code));
    el.setAttribute('hours', CLOSED_NOW());
    el.setAttribute('time-zone', 'UTC');
    await el.updateComplete; // the element asked for the away chunk
    el.call(); // before the away chunk answered
    await until(() => errors.length > 0);
    expect(errors).to.deep.equal(['closed']);
    expect(connector.connects).to.equal(0);
  });

  it('a click while the hours load, then the element removed: no call is placed', async () => {
    const { el, connector } = await mountWithFake();
    el.setAttribute('hours', OPEN_NOW());
    el.setAttribute('time-zone', 'UTC');
    // The update that asks for the away chunk, now: the click below has to wait for it.
    (el as unknown as { performUpdate(): void }).performUpdate();
    el.call();
    el.remove();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(connector.connects).to.equal(0);
    expect(el.state).to.equal('idle');
  });

  it('offers "Leave a message" after a busy call; it calls the voicemail box with purpose voicemail', async () => {
    const { el, connector, log } = await mount({ voicemail: '2011', 'callback-url': '/cb' });
    el.call();
    await until(() => el.state === 'calling');
    connector.last.emit({ type: 'hangup', sipCode: 486, reason: 'Busy Here' });
    await until(() => el.state === 'idle');
    await el.updateComplete;
    expect(statusText(el)).to.match(/busy/i);
    part(el, 'leave-message')!.click();
    await until(() => el.state === 'calling');
    expect(connector.last.calledUri).to.equal('sip:2011@127.0.0.1:5060');
    const purposes = log.events
      .filter((e) => e.type === 'voip-state-change')
      .map((e) => (e.detail as VoipStateChangeDetail).purpose);
    expect(purposes.slice(0, 4)).to.deep.equal(['call', 'call', 'call', 'call']);
    expect(purposes.slice(4)).to.deep.equal(['voicemail', 'voicemail']);
    // No offers during the call; after a voicemail call, none either.
    expect(has(el, 'leave-message'), 'leave-message').to.equal(false);
    el.hangup();
    await until(() => el.state === 'idle');
    await el.updateComplete;
    expect(has(el, 'leave-message'), 'leave-message').to.equal(false);
  });

  it('a double-click on "Leave a message" places one call and touches nothing in the panel', async () => {
    const { el, connector } = await mount({
      hours: CLOSED_NOW(),
      'time-zone': 'UTC',
      voicemail: '2011',
    });
    part(el, 'leave-message')!.click();
    // The panel takes the offer's place; the second click of the double-click lands on Mute.
    const mute = () =>
      el
        .shadowRoot!.querySelector('voip-call-panel')
        ?.shadowRoot?.querySelector<HTMLButtonElement>('[part~="mute"]');
    await until(() => !!mute());
    mute()!.click();
    await until(() => el.state === 'calling');
    expect(connector.connects).to.equal(1);
    expect(connector.last.calledUri).to.equal('sip:2011@127.0.0.1:5060');
    expect(el.muted, 'muted by the second click').to.equal(false);
    // Later clicks work as usual.
    await new Promise((resolve) => setTimeout(resolve, 600));
    mute()!.click();
    await until(() => el.muted);
    el.hangup();
    await until(() => el.state === 'idle');
  });

  for (const [sipCode, shown] of [
    [408, true],
    [480, true],
    [603, false],
    [200, false],
  ] as const) {
    it(`after a call that ended with ${sipCode}: offers ${shown ? 'both' : 'nothing'}`, async () => {
      const { el, connector } = await mount({ voicemail: '2011', 'callback-url': '/cb' });
      el.call();
      await until(() => el.state === 'calling');
      if (sipCode === 200) connector.last.emit({ type: 'accepted' });
      connector.last.emit({ type: 'hangup', sipCode, reason: 'x' });
      await until(() => el.state === 'idle');
      await el.updateComplete;
      expect(has(el, 'leave-message'), 'message').to.equal(shown);
      expect(has(el, 'request-callback'), 'callback').to.equal(shown);
    });
  }

  it('the callback form opens from the offer, and what was typed stays when it closes and opens again', async () => {
    const { el } = await mount({
      hours: CLOSED_NOW(),
      'time-zone': 'UTC',
      'callback-url': '/cb',
    });
    const toggle = part(el, 'request-callback') as HTMLButtonElement;
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    toggle.click();
    toggle.click(); // a double click opens it all the same
    await until(() => visible(el.shadowRoot!.querySelector('voip-callback-form')));
    await el.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    const form = el.shadowRoot!.querySelector('voip-callback-form')!;
    await form.updateComplete;
    // Focus goes to the first field (compared by type: a failed DOM comparison hangs the runner).
    await until(() => (form.shadowRoot!.activeElement as HTMLInputElement | null)?.type === 'tel');
    const phone = form.shadowRoot!.querySelector<HTMLInputElement>('input[type="tel"]')!;
    phone.value = '+62 812 3456 7890';
    phone.dispatchEvent(new Event('input', { bubbles: true }));
    // The opening periods of the next days are offered as preferred times.
    expect(form.periods!.length).to.be.greaterThan(5);
    await new Promise((resolve) => setTimeout(resolve, 550)); // not the rest of a double-click
    toggle.click();
    await until(() => !visible(el.shadowRoot!.querySelector('voip-callback-form')));
    // ... and back to the offer when the form closes.
    await until(
      () => el.shadowRoot!.activeElement?.getAttribute('part') === toggle.getAttribute('part'),
    );
    await new Promise((resolve) => setTimeout(resolve, 550));
    toggle.click();
    await until(() => visible(el.shadowRoot!.querySelector('voip-callback-form')));
    const again = el.shadowRoot!.querySelector('voip-callback-form')!;
    await again.updateComplete;
    expect(again.shadowRoot!.querySelector<HTMLInputElement>('input[type="tel"]')!.value).to.equal(
      '+62 812 3456 7890',
    );
  });

  it('a request on its way when the form closes still ends in its confirmation', async () => {
    const realFetch = window.fetch;
    let answer: (response: Response) => void = () => undefined;
    window.fetch = () => new Promise<Response>((resolve) => (answer = resolve));
    try {
      const { el } = await mount({
        hours: CLOSED_NOW(),
        'time-zone': 'UTC',
        'callback-url': '/cb',
      });
      const sent: string[] = [];
      el.addEventListener('voip-callback-sent', (e) => sent.push(e.detail.handledBy));
      const toggle = part(el, 'request-callback')!;
      toggle.click();
      await until(() => visible(el.shadowRoot!.querySelector('voip-callback-form')));
      const form = el.shadowRoot!.querySelector('voip-callback-form')!;
      await form.updateComplete;
      const phone = form.shadowRoot!.querySelector<HTMLInputElement>('input[type="tel"]')!;
      phone.value = '+62 812 3456 7890';
      phone.dispatchEvent(new Event('input', { bubbles: true }));
      form.shadowRoot!.querySelector<HTMLButtonElement>('[part="callback-submit"]')!.click();
      await new Promise((resolve) => setTimeout(resolve, 550));
      toggle.click(); // closed while the POST is out
      await until(() => !visible(el.shadowRoot!.querySelector('voip-callback-form')));
      answer(new Response(null, { status: 204 }));
      await until(() => sent.length > 0);
      expect(sent).to.deep.equal(['server']);
      await new Promise((resolve) => setTimeout(resolve, 550));
      toggle.click();
      await until(() => visible(el.shadowRoot!.querySelector('voip-callback-form')));
      const again = el.shadowRoot!.querySelector('voip-callback-form')!;
      expect(
        again.shadowRoot!.querySelector('[part="callback-confirmation"]')?.textContent,
      ).to.contain('+6281234567890');
    } finally {
      window.fetch = realFetch;
    }
  });

  it('speaks Indonesian when the language changes while closed', async () => {
    await loadTranslation('id');
    const { el } = await mount({ hours: CLOSED_NOW(), 'time-zone': 'UTC', voicemail: '2011' });
    el.lang = 'id';
    await until(() => /Sedang tutup — buka/.test(part(el, 'hours')?.textContent ?? ''));
    expect(part(el, 'leave-message')!.textContent!.trim()).to.equal('Tinggalkan pesan suara');
  });

  it('removed from the page: no more evaluations', async () => {
    const realNow = Date.now;
    try {
      const next = Math.ceil(realNow() / HOUR) * HOUR;
      const shift = next - 800 - realNow();
      Date.now = () => realNow() + shift;
      const { el, hours } = await mount({
        hours: `Mo-Su ${hh(next)}:00-${hh(next + HOUR)}:00`,
        'time-zone': 'UTC',
      });
      el.remove();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(hours).to.have.length(1);
    } finally {
      Date.now = realNow;
    }
  });
});
