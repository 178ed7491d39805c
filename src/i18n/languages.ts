/**
 * The built-in languages other than English, by primary language subtag: each is a chunk of its
 * own, loaded when an element's language asks for it. This list is a chunk too, so that adding a
 * language costs the first load nothing.
 */
import type { Messages } from './messages.js';

const LANGUAGES: Readonly<Partial<Record<string, () => Promise<Messages>>>> = {
  ar: () => import('./ar.js').then((m) => m.ar),
  de: () => import('./de.js').then((m) => m.de),
  es: () => import('./es.js').then((m) => m.es),
  fr: () => import('./fr.js').then((m) => m.fr),
  id: () => import('./id.js').then((m) => m.id),
  ja: () => import('./ja.js').then((m) => m.ja),
  pt: () => import('./pt.js').then((m) => m.pt),
};

/** The messages of a built-in language (`undefined` when it is not one). */
export function language(primary: string): Promise<Messages> | undefined {
  return LANGUAGES[primary]?.();
}
