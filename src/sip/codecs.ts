/**
 * The voice codecs a call offers, best first (the `codecs` attribute): wideband by default, Opus
 * then G.722, and G.711 (PCMU, PCMA) always kept as the last resort, so a call never fails for
 * want of a codec. The gateway relays the media without transcoding: the far end picks from the
 * offer. Pure.
 */

/** The voice codecs this knows by name (the SDP's encoding names, lower case). */
const VOICE = ['opus', 'g722', 'pcmu', 'pcma'];
const G711 = ['pcmu', 'pcma'];

/**
 * The order of preference from the attribute's value: the names it lists that this knows, in
 * its order (others ignored, case and commas alike), then G.711 if it did not list it. Without
 * a known name: Opus, G.722, PCMU, PCMA.
 */
export function codecOrder(attribute: string | null | undefined): string[] {
  const named = (attribute ?? '')
    .toLowerCase()
    .split(/[\s,]+/)
    .filter((name, i, all) => VOICE.includes(name) && all.indexOf(name) === i);
  const order = named.length > 0 ? named : [...VOICE];
  return [...order, ...G711.filter((name) => !order.includes(name))];
}

/**
 * `sdp` with each audio section offering the voice codecs of `order` in that order; the voice
 * codecs it does not list are taken out (with their attribute lines, and RED when it carries one
 * of them); other payloads (DTMF, comfort noise, codecs this does not know) follow unchanged.
 */
export function preferCodecs(sdp: string, order: readonly string[]): string {
  return sdp
    .split(/(?=\r?\nm=)/)
    .map((section) => (/^\r?\nm=audio/.test(section) ? reorder(section, order) : section))
    .join('');
}

/** One audio section (from its line break before `m=`) with its payloads reordered. */
function reorder(section: string, order: readonly string[]): string {
  const names: Record<string, string> = {};
  for (const [, pt = '', name = ''] of section.matchAll(/a=rtpmap:(\d+) ([^/\s]+)/g)) {
    names[pt] = name.toLowerCase();
  }
  const dropped = new Set<string>();
  for (const [pt, name] of Object.entries(names)) {
    if (VOICE.includes(name) && !order.includes(name)) dropped.add(pt);
  }
  // RED (redundant audio) names the payload it repeats: it goes with it.
  for (const [, pt = '', carried = ''] of section.matchAll(/a=fmtp:(\d+) (\d+)\//g)) {
    if (names[pt] === 'red' && dropped.has(carried)) dropped.add(pt);
  }
  const rank = (pt: string) => {
    const at = order.indexOf(names[pt] ?? '');
    return at < 0 ? order.length : at;
  };
  return section
    .replace(/(m=audio \S+ \S+)([ \d]*)/, (_, head: string, payloads: string) => {
      const kept = payloads.split(' ').filter((pt) => pt && !dropped.has(pt));
      // (Array sort is stable: payloads of the same rank keep the browser's order.)
      return [head, ...kept.sort((a, b) => rank(a) - rank(b))].join(' ');
    })
    .replace(/\r?\na=(?:rtpmap|fmtp|rtcp-fb):(\d+) [^\r\n]*/g, (line, pt: string) =>
      dropped.has(pt) ? '' : line,
    );
}
