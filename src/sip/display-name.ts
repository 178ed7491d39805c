/**
 * Display names go into a SIP header, which the Janus SIP plugin copies verbatim.
 */

/** Longest display name sent; longer names are cut. */
export const MAX_DISPLAY_NAME_LENGTH = 64;

/**
 * Makes a `display-name` safe for a SIP From header: the gateway copies it verbatim, so quotes,
 * backslashes, angle brackets and control characters are dropped and the length is bounded.
 * Returns `undefined` when nothing is left.
 */
export function sanitizeDisplayName(input: string | null | undefined): string | undefined {
  if (typeof input !== 'string') return undefined;
  const cleaned = input
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\u0000-\u001f\u007f"\\<>]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const bounded = Array.from(cleaned).slice(0, MAX_DISPLAY_NAME_LENGTH).join('').trim();
  return bounded === '' ? undefined : bounded;
}
