/**
 * The rules of the text conversation, pure: what a visitor may send, how an incoming text is
 * cut, which parts of a text are links, and the send rate limit.
 */

/** The longest text a visitor may send (UTF-16 code units, as `String.length` counts). */
export const MAX_SENT = 1000;
/** The longest incoming text shown whole; a longer one is cut with a visible marker. */
export const MAX_RECEIVED = 2000;

/** C0 controls except `\n`, DEL, and C1 controls. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\0-\t\v-\x1f\x7f-\x9f]/;

/** Why `text` cannot be sent (for developers), or `undefined` when it can. */
export function invalidText(text: unknown): string | undefined {
  if (typeof text !== 'string' || text.trim() === '') return 'no text';
  if (text.length > MAX_SENT) return `${text.length} characters, at most ${MAX_SENT}`;
  const control = CONTROL.exec(text)?.[0];
  return control === undefined
    ? undefined
    : `control character U+${control.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** An incoming text cut to {@link MAX_RECEIVED} (never inside a surrogate pair), or `undefined`. */
export function shortened(text: string): string | undefined {
  if (text.length <= MAX_RECEIVED) return undefined;
  const end = /[\ud800-\udbff]/.test(text.charAt(MAX_RECEIVED - 1))
    ? MAX_RECEIVED - 1
    : MAX_RECEIVED;
  return text.slice(0, end);
}

/** A link found in a text: where it goes, and the text shown. */
export interface Link {
  readonly href: string;
  readonly text: string;
}

/** Candidates: `https://` up to white space; trailing punctuation is the sentence's. */
const CANDIDATE = /https:\/\/[^\s<>"]+/gi;
const TRAILING = /[.,;:!?'")\]}]+$/;

/**
 * `text` split into plain text and links. Only `https:` URLs that `new URL` parses, without a
 * user name or password, are links; everything else (`http:`, `javascript:`, ...) stays text.
 */
export function linkParts(text: string): Array<string | Link> {
  const parts: Array<string | Link> = [];
  let from = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const shown = match[0].replace(TRAILING, '');
    const href = httpsHref(shown);
    if (href === undefined) continue;
    const at = match.index;
    if (at > from) parts.push(text.slice(from, at));
    parts.push({ href, text: shown });
    from = at + shown.length;
  }
  if (from < text.length) parts.push(text.slice(from));
  return parts;
}

function httpsHref(candidate: string): string | undefined {
  try {
    const url = new URL(candidate);
    return url.protocol === 'https:' && !url.username && !url.password ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** @internal The rate limit's clock, in ms; tests replace `now`. */
export const clock = { now: (): number => performance.now() };

/**
 * A sliding-window limit: each call takes one slot and returns `true`, or returns `false` (and
 * takes nothing) when `max` slots were taken within the last `windowMs`.
 */
export function limiter(max: number, windowMs: number): () => boolean {
  let taken: number[] = [];
  return () => {
    const now = clock.now();
    taken = taken.filter((t) => now - t < windowMs);
    if (taken.length >= max) return false;
    taken.push(now);
    return true;
  };
}
