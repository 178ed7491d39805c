/**
 * What the widget may dial. The `number` and `sip-domain` attributes are the only things a page
 * controls, so they are parsed against a small grammar rather than filtered: anything that is not
 * a phone number or an extension is refused before any network traffic.
 *
 * ```
 * number    = phone / extension
 * phone     = "+" 1*15 DIGIT            ; E.164; spaces, dots, dashes and parentheses are ignored
 * extension = 1*20 ( DIGIT / "*" / "#" ) ; spaces, dots and dashes are ignored
 * DIGIT     = %x30-39                    ; ASCII only: no other scripts' digits
 * domain    = host [ ":" port ]          ; host = DNS name / IPv4 / "[" IPv6 "]"
 * ```
 */

/** A number that passed validation. */
export interface DialTarget {
  /** `e164` for `+` numbers, `extension` for digits with `*` and `#`. */
  readonly kind: 'e164' | 'extension';
  /** The canonical dial string: `+` and digits, or digits, `*` and `#`. */
  readonly digits: string;
}

/** Longest raw attribute value looked at; longer input is refused without parsing. */
export const MAX_INPUT_LENGTH = 64;
/** E.164 allows at most 15 digits after the `+`. */
export const MAX_E164_DIGITS = 15;
/** Longest extension, feature code or national number (digits, `*`, `#`). */
export const MAX_EXTENSION_LENGTH = 20;

/** Trims spaces only: CR, LF, tabs and other white space are refused, not trimmed. */
function trimSpaces(value: string): string {
  return value.replace(/^ +| +$/g, '');
}

const SEPARATORS = /[ .\-()]/g;
const E164 = /^\+[0-9]{1,15}$/;
const EXTENSION = /^[0-9*#]+$/;

/**
 * Parses a `number` attribute. Returns `null` when it is not a valid phone number or extension.
 * Parentheses are only accepted in `+` numbers, as in `+62 (21) 555-0100`.
 */
export function parseDialString(input: string | null | undefined): DialTarget | null {
  if (typeof input !== 'string' || input.length > MAX_INPUT_LENGTH) return null;
  const raw = trimSpaces(input);
  if (raw.length === 0) return null;
  const compact = raw.replace(SEPARATORS, '');
  if (raw.startsWith('+')) {
    if (!E164.test(compact) || compact.length - 1 > MAX_E164_DIGITS) return null;
    return { kind: 'e164', digits: compact };
  }
  if (/[()]/.test(raw)) return null;
  if (!EXTENSION.test(compact) || compact.length > MAX_EXTENSION_LENGTH) return null;
  return { kind: 'extension', digits: compact };
}

/**
 * `host[:port]`: a DNS name (labels of ASCII letters, digits and inner dashes; an IPv4 address
 * is one too) or an IPv6 address in brackets, then an optional port.
 */
const DOMAIN =
  /^((?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*|\[[0-9a-f.]*:[0-9a-f:.]*\])(:[0-9]{1,5})?$/;

/** Parses a `sip-domain` attribute (`host[:port]`). Returns the normalized form, or `null`. */
export function parseSipDomain(input: string | null | undefined): string | null {
  if (typeof input !== 'string' || input.length > 260) return null;
  const match = DOMAIN.exec(trimSpaces(input).toLowerCase());
  const port = Number(match?.[3]?.slice(1) ?? 1);
  if (!match || match[1].length > 253 || port < 1 || port > 65535) return null;
  return match[3] ? `${match[1]}:${port}` : match[1];
}

/**
 * The SIP URI dialed for a target at a domain. `#` is not allowed unescaped in a SIP user part
 * (RFC 3261 §25.1), so it is sent as `%23`; `*` and `+` are allowed as they are.
 */
export function toSipUri(target: DialTarget, domain: string): string {
  return `sip:${target.digits.replace(/#/g, '%23')}@${domain}`;
}

/**
 * Parses a `server` attribute: one or more gateway URLs separated by white space. Each must be
 * `wss:` or `https:` (`ws:` and `http:` only for localhost, 127.0.0.0/8 and [::1]) with no
 * credentials in it. Returns `null` when any is invalid.
 */
export function parseServers(input: string | null | undefined): string[] | null {
  if (typeof input !== 'string') return null;
  const parts = input.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0 || parts.length > 8) return null;
  const out: string[] = [];
  for (const part of parts) {
    let url: URL;
    try {
      url = new URL(part);
    } catch {
      return null;
    }
    if (!['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol)) return null;
    // Unencrypted transports only for this machine; anything else needs TLS.
    if (
      (url.protocol === 'ws:' || url.protocol === 'http:') &&
      !/^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(url.hostname)
    ) {
      return null;
    }
    if (url.username !== '' || url.password !== '' || url.hash !== '') return null;
    out.push(url.href);
  }
  return out;
}
