// npm run size: what a page downloads, in bytes gzip -9, against the budgets. Builds first when
// dist/ is missing. Exits 1 when a budget is exceeded.
//   before the first click: the CDN entry and everything it imports statically;
//   a voice call: that plus every chunk loaded with import() for a call (not languages), but
//   video's (the chunks only a call with `video` optional or on loads);
//   a video call: every chunk of a call;
//   closed, with its offers: the first load plus the away chunk (loaded at the first render of
//   an element with `hours`, `voicemail` or `callback-url`) and the callback form's chunk.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { run } from './lib/run.mjs';

// The first load must not grow; a complete call grew by 2 % when the call chunk was split into
// its folders (issue 10), and may not grow further without a reason written here.
// Issue 11 (text, transfers, context, remote hold): the first load did not grow (9,906 -> 9,901
// B: the panel's exported parts moved into the panel, shorter console details). A complete call
// grew from 34,823 to 41,136 B, every capability loaded: the text chunk 2.7 KB (with every
// call: sendMessage() works whatever the panel shows), transfers 0.8 KB (with every call: a
// transfer asked for must be followed or declined), context 1.0 KB (only when the page sets
// one), and 1.8 KB in the call chunk (the Janus session's MESSAGE, REFER and re-INVITE handling,
// the call's transfer and remote-hold plumbing, the Text view's styles, which must be in the
// panel's own stylesheet under a strict style-src CSP). A call without context: 40.2 KB.
// Issue 12 (video): the first load did not grow (9,902 -> 9,899 B: the element hands its
// properties to the call by name). A voice call shrank from 41,130 to 39,242 B although
// the call chunk learnt the video plumbing (the session's video events, the capability hooks),
// because the build drops janus.js's logging calls, all no-ops under `debug: false` (2.5 KB).
// Video comes in two chunks only a call with `video` optional or on loads: the capability (the
// camera, screen, view and its styles, figures, hold and lost devices; 3.7 KB) and the Janus
// session's video (janus-video.ts: VP8 on every video m-line, refused and video-less answers;
// 0.9 KB): a video call is 43,748 B.
// Issue 13 (opening hours, voicemail, callback): the first load grew by 63 B (9,899 -> 9,962,
// within its budget): the hook that loads the away chunk for an element with `hours`,
// `voicemail` or `callback-url` (a call waits for it: the hours may forbid it), the `open`
// getter, the call's `purpose`, a bad setting's name in `voip-error` and three properties; a simpler sip-domain pattern saved 150 B
// of it. The hours check itself (the parser and evaluation, 1.4 KB) is not eager: it is in the
// away chunk (3.6 KB with the offers and their styles), which only such an element loads, right at its first
// render; the form (5.0 KB, with the shared request rules) loads when the visitor opens it.
// A call loads neither; a voice call grew with the first load (39,242 -> 39,301).
// Issue 14 (first part): the panel returns the focus to the call button when a call ends, says
// which in-call action failed (role=alert) and leaves digits typed into its fields alone: 0.3 KB
// in the call chunk (24,771 -> 25,097 B), so a voice call is 39,622 B and a video call 44,126 B.
// The session's janus.js operations settle when it closes (whileOpen): 25,133 B, a voice call
// 39,658 B, a video call 44,165 B.
// The list of built-in languages became a chunk of its own (0.3 KB, loaded only for a language
// other than English), which made the first load 5 B smaller and let ar, de, es, fr, ja and pt in
// (2.2-2.7 KB each, on demand) at no first-load cost.
// Issue 14: the checks of number, sip-domain and server moved from the first load to the call
// (call/plan.ts; the parser sip/dial-target.ts became a 0.7 KB chunk the call, the offers, text
// and transfers share): the first load 9,957 -> 9,286 B, room for the themes, sizes and following
// the page's language that every page needs at first paint. A call pays for the split (a file of
// its own compresses apart): a voice call 39,658 -> 39,913 B, a video call 44,165 -> 44,458 B.
// Then themes (light, dark, auto: each default colour a light-dark() pair, in the first load
// and in each chunk that draws), forced colours, sizes, and following the page's language and
// registerTranslation: the first load 9,286 -> 9,589 B; the call chunk +106 B, the away and form
// chunks +47 and +51 B. So a voice call 40,323 B, a video call 44,885 B, closed 19,090 B.
const BUDGET_FIRST_CLICK = 9_965;
// The call timer in the visitor's language and digits (Intl.DurationFormat, with a fallback):
// the call chunk 25,393 -> 25,494 B, a voice call 40,511 B, a video call 45,070 B.
// The designed panel: an inline SVG icon on each toggle (mute, hold, keypad, text, settings,
// camera, screen; drawn for this project, in the call chunk so the panel has one look):
// the call chunk 25,494 -> 26,004 B, a voice call 41,020 B, a video call 45,578 B.
// Issue 15: properties for ring-timeout, max-duration and permission-timeout (reflected to the
// attributes the call reads): the first load 9,677 -> 9,730 B, every row by as much.
// Review fixes (the floating element shows itself inline when its chunk cannot load; the
// language lookup without a document), and server-side rendering: the first load 9,762 B.
// Issue 15, Firefox and the token: the bytes received counted on Firefox's candidate pairs (its
// transport stats have none: every Firefox call went to 'reconnecting'), and a 10 s limit on the
// token-url request (a call could stay on "Connecting…" for ever): the call chunk 26,018 ->
// 26,090 B, a voice call 41,196 B, a video call 45,757 B. The budgets of both rows +100 B.
// Issue 16, `server-order` (random start, failover round the list): the call chunk 26,165 B.
// Issue 16, `preconnect` (a gateway session opened at hover, press or keyboard focus, taken by
// the next call, closed after 30 s unused or when the page goes away) and the call code fetched
// at the press too: the first load 9,763 -> 9,791 B, the call chunk 26,165 -> 26,576 B, a voice
// call 41,710 B, a video call 46,274 B. The budgets of both rows +450 B.
// Issue 16, `preconnect` registers the session ahead of the call and keeps it after a call for a
// call back (Janus's SIP plugin makes each new handle wait >= 100 ms when it registers; a kept
// handle calls at once): the call chunk 26,576 -> 27,132 B, a voice call 42,264 B, a video
// call 46,826 B. The budgets of both rows +550 B.
// Text and transfers, which every call loads, moved into the call chunk (no round trip after it,
// no chunk overhead): the call chunk 27,132 -> 29,706 B, a voice call 42,264 -> 41,229 B, a
// video call 46,826 -> 45,790 B. The budgets of both rows -1,000 B.
// Issue 17, HD voice: the offer's voice codecs put in order (the `codecs` attribute: Opus, G.722,
// then G.711 by default; codecs not listed taken out) and the codec named in `voip-quality`:
// the call chunk 29,706 -> 30,232 B, a voice call 41,756 B, a video call 46,319 B. Budgets
// +500 B.
// Issue 17, `voip-call-summary` (the quality capability keeps the call's samples and time spent
// reconnecting; the call chunk fires the event, so the first load does not grow): the call
// chunk 30,232 -> 30,537 B, a voice call 42,059 B, a video call 46,617 B. Budgets +300 B.
// `feedback` (the rating after a call): the hook that loads its chunk for an element with the
// attribute, and the place the form renders, made the first load 9,789 -> 9,841 B (within its
// budget), so every row grew by 52 B: a voice call 42,072 -> 42,124 B, a video call 46,632 ->
// 46,684 B, floating 11,572 -> 11,624 B, over their budgets by 24, 34 and 24 B: each +50 B.
// The form (its styles and English) is a chunk of its own, 2.1 KB, that no call loads: the row
// "rated after a call" (the first load and that chunk).
// The pre-call check (`preflight`): the hook that loads its chunk, the place it renders and the
// `preflight()` method made the first load 9,841 -> 9,942 B (+101; the rest of the check is in
// its chunks). The call chunk 30,537 -> 30,798 B: the check takes the call's own code from it
// (the gateway adapter, the token, the quality model: `preflightTools`), so that a call's code
// stays one chunk, and the adapter loads the echo (1.3 KB, its own chunk) on demand. Every row
// with the first load +101 B; a voice call 42,473 B, a video call 47,036 B. The check's row:
// the first load, its chunks and a voice call's.
// RFC 4733 tones sent right at the answer wait for the browser's tone sender (a CI flake): the
// call chunk 30,798 -> 30,875 B, a voice call 42,549 B, a video call 47,112 B, the pre-call
// check 48,486 B (it loads the call chunk). Those three budgets +100 B.
const BUDGET_VOICE_CALL = 42_600;
const BUDGET_VIDEO_CALL = 47_150;
const BUDGET_AWAY = 19_450;
// The floating variant: the hook that loads its chunk, the `variant` property and the shared
// phone icon made the first load 9,589 -> 9,676 B (so a call and the offers grow by as much:
// voice 40,410 B, video 44,972 B, closed 19,177 B, budgets raised by 100 B each);
// its chunk (the round button, the card, their styles and English) is 1.7 KB.
// The round button ignores the second click of a double-click (it folded the card it had just
// opened; a click after the close button folded it is a click of its own): the floating chunk
// 1,724 -> 1,783 B, the row 11,546 B.
const BUDGET_FLOATING = 11_750;
const BUDGET_FEEDBACK = 12_100;
const BUDGET_PREFLIGHT = 48_550;
const ENTRY = 'dist/voip-call-button.js';
/** The list of built-in languages and each language: chunks a page loads only for its language. */
const LANGUAGE_CHUNK = /^chunks\/(languages|id|es|pt|fr|de|ar|ja)-[\w-]+\.js$/;

if (!existsSync(ENTRY)) await run('node', ['scripts/build.mjs']);

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

/** Relative module specifiers a file imports, split into static and dynamic. */
function importsOf(file) {
  const code = readFileSync(file, 'utf8');
  const resolve = (spec) => path.relative('dist', path.join(path.dirname(file), spec));
  const statics = [
    ...code.matchAll(/(?:import|export)\s*(?:[\w*{}\s,$]*from\s*)?["'](\.{1,2}\/[^"']+)["']/g),
  ].map((m) => resolve(m[1]));
  const dynamics = [...code.matchAll(/import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)].map((m) =>
    resolve(m[1]),
  );
  return { statics, dynamics };
}

/** The files reachable from `start`, following static imports, and dynamic ones when asked. */
function closure(start, { dynamic }) {
  const seen = new Set();
  const visit = (rel) => {
    if (seen.has(rel) || (dynamic && LANGUAGE_CHUNK.test(rel) && rel !== start)) return;
    seen.add(rel);
    const { statics, dynamics } = importsOf(path.join('dist', rel));
    for (const next of statics) visit(next);
    if (dynamic) for (const next of dynamics) visit(next);
  };
  visit(start);
  return [...seen];
}

const entry = path.relative('dist', ENTRY);
const total = (files) => files.reduce((sum, f) => sum + gz(path.join('dist', f)), 0);
const firstClick = closure(entry, { dynamic: false });
/** The chunks of the offers when nobody can answer: src/away/ and the callback form. */
const AWAY_CHUNK = /^chunks\/(away|form)-[\w-]+\.js$/;
const everything = closure(entry, { dynamic: true });
/** The floating variant's chunk: only an element with variant="floating" loads it. */
const FLOATING_CHUNK = /^chunks\/floating-[\w-]+\.js$/;
/** The rating form after a call: only an element with `feedback` loads it. */
const FEEDBACK_CHUNK = /^chunks\/feedback-[\w-]+\.js$/;
/**
 * The pre-call check ("Test my connection"): its own chunk and the gateway part it adds to the
 * Janus adapter (the echo); a call loads neither. The check loads the call chunk too.
 */
const PREFLIGHT_CHUNK = /^chunks\/(preflight|echo)-[\w-]+\.js$/;
const call = everything.filter(
  (f) =>
    !AWAY_CHUNK.test(f) &&
    !FLOATING_CHUNK.test(f) &&
    !FEEDBACK_CHUNK.test(f) &&
    !PREFLIGHT_CHUNK.test(f),
);
const feedback = [
  ...new Set([
    entry,
    ...everything
      .filter((f) => FEEDBACK_CHUNK.test(f))
      .flatMap((f) => closure(f, { dynamic: false })),
  ]),
];
const floating = [entry, ...everything.filter((f) => FLOATING_CHUNK.test(f))];
/** The first load, the away and form chunks, and what they import (the dial-string parser). */
const away = [
  ...new Set([
    entry,
    ...everything.filter((f) => AWAY_CHUNK.test(f)).flatMap((f) => closure(f, { dynamic: false })),
  ]),
];
/** The first load, the check's chunks, and the voice call's (which the check loads). */
const preflight = [
  ...new Set([
    entry,
    ...everything.filter((f) => PREFLIGHT_CHUNK.test(f)),
    ...call.filter((f) => !/^chunks\/(janus-)?video-/.test(f)),
  ]),
];
/** The chunks of video: built from src/video/ and src/janus/janus-video.ts, named after them. */
const VIDEO_CHUNK = /^chunks\/(janus-)?video-[\w-]+\.js$/;
const voiceCall = call.filter((f) => !VIDEO_CHUNK.test(f));
/** The list, then each language it loads. */
const languages = importsOf(ENTRY).dynamics.filter((f) => LANGUAGE_CHUNK.test(f));
for (const list of [...languages]) {
  languages.push(
    ...importsOf(path.join('dist', list)).dynamics.filter((f) => LANGUAGE_CHUNK.test(f)),
  );
}

const rows = [
  ['before the first click', total(firstClick), BUDGET_FIRST_CLICK, firstClick],
  ['a voice call', total(voiceCall), BUDGET_VOICE_CALL, voiceCall],
  ['a video call', total(call), BUDGET_VIDEO_CALL, call],
  ['closed, with its offers', total(away), BUDGET_AWAY, away],
  ['floating, folded', total(floating), BUDGET_FLOATING, floating],
  ['rated after a call', total(feedback), BUDGET_FEEDBACK, feedback],
  ['a pre-call check', total(preflight), BUDGET_PREFLIGHT, preflight],
];
let over = false;
for (const [label, bytes, budget, files] of rows) {
  const ok = bytes <= budget;
  over ||= !ok;
  console.log(
    `${label.padEnd(24)} ${String(bytes).padStart(6)} B gzip -9  budget ${budget} B  ${ok ? 'ok' : 'OVER'}  (${files.join(', ')})`,
  );
}
/** What a file is, by the chunk name the build gives it (`index` is the call chunk). */
const role = (f) =>
  f === entry
    ? 'first load'
    : `${/^chunks\/(.+)-[\w-]{8}\.js$/.exec(f)?.[1]?.replace(/^index$/, 'call') ?? 'other'} chunk`;
for (const f of everything) {
  console.log(
    `${`  ${role(f)}`.padEnd(24)} ${String(gz(path.join('dist', f))).padStart(6)} B gzip -9  (${f})`,
  );
}
for (const f of languages) {
  console.log(
    `${'+ language on demand'.padEnd(24)} ${String(gz(path.join('dist', f))).padStart(6)} B gzip -9  (${f})`,
  );
}
if (over) {
  console.error('size: over budget');
  process.exit(1);
}
