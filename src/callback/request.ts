/**
 * The "Request a callback" body: ONE set of rules, imported by the browser form (to tell the
 * visitor what is wrong before sending) and by `callbackHandler` in `voip-call-button/server` (to
 * refuse whatever a browser was made to send). No DOM and no Node APIs, and small: it ships to
 * browsers.
 *
 * There is one canonical form of each body: the form omits empty optional fields, and the checker
 * refuses `""` for them rather than reading it as "absent", so the site's `onRequest` never has to
 * tell the two apart. The form is expected to send what `checkCallbackRequest` returned for its
 * own draft (names and notes trimmed, only the known fields).
 */
import { parseDialString } from '../sip/dial-target.js';

/** A callback request as the element sends it (the JSON body). */
export interface CallbackRequest {
  /** Idempotency key: the same request retried carries the same id. 8-64 chars of [A-Za-z0-9_-]. */
  readonly id: string;
  /** The visitor's number, canonical: "+" and digits (E.164) or national digits. */
  readonly phone: string;
  /** 1-100 characters (code points) after trimming, no control characters. */
  readonly name?: string;
  /**
   * ISO 8601: an instant (`2026-12-07T08:00:00.000Z`, or with an offset such as `+07:00`), or an
   * interval `START/END` of two such instants with START < END; at most 64 characters.
   */
  readonly preferredTime?: string;
  /** At most 500 characters (code points) after trimming; no control characters except `\n`. */
  readonly note?: string;
  /** The visitor's language, a BCP 47-ish tag: `[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*`, ≤ 35 chars. */
  readonly language?: string;
}

/** Which part of a body was refused: a field's name, or `body` for the shape as a whole. */
export type CallbackField =
  'id' | 'phone' | 'name' | 'preferredTime' | 'note' | 'language' | 'body';

/** Longest note, in code points (an emoji counts as one, as the visitor sees it). */
export const NOTE_MAX_LENGTH = 500;
/** Longest name, in code points. */
export const NAME_MAX_LENGTH = 100;
/** Longest `preferredTime`, in characters (an interval of two instants with offsets fits). */
export const PREFERRED_TIME_MAX_LENGTH = 64;
/** Longest `language` tag (BCP 47 recommends supporting at least 35). */
export const LANGUAGE_MAX_LENGTH = 35;
/** Fewest digits in a callback number: shorter ones are extensions or service codes. */
export const PHONE_MIN_DIGITS = 4;

const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'phone',
  'name',
  'preferredTime',
  'note',
  'language',
]);

const ID = /^[A-Za-z0-9_-]{8,64}$/;
const LANGUAGE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;
// Control characters (C0, DEL, C1), lone surrogates (not text; they break UTF-8 storage and
// mail), and the bidi embedding/override/isolate controls, which can make a name or note read
// differently in the operator's mail or dashboard than what was typed ("Trojan Source").
const FORBIDDEN_TEXT = /[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]/u;
// Seconds and a fraction are optional (a datetime-local input gives minutes); the offset is not:
// a time without one would mean a different instant to the visitor and to the site.
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** The number of code points in `text` (what a visitor counts as characters; emoji count once). */
export function codePointLength(text: string): number {
  return Array.from(text).length;
}

/**
 * The canonical phone for what a visitor typed, or null: the project's dial grammar
 * (`parseDialString`: `+` and up to 15 digits, or national digits; spaces, dots, dashes and
 * parentheses ignored), but digits only (no `*` or `#`: those are feature codes, not numbers to
 * call back) and at least 4 of them. A canonical number parses to itself.
 */
export function parseCallbackPhone(input: string): string | null {
  const target = parseDialString(input);
  if (!target || !/^\+?[0-9]+$/.test(target.digits)) return null;
  const digitCount = target.digits.replace('+', '').length;
  return digitCount >= PHONE_MIN_DIGITS ? target.digits : null;
}

/** Milliseconds since the epoch of an ISO 8601 instant in the accepted form, or null. */
function instantMs(text: string): number | null {
  const match = INSTANT.exec(text);
  if (!match) return null;
  // Optional groups that did not take part are undefined at run time, whatever the type says.
  const m: readonly (string | undefined)[] = match;
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = Number(m[6] ?? '0');
  const ms = Number((m[7] ?? '').padEnd(3, '0'));
  const offsetHours = Number(m[9] ?? '0');
  const offsetMinutes = Number(m[10] ?? '0');
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) {
    return null;
  }
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  // A day the month does not have (2026-02-30) rolls over: refuse it instead.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  date.setUTCHours(hour, minute, second, ms);
  const offset = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  return date.getTime() - offset * 60_000;
}

function validPreferredTime(value: string): boolean {
  if (value.length > PREFERRED_TIME_MAX_LENGTH) return false;
  const parts = value.split('/');
  if (parts.length === 1) return instantMs(value) !== null;
  if (parts.length !== 2) return false;
  const start = instantMs(parts[0] ?? '');
  const end = instantMs(parts[1] ?? '');
  return start !== null && end !== null && start < end;
}

/** The trimmed text when it is 1..max code points with no forbidden character, else null. */
function cleanText(value: string, max: number, allowNewline: boolean): string | null {
  const text = value.trim();
  if (text.length === 0 || codePointLength(text) > max) return null;
  const checked = allowNewline ? text.replace(/\n/g, '') : text;
  return FORBIDDEN_TEXT.test(checked) ? null : text;
}

/**
 * Checks a parsed JSON body. A non-object or an unknown key → `body`; a wrong type or value → that
 * field (fields are checked in the order of {@link CallbackRequest}, the first bad one is named).
 * Optional fields may be absent (or `undefined`, which JSON cannot carry anyway); `""`, `null` and
 * whitespace-only text are refused, so each request has one canonical form. Returns the request
 * with only the known fields, `name` and `note` trimmed.
 */
export function checkCallbackRequest(
  body: unknown,
): { ok: true; request: CallbackRequest } | { ok: false; field: CallbackField } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, field: 'body' };
  }
  // Own keys only: JSON.parse makes "__proto__" an own key, which is refused here as unknown.
  if (Object.keys(body).some((key) => !KNOWN_FIELDS.has(key))) return { ok: false, field: 'body' };
  const fields = body as Record<string, unknown>;
  const { id, phone, name, preferredTime, note, language } = fields;

  if (typeof id !== 'string' || !ID.test(id)) return { ok: false, field: 'id' };
  if (typeof phone !== 'string' || parseCallbackPhone(phone) !== phone) {
    return { ok: false, field: 'phone' };
  }
  const request: {
    id: string;
    phone: string;
    name?: string;
    preferredTime?: string;
    note?: string;
    language?: string;
  } = { id, phone };
  if (name !== undefined) {
    const text = typeof name === 'string' ? cleanText(name, NAME_MAX_LENGTH, false) : null;
    if (text === null) return { ok: false, field: 'name' };
    request.name = text;
  }
  if (preferredTime !== undefined) {
    if (typeof preferredTime !== 'string' || !validPreferredTime(preferredTime)) {
      return { ok: false, field: 'preferredTime' };
    }
    request.preferredTime = preferredTime;
  }
  if (note !== undefined) {
    const text = typeof note === 'string' ? cleanText(note, NOTE_MAX_LENGTH, true) : null;
    if (text === null) return { ok: false, field: 'note' };
    request.note = text;
  }
  if (language !== undefined) {
    if (
      typeof language !== 'string' ||
      language.length > LANGUAGE_MAX_LENGTH ||
      !LANGUAGE.test(language)
    ) {
      return { ok: false, field: 'language' };
    }
    request.language = language;
  }
  return { ok: true, request };
}
