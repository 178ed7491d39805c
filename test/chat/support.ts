/** Helpers for the text capability's tests: an answered call on the fake, its events, its view. */
import '../../src/voip-call-button.js';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import type { VoipCallPanel } from '../../src/panel/call-panel.js';
import type {
  VoipEndedDetail,
  VoipErrorDetail,
  VoipMessageDetail,
  VoipMessageStatusDetail,
} from '../../src/events.js';
import { answeredCall, hangUp, mountWithFake, until } from '../support/fake-connector.js';

/** The text events an element fires, by kind. */
export function recordChat(el: VoipCallButton) {
  const log = {
    messages: [] as VoipMessageDetail[],
    statuses: [] as VoipMessageStatusDetail[],
    errors: [] as VoipErrorDetail[],
    ended: [] as VoipEndedDetail[],
  };
  el.addEventListener('voip-message', (e) => log.messages.push(e.detail));
  el.addEventListener('voip-message-status', (e) => log.statuses.push(e.detail));
  el.addEventListener('voip-error', (e) => log.errors.push(e.detail));
  el.addEventListener('voip-ended', (e) => log.ended.push(e.detail));
  return log;
}

/** An element whose call to the fake is answered, with its text events recorded. */
export async function chatCall(attributes: Record<string, string> = {}) {
  const { el, connector } = await mountWithFake(attributes);
  const log = recordChat(el);
  await answeredCall(el, connector);
  await el.updateComplete;
  return { el, connector, session: connector.last, log };
}

/** The panel's shadow root, once the panel has rendered what the element has now. */
export async function panelRoot(el: VoipCallButton): Promise<ShadowRoot> {
  await el.updateComplete;
  const panel = el.shadowRoot!.querySelector<VoipCallPanel>('voip-call-panel')!;
  await panel.updateComplete;
  return panel.shadowRoot!;
}

/** The first element of the panel with `part`, after the panel has rendered. */
export async function part<T extends HTMLElement = HTMLElement>(
  el: VoipCallButton,
  name: string,
): Promise<T | null> {
  return (await panelRoot(el)).querySelector<T>(`[part~="${name}"]`);
}

/** Every element of the panel with `part`, after the panel has rendered. */
export async function parts(el: VoipCallButton, name: string): Promise<HTMLElement[]> {
  return [...(await panelRoot(el)).querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
}

/** What a promise settled with: `'resolved'`, or the code of the VoipError it rejected with. */
export async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** Lets queued promise callbacks and a render run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/**
 * One call placed and hung up, for a `before` hook: the first call of a page loads the call and
 * text chunks and opens the fake microphone, which can take longer than a test's waits.
 */
export async function warmUp(): Promise<void> {
  const { el, connector } = await mountWithFake();
  el.call();
  await until(() => el.state === 'calling', 15_000);
  connector.last.emit({ type: 'accepted' });
  await until(() => el.state === 'in-call', 15_000);
  await hangUp(el);
}

/**
 * Whether the panel shows an element with `part`. (Assertions name parts, not elements: chai
 * hangs formatting a failure message about an element of the panel.)
 */
export async function has(el: VoipCallButton, name: string): Promise<boolean> {
  return (await part(el, name)) !== null;
}

/** The part of the element that has the focus in the panel, or `null`. */
export async function focusedPart(el: VoipCallButton): Promise<string | null> {
  return (await panelRoot(el)).activeElement?.getAttribute('part') ?? null;
}

export { hangUp } from '../support/fake-connector.js';
