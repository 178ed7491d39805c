/**
 * The context capability: what the agent is told about the visitor (the page, the language, a
 * CRM id), sent as `X-` headers on the call's INVITE. Loaded in a chunk of its own, only for a
 * call whose element has a `context`. It checks the whole context when the call is created and
 * throws `invalid-config` on the first thing it does not accept, so a bad context fails the call
 * before the microphone or the gateway is touched; once the call is placed it does nothing.
 *
 * Why it is strict: Janus's SIP plugin copies the `headers` it is given into the INVITE as
 * `Name: value` lines and cleans next to nothing. Recent releases skip a header with CR or LF;
 * 1.1 (Debian's, the local stack's) does not, so a value with a line break adds headers of the
 * page's choosing, `Via` or `Route` included. 1.1 also writes each line into a 255-byte buffer
 * and all of them into a 2,048-byte one: a longer line loses its CRLF and runs into the next.
 * This element is the only filter between the page and the SIP side, so it accepts a small
 * grammar rather than removing what looks dangerous:
 *
 * - Input: a record (its own enumerable string keys; every value a string), or URL query text
 *   (`page=/checkout&order=1234`) parsed as `URLSearchParams` does: `+` is a space and
 *   `%XX` is decoded. At most 10 keys.
 * - Keys: 1 to 32 ASCII letters and digits in words joined by single `-` (no `-` at either end,
 *   no `--`). The header is `X-` and the key with its first letter and every letter after a `-`
 *   upper-cased, the rest as given: `page` → `X-Page`, `crm-id` → `X-Crm-Id`. A key that starts
 *   with `x-` is an ordinary key (`x-foo` → `X-X-Foo`). Two keys for the same header, even in
 *   another case (`a=1&a=2`, `page` and `Page`), are refused: SIP header names ignore case.
 * - Values: printable ASCII (0x20-0x7E) and any other Unicode text, at most 200 characters as
 *   sent. `%`, every character outside ASCII and spaces at either end (which SIP would trim) are
 *   percent-encoded as UTF-8 (`café` → `caf%C3%A9`, `50%` → `50%25`), so decoding any value with
 *   `decodeURIComponent` gives back exactly what the page set; other ASCII goes as it is. Control
 *   characters (C0 including CR, LF, TAB and NUL, DEL, C1) and lone surrogates are refused.
 * - An empty value sends no header (a CRM id the page does not know yet must not fail the
 *   call); its key is still checked.
 * - At most 1,500 bytes of headers in all, counting `Name: value\r\n` for each. With the limits
 *   above, a line is at most 238 bytes.
 *
 * An error's detail names the key (JSON-escaped, cut at 32 characters) and never the value,
 * which may be something the page should not have put there; it reaches the console only.
 *
 * What a PBX must do: treat these headers as untrusted input. Any page, or anyone with a script
 * console, can set any context that passes these rules; the element only guarantees the form.
 * Decode, validate and escape the values before they reach a database, a dialplan variable, a
 * shell or the agent's screen, and never let them choose a route or grant a privilege.
 */
import type { CapabilityFactory } from '../call-contract.js';
import { VoipError } from '../errors.js';

/** Most keys a context may have. */
export const MAX_KEYS = 10;
/** Longest key, in characters. */
export const MAX_KEY_LENGTH = 32;
/** Longest value as sent (after percent-encoding), in characters. */
export const MAX_VALUE_LENGTH = 200;
/** Most bytes of headers in all, counting `Name: value\r\n` for each. */
export const MAX_TOTAL_BYTES = 1500;

/** Words of ASCII letters and digits joined by single `-`. */
const KEY = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/;

function refuse(detail: string): never {
  throw new VoipError('invalid-config', `"context" ${detail}`);
}

/** A key for an error's detail: JSON-escaped, cut at 32 characters. */
function quote(key: string): string {
  return `key ${JSON.stringify(key.slice(0, MAX_KEY_LENGTH))}${key.length > MAX_KEY_LENGTH ? '…' : ''}`;
}

/** A value as sent: `%`, non-ASCII and edge spaces percent-encoded; control characters refused. */
function encodeValue(key: string, value: string): string {
  let out = '';
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) refuse(`${quote(key)}: control character in value`);
    try {
      out += c > 0x7e || ch === '%' ? encodeURIComponent(ch) : ch;
    } catch {
      refuse(`${quote(key)}: value is not valid Unicode`); // a lone surrogate
    }
  }
  out = out.replace(/^ +| +$/g, (spaces) => '%20'.repeat(spaces.length));
  if (out.length > MAX_VALUE_LENGTH) {
    refuse(`${quote(key)}: value over ${MAX_VALUE_LENGTH} characters as sent`);
  }
  return out;
}

/** The header name for a valid key: `X-`, with each word's first letter upper-cased. */
function headerName(key: string): string {
  return `X-${key.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase())}`;
}

/** The key/value pairs of a context, as given, in order. */
function entries(input: unknown): Array<[string, unknown]> {
  if (input === null || input === undefined || input === '') return [];
  if (typeof input === 'string') return [...new URLSearchParams(input)];
  if (typeof input !== 'object' || Array.isArray(input)) refuse('must be a record or query text');
  return Object.keys(input).map((key) => [key, (input as Record<string, unknown>)[key]]);
}

/**
 * The SIP headers for a context (see the module's comment for the rules): header name → value
 * as sent. Throws a `VoipError` `invalid-config` naming the key for anything it does not accept.
 */
export function contextHeaders(input: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  let count = 0;
  let bytes = 0;
  for (const [key, value] of entries(input)) {
    if (++count > MAX_KEYS) refuse(`has more than ${MAX_KEYS} keys (at ${quote(key)})`);
    if (key.length > MAX_KEY_LENGTH) refuse(`${quote(key)}: over ${MAX_KEY_LENGTH} characters`);
    if (!KEY.test(key)) refuse(`${quote(key)}: only letters, digits and single inner "-"`);
    const name = headerName(key);
    if (seen.has(name.toLowerCase())) refuse(`${quote(key)}: given twice`);
    seen.add(name.toLowerCase());
    if (typeof value !== 'string') refuse(`${quote(key)}: value is not a string`);
    const sent = encodeValue(key, value);
    if (sent === '') continue;
    bytes += `${name}: ${sent}\r\n`.length;
    if (bytes > MAX_TOTAL_BYTES)
      refuse(`over ${MAX_TOTAL_BYTES} bytes of headers (at ${quote(key)})`);
    headers[name] = sent;
  }
  return headers;
}

export const context: CapabilityFactory = (call) => {
  const headers = contextHeaders(call.plan.context);
  // Nothing to send (only empty values): the INVITE goes without a `headers` field.
  return {
    callOptions: Promise.resolve(Object.keys(headers).length > 0 ? { headers } : {}),
    stop: () => undefined,
  };
};
