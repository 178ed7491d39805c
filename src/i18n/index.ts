/**
 * The translation registry. English is built in (its call-outcome text arrives with the call
 * chunk). The other built-in languages are listed in `languages.ts` and each is its own small
 * module: both load when an element's language asks for one. A page adds any other language
 * with {@link registerTranslation}; a missing string falls back to English, string by string.
 */
import { en } from './en.js';
import type { MessageKey, Messages } from './messages.js';

export type { MessageKey, Messages } from './messages.js';

const registry = new Map<string, Partial<Messages>>([['en', en]]);

const loading = new Map<string, Promise<void>>();
const loaded = new Set<string>();

let changed = () => {};

/** Sets what runs after `registerTranslation` (the element renders its instances again). */
export function onTranslation(then: () => void): void {
  changed = then;
}

/**
 * Adds messages for a language tag such as `de` or `pt-BR` (merged with any it already has);
 * the elements already on the page show them at once.
 */
export function registerTranslation(lang: string, messages: Partial<Messages>): void {
  const tag = lang.toLowerCase();
  registry.set(tag, { ...registry.get(tag), ...messages });
  changed();
}

/** Adds built-in messages that arrive late: they fill gaps, never replace a page's own text. */
export function addBuiltInTranslation(lang: string, messages: Partial<Messages>): void {
  const tag = lang.toLowerCase();
  registry.set(tag, { ...messages, ...registry.get(tag) });
}

function candidates(lang: string | null | undefined): string[] {
  const tag = (lang ?? '').trim().toLowerCase();
  return [tag, tag.split('-')[0] ?? ''];
}

/** The text for `key` in a language: exact tag, then its primary subtag, then English. */
export function translate(lang: string | null | undefined, key: MessageKey): string {
  for (const tag of [...candidates(lang), 'en']) {
    const text = registry.get(tag)?.[key];
    if (text !== undefined) return text;
  }
  return key;
}

/**
 * Loads a built-in language once (it fills gaps in what the page registered for it): the list of
 * built-in languages is a chunk of its own (`languages.ts`), and so is each language. Returns the
 * pending load, or `undefined` when there is nothing (more) to load (English, or loaded).
 */
export function loadTranslation(lang: string | null | undefined): Promise<void> | undefined {
  const [, primary = ''] = candidates(lang);
  if (primary === 'en' || loaded.has(primary)) return undefined;
  let pending = loading.get(primary);
  if (!pending) {
    pending = import('./languages.js')
      .then((list) => list.language(primary))
      .then(
        (messages) => messages && addBuiltInTranslation(primary, messages),
        (error: unknown) =>
          console.warn(`<voip-call-button> language "${primary}" not loaded`, error),
      )
      .finally(() => loaded.add(primary));
    loading.set(primary, pending);
  }
  return pending;
}
