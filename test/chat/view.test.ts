/**
 * The Text view of the panel (src/chat/view.ts): untrusted text shown as text, links, the cut
 * marker, the unread count, the input (Enter, Shift+Enter, focus, refusals), the live region.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import { until } from '../support/fake-connector.js';
import {
  chatCall,
  hangUp,
  panelRoot,
  part,
  parts,
  settle,
  warmUp,
  has,
  focusedPart,
} from './support.js';

const AGENT = 'sip:2000@127.0.0.1';

/** The text of each message shown, in order. */
async function shown(el: VoipCallButton): Promise<string[]> {
  return (await parts(el, 'message-text')).map((p) => p.textContent!);
}

function toggleText(el: VoipCallButton): string | undefined {
  return el
    .shadowRoot!.querySelector('voip-call-panel')
    ?.shadowRoot?.querySelector('[part~="text-toggle"]')
    ?.textContent?.trim();
}

async function input(el: VoipCallButton): Promise<HTMLTextAreaElement> {
  return (await part<HTMLTextAreaElement>(el, 'message-input'))!;
}

/** Types into the input as a visitor would (the input has the focus first). */
async function type(el: VoipCallButton, text: string): Promise<HTMLTextAreaElement> {
  const field = await input(el);
  field.focus();
  await sendKeys({ type: text });
  return field;
}

describe('the Text view', () => {
  before(async function () {
    this.timeout(30_000);
    await warmUp();
  });

  it('is open once the call is answered, with its toggle (aria-expanded) after the keypad', async () => {
    const { el } = await chatCall();
    const toggle = (await part<HTMLButtonElement>(el, 'text-toggle'))!;
    expect(toggle.textContent!.trim()).to.equal('Text');
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    expect(toggle.getAttribute('aria-controls')).to.equal('text');
    expect((await panelRoot(el)).getElementById('text')!.getAttribute('part')).to.equal('text');
    const toggles = (await parts(el, 'panel-button')).map((b) => b.getAttribute('part'));
    expect(toggles.indexOf('panel-button text-toggle')).to.equal(
      toggles.indexOf('panel-button keypad-toggle') + 1,
    );
    toggle.click();
    expect(await has(el, 'text')).to.equal(false);
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    await hangUp(el);
  });

  it('is left out by controls without "text", and shown by controls="text"', async () => {
    const { el } = await chatCall({ controls: 'mute keypad' });
    expect(await has(el, 'text-toggle')).to.equal(false);
    expect(await has(el, 'text')).to.equal(false);
    el.controls = 'text';
    expect(await has(el, 'text-toggle')).to.equal(true);
    expect(await has(el, 'text')).to.equal(true);
    await hangUp(el);
  });

  it('shows incoming HTML as text: no element is created', async () => {
    const { el, session } = await chatCall();
    const evil = '<img src=x onerror="window.__chatXss = 1"><b>bold</b><script>1</script>';
    session.emit({ type: 'message', text: evil, sender: AGENT });
    expect(await shown(el)).to.deep.equal([evil]);
    const root = await panelRoot(el);
    expect(root.querySelectorAll('img, b, script').length).to.equal(0);
    await settle();
    expect((window as { __chatXss?: number }).__chatXss).to.equal(undefined);
    await hangUp(el);
  });

  it('makes https links clickable (new tab, noopener noreferrer), and nothing else', async () => {
    const { el, session } = await chatCall();
    const text =
      'Menu: https://example.com/menu?day=1. Old: http://example.com/x, ' +
      'javascript:alert(1) data:text/html,x https://user:pw@evil.example/ ' +
      'HTTPS://Example.com/Caps (see https://example.org/a)';
    session.emit({ type: 'message', text, sender: AGENT });
    expect(await shown(el)).to.deep.equal([text]);
    const links = (await panelRoot(el)).querySelectorAll<HTMLAnchorElement>('[part~="text"] a');
    expect([...links].map((a) => [a.getAttribute('href'), a.textContent])).to.deep.equal([
      ['https://example.com/menu?day=1', 'https://example.com/menu?day=1'],
      ['https://example.com/Caps', 'HTTPS://Example.com/Caps'],
      ['https://example.org/a', 'https://example.org/a'],
    ]);
    for (const a of links) {
      expect(a.target).to.equal('_blank');
      expect(a.rel).to.equal('noopener noreferrer');
    }
    await hangUp(el);
  });

  it('cuts an incoming text over 2,000 characters, with a visible marker', async () => {
    const { el, session, log } = await chatCall();
    session.emit({ type: 'message', text: 'a'.repeat(2500), sender: AGENT });
    session.emit({ type: 'message', text: 'b'.repeat(2000), sender: AGENT });
    expect(log.messages.map((m) => m.text.length)).to.deep.equal([2000, 2000]);
    expect(el.messages.map((m) => m.text.length)).to.deep.equal([2000, 2000]);
    expect(await shown(el)).to.deep.equal([
      `${'a'.repeat(2000)} … [message shortened]`,
      'b'.repeat(2000),
    ]);
    await hangUp(el);
  });

  it('shows who wrote each message, when, and how each of the visitor’s went', async () => {
    const { el, session } = await chatCall();
    session.emit({ type: 'message', text: 'Hi, how can I help?', sender: AGENT });
    await el.sendMessage('A table for 4');
    session.deliveryCode = 'hold';
    void el.sendMessage('at 8 pm').catch(() => undefined);
    const items = await parts(el, 'message');
    expect(items.map((i) => i.getAttribute('part'))).to.deep.equal([
      'message message-in',
      'message message-out',
      'message message-out',
    ]);
    const meta = (await parts(el, 'message-meta')).map((m) => m.textContent!.split(/\s+/)[0]);
    expect(meta).to.deep.equal(['Agent', 'You', 'You']);
    const time = items[0]!.querySelector('time')!;
    expect(time.dateTime).to.equal(new Date(el.messages[0]!.at).toISOString());
    expect(time.textContent).to.match(/\d/);
    const statuses = (await parts(el, 'message-status')).map((s) => s.textContent);
    expect(statuses).to.deep.equal(['Delivered', 'Sending…']);
    await hangUp(el);
  });

  it('counts unread messages on the toggle while the view is closed, and resets when opened', async () => {
    const { el, session } = await chatCall();
    session.emit({ type: 'message', text: 'seen', sender: AGENT });
    expect(await has(el, 'unread')).to.equal(false);
    const toggle = (await part<HTMLButtonElement>(el, 'text-toggle'))!;
    toggle.click();
    session.emit({ type: 'message', text: 'one', sender: AGENT });
    expect((await part(el, 'unread'))!.textContent!.replace(/\s+/g, ' ')).to.equal('1 unread');
    session.emit({ type: 'message', text: 'two', sender: AGENT });
    await el.sendMessage('mine does not count');
    expect((await part(el, 'unread'))!.textContent!.replace(/\s+/g, ' ')).to.equal('2 unread');
    toggle.click();
    expect(await has(el, 'unread')).to.equal(false);
    expect(await shown(el)).to.deep.equal(['seen', 'one', 'two', 'mine does not count']);
    toggle.click();
    expect(await has(el, 'unread')).to.equal(false);
    session.emit({ type: 'message', text: 'three', sender: AGENT });
    expect((await part(el, 'unread'))!.textContent!.replace(/\s+/g, ' ')).to.equal('1 unread');
    await hangUp(el);
  });

  it('reads incoming messages to screen readers (open or closed), not the visitor’s own', async () => {
    const { el, session } = await chatCall();
    const live = async () => (await panelRoot(el)).querySelector('[aria-live="polite"]')!;
    const region = await live();
    expect(region.textContent!.trim()).to.equal('');
    session.emit({ type: 'message', text: 'Your table is ready', sender: AGENT });
    await el.sendMessage('Thanks!');
    await panelRoot(el);
    expect([...region.querySelectorAll('p')].map((p) => p.textContent)).to.deep.equal([
      'Agent: Your table is ready',
    ]);
    (await part<HTMLButtonElement>(el, 'text-toggle'))!.click();
    session.emit({ type: 'message', text: 'See you soon', sender: AGENT });
    // The same region: additions are announced.
    expect((await live()) === region).to.equal(true);
    expect([...region.querySelectorAll('p')].map((p) => p.textContent)).to.deep.equal([
      'Agent: Your table is ready',
      'Agent: See you soon',
    ]);
    await hangUp(el);
  });

  it('Enter sends and keeps the focus in the emptied input; Shift+Enter adds a line', async () => {
    const { el, session } = await chatCall();
    const field = await type(el, 'first line');
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'second line' });
    expect(session.messages).to.deep.equal([]);
    await sendKeys({ press: 'Enter' });
    await until(() => session.messages.length === 1);
    expect(session.messages).to.deep.equal(['first line\nsecond line']);
    expect(field.value).to.equal('');
    expect(await focusedPart(el)).to.equal('message-input');
    await hangUp(el);
  });

  it('the Send button sends, and the focus goes back to the input', async () => {
    const { el, session } = await chatCall();
    const field = await type(el, 'by button');
    const send = (await part<HTMLButtonElement>(el, 'send'))!;
    send.focus();
    send.click();
    await until(() => session.messages.length === 1);
    expect(session.messages).to.deep.equal(['by button']);
    expect(field.value).to.equal('');
    expect(await focusedPart(el)).to.equal('message-input');
    await hangUp(el);
  });

  it('digits typed in the input are text, not keypad tones', async () => {
    const { el, session } = await chatCall();
    const field = await type(el, 'Table 12 #4*');
    await settle();
    expect(field.value).to.equal('Table 12 #4*');
    expect(session.dtmf).to.deep.equal([]);
    await hangUp(el);
  });

  it('a refused send keeps the text in the input and says why; the draft survives closing the view', async () => {
    const { el, session, log } = await chatCall();
    const long = 'z'.repeat(1001);
    const field = await input(el);
    field.value = long;
    field.dispatchEvent(new Event('input'));
    (await part<HTMLButtonElement>(el, 'send'))!.click();
    await settle();
    expect(session.messages).to.deep.equal([]);
    expect(log.errors.map((e) => e.code)).to.deep.equal(['invalid-message']);
    expect(field.value).to.equal(long);
    const notice = (await part(el, 'message-error'))!;
    expect(notice.getAttribute('role')).to.equal('alert');
    expect(notice.textContent).to.equal(log.errors[0]!.message);
    const toggle = (await part<HTMLButtonElement>(el, 'text-toggle'))!;
    toggle.click();
    await panelRoot(el);
    toggle.click();
    expect((await input(el)).value).to.equal(long);
    (await input(el)).value = 'short';
    (await input(el)).dispatchEvent(new Event('input'));
    (await part<HTMLButtonElement>(el, 'send'))!.click();
    await until(() => session.messages.length === 1);
    expect(await has(el, 'message-error')).to.equal(false);
    await hangUp(el);
  });

  it('a failed message stays, marked not delivered, with a Retry that sends it again', async () => {
    const { el, session } = await chatCall();
    session.deliveryCode = 415;
    await type(el, 'will fail');
    await sendKeys({ press: 'Enter' });
    await until(() => el.messages[0]?.status === 'failed');
    expect(await shown(el)).to.deep.equal(['will fail']);
    expect((await parts(el, 'message-status')).map((s) => s.textContent)).to.deep.equal([
      'Not delivered',
    ]);
    expect((await part(el, 'message-error'))!.textContent).to.equal(
      'Your message could not be delivered.',
    );
    session.deliveryCode = 200;
    const retry = (await part<HTMLButtonElement>(el, 'retry'))!;
    retry.focus();
    retry.click();
    await until(() => el.messages[0]?.status === 'delivered');
    expect(session.messages).to.deep.equal(['will fail', 'will fail']);
    expect(await shown(el)).to.deep.equal(['will fail']);
    expect(await has(el, 'retry')).to.equal(false);
    expect(await focusedPart(el)).to.equal('message-input');
    await hangUp(el);
  });

  it('is accessible (axe) with messages of every kind', async function () {
    this.timeout(15_000); // axe takes about 2 s a run here
    const { el, session } = await chatCall();
    session.emit({ type: 'message', text: 'Hello https://example.com', sender: AGENT });
    await el.sendMessage('Hi');
    session.deliveryCode = 500;
    await el.sendMessage('Second').catch(() => undefined);
    await panelRoot(el);
    await expect(el).to.be.accessible();
    (await part<HTMLButtonElement>(el, 'text-toggle'))!.click();
    session.emit({ type: 'message', text: 'unread', sender: AGENT });
    await panelRoot(el);
    await expect(el).to.be.accessible();
    await hangUp(el);
  });

  it('speaks Indonesian with lang="id"', async () => {
    const { el, session } = await chatCall({ lang: 'id' });
    session.deliveryCode = 415;
    await el.sendMessage('gagal').catch(() => undefined);
    await until(() => el.messages[0]?.status === 'failed');
    await settle();
    // Indonesian arrives in its own chunk, then the panel re-renders.
    await until(() => toggleText(el) === 'Pesan');
    expect((await part(el, 'retry'))!.textContent!.trim()).to.equal('Coba lagi');
    expect((await part(el, 'send'))!.textContent!.trim()).to.equal('Kirim');
    await hangUp(el);
  });

  it('switches language mid-conversation: the view re-renders, the conversation and the draft stay', async () => {
    const { el, session } = await chatCall();
    await el.sendMessage('hello');
    session.emit({ type: 'message', text: 'hi there', sender: AGENT });
    const input = (await part<HTMLTextAreaElement>(el, 'message-input'))!;
    input.value = 'half typed';
    input.dispatchEvent(new Event('input'));
    el.lang = 'id';
    await until(() => toggleText(el) === 'Pesan');
    expect((await part(el, 'send'))!.textContent!.trim()).to.equal('Kirim');
    expect(el.messages.map((m) => m.text)).to.deep.equal(['hello', 'hi there']);
    expect((await part<HTMLTextAreaElement>(el, 'message-input'))!.value).to.equal('half typed');
    expect(el.state).to.equal('in-call');
    await hangUp(el);
  });
});
