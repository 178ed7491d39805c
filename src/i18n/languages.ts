/**
 * The built-in languages other than English, by primary language subtag: each is a chunk of its
 * own, loaded when an element's language asks for it. This list is a chunk too, so that adding a
 * language costs the first load nothing.
 */
import type { Messages } from './messages.js';

const LANGUAGES: Readonly<Partial<Record<string, () => Promise<Messages>>>> = {
  id: () => import('./id.js').then((m) => m.id),
};

/** The messages of a built-in language (`undefined` when it is not one). */
export function language(primary: string): Promise<Messages> | undefined {
  return LANGUAGES[primary]?.();
}
