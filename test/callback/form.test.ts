/**
 * `<voip-callback-form>` (src/callback/form.ts, send.ts) with a stand-in `fetch`: the phone
 * check, the exact body and POST, a page handling the request, retries and their ids, the
 * server's refusals, the double click, the token, the draft kept by the owner, the open periods,
 * Indonesian, and accessibility in each state.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/callback/form.js';
import type { CallbackDraft, OpenPeriod, VoipCallbackForm } from '../../src/callback/form.js';
import type { CallbackRequest } from '../../src/callback/request.js';
import type { VoipCallbackSentDetail } from '../../src/events.js';
import { loadTranslation } from '../../src/i18n/index.js';

interface Sent {
  readonly url: string;
  readonly init: RequestInit | undefined;
}

/** Every fetch the form made, in order. */
let sent: Sent[] = [];
const realFetch = window.fetch;

/** Answers each fetch with what `answer` gives (a Response, or a rejection). */
function network(answer: (url: string, init: RequestInit | undefined) => Promise<Response>): void {
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    sent.push({ url, init });
    return answer(url, init);
  };
}

const status =
  (code: number, body: unknown = {}) =>
  () =>
    Promise.resolve(
      // A 204 may not have a body.
      new Response(code === 204 ? null : JSON.stringify(body), {
        status: code,
        headers: { 'content-type': 'application/json' },
      }),
    );

const blankDraft = (): CallbackDraft => ({ phone: '', name: '', time: '', note: '' });

async function mount(
  props: {
    draft?: CallbackDraft;
    tokenUrl?: string;
    periods?: readonly OpenPeriod[];
    timeZone?: string;
    language?: string;
  } = {},
): Promise<VoipCallbackForm> {
  return fixture<VoipCallbackForm>(
    html`<voip-callback-form
      .url=${'/callback'}
      .tokenUrl=${props.tokenUrl ?? ''}
      .draft=${props.draft ?? blankDraft()}
      .periods=${props.periods}
      .timeZone=${props.timeZone}
      language=${props.language ?? 'en'}
    ></voip-callback-form>`,
  );
}

function part<T extends Element = HTMLElement>(el: VoipCallbackForm, name: string): T | null {
  return el.shadowRoot!.querySelector<T>(`[part="${name}"]`);
}
function control<T extends HTMLElement = HTMLInputElement>(el: VoipCallbackForm, id: string): T {
  return el.shadowRoot!.getElementById(id) as T;
}
const submitButton = (el: VoipCallbackForm) => part<HTMLButtonElement>(el, 'callback-submit')!;
const formError = (el: VoipCallbackForm) =>
  el.shadowRoot!.querySelector('form > [part="callback-error"]')?.textContent?.trim();
const text = (node: Element | null) => node?.textContent?.replace(/\s+/g, ' ').trim();

/** Types into a field as a visitor would: its value, then the input event. */
async function type(el: VoipCallbackForm, id: string, value: string): Promise<void> {
  const field = control<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(el, id);
  field.value = value;
  field.dispatchEvent(new Event(field instanceof HTMLSelectElement ? 'change' : 'input'));
  await el.updateComplete;
}

/** Submits, then waits until the form is neither sending nor about to. */
async function submit(el: VoipCallbackForm): Promise<void> {
  submitButton(el).click();
  await el.updateComplete;
  await waitUntil(() => !part(el, 'callback-submit')?.matches('[aria-disabled="true"]'));
  await el.updateComplete;
}

/** The JSON bodies POSTed, in order. */
const bodies = () =>
  sent
    .filter((s) => s.init?.method === 'POST')
    .map((s) => JSON.parse(s.init!.body as string) as CallbackRequest);

describe('<voip-callback-form>', () => {
  beforeEach(() => {
    sent = [];
    network(status(204));
  });
  afterEach(() => {
    window.fetch = realFetch;
  });

  it('labels every field and is accessible when empty', async () => {
    const el = await mount();
    for (const id of ['phone', 'name', 'time', 'note']) {
      expect(el.shadowRoot!.querySelector(`label[for="${id}"]`), id).not.to.equal(null);
      expect(control(el, id).getAttribute('part')).to.equal('callback-input');
    }
    const phone = control(el, 'phone');
    expect(phone.type).to.equal('tel');
    expect(phone.getAttribute('autocomplete')).to.equal('tel');
    expect(phone.getAttribute('inputmode')).to.equal('tel');
    expect(control(el, 'time').getAttribute('type')).to.equal('datetime-local');
    expect(text(part(el, 'callback-consent'))).to.equal(
      'We use your number only to call you back about this request.',
    );
    expect(text(submitButton(el))).to.equal('Request a callback');
    expect(el.getAttribute('exportparts')).to.contain('callback-confirmation');
    await expect(el).to.be.accessible();
  });

  it('refuses a phone number it cannot call at the field: nothing sent, no event', async () => {
    const el = await mount();
    let asked = 0;
    el.addEventListener('voip-callback-request', () => asked++);
    await type(el, 'phone', '12');
    await submit(el);
    const phone = control(el, 'phone');
    expect(phone.getAttribute('aria-invalid')).to.equal('true');
    const message = el.shadowRoot!.getElementById('phone-error')!;
    expect(message.getAttribute('role')).to.equal('alert');
    expect(text(message)).to.equal('Please enter a phone number we can call.');
    expect(phone.getAttribute('aria-describedby')).to.contain('phone-error');
    expect(el.shadowRoot!.activeElement?.id).to.equal('phone');
    expect(sent).to.have.length(0);
    expect(asked).to.equal(0);
    await expect(el).to.be.accessible();
    // Typing again clears the mark.
    await type(el, 'phone', '+62 812');
    expect(phone.getAttribute('aria-invalid')).to.equal('false');
  });

  it('fires one voip-callback-request with the exact body, POSTs it as JSON, then confirms', async () => {
    const draft = { ...blankDraft(), note: 'Line one\r\nline two  ' };
    const el = await mount({ draft });
    await type(el, 'phone', ' +62 (812) 3456-7890 ');
    await type(el, 'name', '  Ann  ');
    const requests: CallbackRequest[] = [];
    el.addEventListener('voip-callback-request', (e) => requests.push(e.detail));
    const done = oneEvent(el, 'voip-callback-sent');
    submitButton(el).click();
    const { detail } = (await done) as CustomEvent<VoipCallbackSentDetail>;
    expect(requests).to.have.length(1);
    const request = requests[0]!;
    expect(request.id).to.match(/^[A-Za-z0-9_-]{8,64}$/);
    expect(request).to.deep.equal({
      id: request.id,
      phone: '+6281234567890',
      name: 'Ann',
      note: 'Line one\nline two',
      language: 'en',
    });
    expect(sent).to.have.length(1);
    const [{ url, init }] = sent as [Sent];
    expect(url).to.equal(new URL('/callback', document.baseURI).href);
    expect(init?.method).to.equal('POST');
    expect(init?.credentials).to.equal('same-origin');
    expect(init?.headers).to.deep.equal({ 'content-type': 'application/json' });
    expect(init?.body).to.equal(JSON.stringify(request));
    expect(detail).to.deep.equal({ id: request.id, handledBy: 'server' });
    await el.updateComplete;
    const confirmation = part(el, 'callback-confirmation')!;
    expect(confirmation.getAttribute('role')).to.equal('status');
    expect(text(confirmation.querySelector('p'))).to.equal(
      'Thank you. We will call you back at +6281234567890.',
    );
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.equal('callback-confirmation');
    expect(!!part(el, 'callback')).to.equal(false);
    // The request is done: the next form starts empty.
    expect(draft).to.deep.equal(blankDraft());
    await expect(el).to.be.accessible();
    setTimeout(() => part<HTMLButtonElement>(el, 'callback-cancel')!.click());
    await oneEvent(el, 'close');
  });

  it('sends nothing when the page handles the request (preventDefault)', async () => {
    const el = await mount();
    await type(el, 'phone', '+6281234567890');
    el.addEventListener('voip-callback-request', (e) => e.preventDefault());
    const done = oneEvent(el, 'voip-callback-sent');
    let id = '';
    el.addEventListener('voip-callback-request', (e) => (id = e.detail.id));
    submitButton(el).click();
    const { detail } = (await done) as CustomEvent<VoipCallbackSentDetail>;
    expect(detail).to.deep.equal({ id, handledBy: 'page' });
    await el.updateComplete;
    expect(part(el, 'callback-confirmation')).not.to.equal(null);
    expect(sent).to.have.length(0);
  });

  for (const [what, failure] of [
    ['a 503', status(503)],
    ['a network error', () => Promise.reject(new TypeError('Failed to fetch'))],
  ] as const) {
    it(`keeps everything after ${what}, then a retry sends the same id`, async () => {
      network(failure);
      const el = await mount();
      await type(el, 'phone', '+6281234567890');
      await type(el, 'name', 'Ann');
      await type(el, 'time', '2026-12-07T09:30');
      await type(el, 'note', 'After lunch');
      await submit(el);
      expect(formError(el)).to.equal(
        'Your request could not be sent. Check your connection — what you typed is kept.',
      );
      expect(
        el.shadowRoot!.querySelector('form > [part="callback-error"]')!.getAttribute('role'),
      ).to.equal('alert');
      expect(text(submitButton(el))).to.equal('Try again');
      expect(control(el, 'phone').value).to.equal('+6281234567890');
      expect(control(el, 'name').value).to.equal('Ann');
      expect(control(el, 'time').value).to.equal('2026-12-07T09:30');
      expect(control<HTMLTextAreaElement>(el, 'note').value).to.equal('After lunch');
      expect(!!part(el, 'callback-confirmation')).to.equal(false);

      network(status(201));
      await submit(el);
      const [first, second] = bodies() as [CallbackRequest, CallbackRequest];
      expect(bodies()).to.have.length(2);
      expect(second.id).to.equal(first.id);
      expect(second.preferredTime).to.equal(new Date('2026-12-07T09:30').toISOString());
      expect(part(el, 'callback-confirmation')).not.to.equal(null);
    });
  }

  it('makes a new id when a field changed after a failure', async () => {
    network(status(503));
    const draft = blankDraft();
    const el = await mount({ draft });
    await type(el, 'phone', '+6281234567890');
    await submit(el);
    await submit(el); // the same content again: the same id
    await type(el, 'name', 'Ann');
    await submit(el);
    const [a, b, c] = bodies() as [CallbackRequest, CallbackRequest, CallbackRequest];
    expect(b.id).to.equal(a.id);
    expect(c.id).not.to.equal(a.id);
    expect(draft.id).to.equal(c.id);
  });

  it('marks the field a 400 names, and is accessible so', async () => {
    network(status(400, { error: 'invalid', field: 'name' }));
    const el = await mount();
    await type(el, 'phone', '+6281234567890');
    await type(el, 'name', 'Ann');
    await submit(el);
    expect(formError(el)).to.equal('Please check your details and try again.');
    expect(control(el, 'name').getAttribute('aria-invalid')).to.equal('true');
    expect(control(el, 'phone').getAttribute('aria-invalid')).to.equal('false');
    expect(text(el.shadowRoot!.getElementById('name-error'))).to.equal('Please check this field.');
    expect(el.shadowRoot!.activeElement?.id).to.equal('name');
    expect(control(el, 'name').value).to.equal('Ann');
    await expect(el).to.be.accessible();
  });

  for (const [code, message] of [
    [429, 'Too many requests. Please try again later.'],
    [403, 'This request could not be accepted.'],
  ] as const) {
    it(`says why after a ${code}, keeping the fields`, async () => {
      network(status(code));
      const el = await mount();
      await type(el, 'phone', '+6281234567890');
      await submit(el);
      expect(formError(el)).to.equal(message);
      expect(text(submitButton(el))).to.equal('Request a callback');
      expect(control(el, 'phone').value).to.equal('+6281234567890');
    });
  }

  it('sends once on a double click: the button says Sending… and stays focusable', async () => {
    let answer: (response: Response) => void = () => {};
    network(() => new Promise<Response>((resolve) => (answer = resolve)));
    const el = await mount();
    await type(el, 'phone', '+6281234567890');
    submitButton(el).click();
    submitButton(el).click();
    await el.updateComplete;
    const button = submitButton(el);
    expect(text(button)).to.equal('Sending…');
    expect(button.getAttribute('aria-disabled')).to.equal('true');
    expect(button.disabled).to.equal(false);
    button.click();
    await el.updateComplete;
    expect(sent).to.have.length(1);
    answer(new Response(null, { status: 204 }));
    await waitUntil(() => part(el, 'callback-confirmation'));
    expect(sent).to.have.length(1);
  });

  it('fetches the token first and sends it as a bearer token', async () => {
    network((url) =>
      url.endsWith('/token')
        ? Promise.resolve(Response.json({ token: 'tok-123', expiresAt: Date.now() + 60_000 }))
        : Promise.resolve(new Response(null, { status: 204 })),
    );
    const el = await mount({ tokenUrl: '/token' });
    await type(el, 'phone', '+6281234567890');
    await submit(el);
    expect(sent.map((s) => s.url.replace(location.origin, ''))).to.deep.equal([
      '/token',
      '/callback',
    ]);
    const [token, post] = sent as [Sent, Sent];
    expect(token.init?.method ?? 'GET').to.equal('GET');
    expect(token.init?.credentials).to.equal('same-origin');
    expect(token.init?.cache).to.equal('no-store');
    expect(post.init?.headers).to.deep.equal({
      'content-type': 'application/json',
      authorization: 'Bearer tok-123',
    });
    expect(part(el, 'callback-confirmation')).not.to.equal(null);
  });

  it('keeps the form for a retry when the token cannot be had', async () => {
    network(status(500));
    const el = await mount({ tokenUrl: '/token' });
    await type(el, 'phone', '+6281234567890');
    await submit(el);
    expect(sent).to.have.length(1); // the token's GET, no POST
    expect(text(submitButton(el))).to.equal('Try again');
    expect(control(el, 'phone').value).to.equal('+6281234567890');
  });

  it('keeps the draft in the owner: a form made again shows what was typed', async () => {
    const draft = blankDraft();
    const first = await mount({ draft });
    await type(first, 'phone', '+62 812');
    await type(first, 'name', 'Ann');
    await type(first, 'note', 'Hello');
    setTimeout(() => part<HTMLButtonElement>(first, 'callback-cancel')!.click());
    const closed = await oneEvent(first, 'close');
    expect(closed.bubbles).to.equal(false);
    first.remove();
    const second = await mount({ draft });
    expect(control(second, 'phone').value).to.equal('+62 812');
    expect(control(second, 'name').value).to.equal('Ann');
    expect(control<HTMLTextAreaElement>(second, 'note').value).to.equal('Hello');
    expect(text(second.shadowRoot!.getElementById('note-left'))).to.equal('495 characters left');
  });

  it('counts the characters left in the note, politely', async () => {
    const el = await mount();
    const left = el.shadowRoot!.getElementById('note-left')!;
    expect(left.getAttribute('aria-live')).to.equal('polite');
    expect(control(el, 'note').getAttribute('aria-describedby')).to.contain('note-left');
    expect(text(left)).to.equal('500 characters left');
    await type(el, 'note', 'Hi 👋');
    expect(text(left)).to.equal('496 characters left');
  });

  it('offers the open periods in the business zone, sent as ISO intervals', async () => {
    const periods = [
      { start: Date.UTC(2026, 11, 7, 1), end: Date.UTC(2026, 11, 7, 10) },
      { start: Date.UTC(2026, 11, 8, 1), end: Date.UTC(2026, 11, 8, 10) },
    ];
    const el = await mount({ periods, timeZone: 'Asia/Jakarta' });
    const select = control<HTMLSelectElement>(el, 'time');
    expect(select.tagName).to.equal('SELECT');
    const options = [...select.options];
    expect(options.map((o) => o.value)).to.deep.equal([
      '',
      '2026-12-07T01:00:00.000Z/2026-12-07T10:00:00.000Z',
      '2026-12-08T01:00:00.000Z/2026-12-08T10:00:00.000Z',
    ]);
    expect(options[0]!.text).to.equal('As soon as possible');
    expect(options[1]!.text).to.match(/Mon.*Dec 7.*08:00.*17:00.*GMT\+7/);
    // As soon as possible: no preferredTime.
    await type(el, 'phone', '+6281234567890');
    network(status(503));
    await submit(el);
    await type(el, 'time', options[2]!.value);
    network(status(204));
    await submit(el);
    const [asap, chosen] = bodies() as [CallbackRequest, CallbackRequest];
    expect(asap).not.to.have.property('preferredTime');
    expect(chosen.preferredTime).to.equal('2026-12-08T01:00:00.000Z/2026-12-08T10:00:00.000Z');
  });

  it('keeps the chosen period when the periods are computed again later (its start moved)', async () => {
    const periods = [
      { start: Date.UTC(2026, 11, 7, 3), end: Date.UTC(2026, 11, 7, 10) },
      { start: Date.UTC(2026, 11, 8, 1), end: Date.UTC(2026, 11, 8, 10) },
    ];
    const el = await mount({ periods, timeZone: 'Asia/Jakarta' });
    await type(el, 'phone', '+6281234567890');
    await type(el, 'time', control<HTMLSelectElement>(el, 'time').options[1]!.value);
    // Ten minutes later the first period starts later ("now" moved); the choice stays.
    el.periods = [{ ...periods[0]!, start: Date.UTC(2026, 11, 7, 3, 10) }, periods[1]!];
    await el.updateComplete;
    expect(control<HTMLSelectElement>(el, 'time').selectedIndex).to.equal(1);
    await submit(el);
    expect(bodies()[0]!.preferredTime).to.equal(
      '2026-12-07T03:10:00.000Z/2026-12-07T10:00:00.000Z',
    );
  });

  it('sends what it checked, whatever a voip-callback-request listener does to the detail', async () => {
    const el = await mount();
    el.addEventListener('voip-callback-request', (e) => {
      (e.detail as unknown as Record<string, string>).source = 'ad';
      (e.detail as unknown as Record<string, string>).phone = '+1900';
    });
    await type(el, 'phone', '+6281234567890');
    await submit(el);
    expect(bodies()[0]).to.not.have.property('source');
    expect(bodies()[0]!.phone).to.equal('+6281234567890');
  });

  it('a 400 naming a field that is not ours marks none (and does not throw)', async () => {
    network(status(400, { error: 'invalid', field: 'constructor' }));
    const rejections: unknown[] = [];
    const rejected = (e: PromiseRejectionEvent) => {
      rejections.push(e.reason);
      e.preventDefault();
    };
    window.addEventListener('unhandledrejection', rejected);
    const el = await mount();
    await type(el, 'phone', '+6281234567890');
    await submit(el);
    await new Promise((resolve) => setTimeout(resolve, 50));
    window.removeEventListener('unhandledrejection', rejected);
    expect(rejections.map(String)).to.deep.equal([]);
    expect(formError(el)).to.equal('Please check your details and try again.');
    expect(el.shadowRoot!.querySelectorAll('[aria-invalid="true"]').length).to.equal(0);
  });

  it('speaks Indonesian once the translation has loaded', async () => {
    const el = await mount({ language: 'id' });
    await loadTranslation('id');
    await el.updateComplete;
    expect(text(submitButton(el))).to.equal('Minta ditelepon kembali');
    expect(text(part(el, 'callback-cancel'))).to.equal('Batal');
    expect(text(part(el, 'callback-consent'))).to.equal(
      'Kami hanya menggunakan nomor Anda untuk menelepon kembali terkait permintaan ini.',
    );
    network(status(204));
    await type(el, 'phone', '+6281234567890');
    await submit(el);
    expect(bodies()[0]!.language).to.equal('id');
    expect(text(part(el, 'callback-confirmation')!.querySelector('p'))).to.equal(
      'Terima kasih. Kami akan menelepon Anda kembali di +6281234567890.',
    );
  });
});
