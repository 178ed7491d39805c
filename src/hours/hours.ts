/**
 * Opening hours: the `hours`, `time-zone` and `closed-dates` attributes, evaluated in the
 * business's time zone. Pure: every function takes the instant as epoch ms, so the visitor's
 * clock zone never matters; only `Intl` is used (no time-zone tables of our own, no timers).
 *
 * `hours` is the common subset of OpenStreetMap's `opening_hours`: rules separated by `;`, each
 * `24/7` or an optional weekday selector (`Mo`, `Mo-Fr`, `Fr-Mo`, `Mo-We,Fr`) followed by `off`,
 * `closed` or comma-separated `HH:MM-HH:MM`. An end at or before the start (`22:00-02:00`) runs
 * into the next day but belongs to the start day. A later rule replaces what earlier rules said
 * for the days it names.
 */

const DAY = 864e5;
const MIN = 6e4;
/** Two letters per weekday, in `Date#getUTCDay` order: a name's index / 2 is its day. */
const DAYS = 'SuMoTuWeThFrSa';

/** A parsed, valid schedule. Opaque to callers except timeZone. */
export interface Schedule {
  /** The IANA time zone the hours are in, as given. */
  readonly timeZone: string;
  /** Per weekday (0 = Sunday): open spans in minutes after that day's midnight; an end past 1440 is in the next day. */
  readonly week: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  /** Whole days closed, `YYYY-MM-DD`. */
  readonly closed: ReadonlySet<string>;
  /** Gives an instant's wall-clock parts in timeZone; made once, as building formatters is the slow part. */
  readonly parts: Intl.DateTimeFormat;
}

/** The attribute at fault when parsing fails. */
export type HoursAttribute = 'hours' | 'time-zone' | 'closed-dates';

/** The `YYYY-MM-DD` of a day number (days since 1970-01-01). */
const iso = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);

function parseWeek(hours: string): Schedule['week'] | null {
  if (hours.length > 500) return null;
  const week = new Array<Schedule['week'][number]>(7).fill([]);
  for (const raw of hours.split(';')) {
    // Spaces around `,` and `-` are a typing habit, not a different meaning.
    const rule = raw.trim().replace(/\s*([,-])\s*/g, '$1');
    let days = [0, 1, 2, 3, 4, 5, 6];
    const spans: Array<[number, number]> = [];
    if (rule === '24/7') spans.push([0, 1440]);
    else {
      const m = /^(?:(\S+)\s+)?(off|closed|[\d:,-]+)$/.exec(rule);
      if (!m) return null;
      if (m[1]) {
        days = [];
        for (const part of m[1].split(',')) {
          const r = /^([A-Z][a-z])(?:-([A-Z][a-z]))?$/.exec(part);
          let a = r ? DAYS.indexOf(r[1]) : -1;
          const b = r ? DAYS.indexOf(r[2] || r[1]) : -1;
          // The only odd index is -1, an unknown name (no two-letter match straddles two names).
          if ((a | b) & 1) return null;
          // Walk from a to b, wrapping past Sunday for `Fr-Mo`.
          for (;;) {
            days.push(a / 2);
            if (a === b) break;
            a = (a + 2) % 14;
          }
        }
      }
      if (m[2] !== 'off' && m[2] !== 'closed') {
        for (const t of m[2].split(',')) {
          const r = /^(\d\d):([0-5]\d)-(\d\d):([0-5]\d)$/.exec(t);
          if (!r) return null;
          const s = +r[1] * 60 + +r[2];
          const e = +r[3] * 60 + +r[4];
          if (s >= 1440 || e > 1440 || e === s) return null;
          spans.push([s, e < s ? e + 1440 : e]);
        }
      }
    }
    for (const d of days) week[d] = spans;
  }
  return week;
}

/**
 * Parses the three attributes; returns the Schedule, or the name of the first bad attribute
 * ('hours' syntax, 'time-zone' missing/unknown to Intl, 'closed-dates' bad date).
 * null/empty closedDates = none.
 */
export function parseSchedule(
  hours: string,
  timeZone: string | null,
  closedDates: string | null,
): Schedule | HoursAttribute {
  const week = parseWeek(hours);
  if (!week) return 'hours';
  let parts: Intl.DateTimeFormat;
  try {
    // A null or empty zone throws too (as "null", or as no name), rather than falling back on the
    // visitor's zone, which is exactly what must not happen.
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone: String(timeZone),
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return 'time-zone';
  }
  const closed = new Set((closedDates ?? '').split(/\s+/).filter(Boolean));
  for (const d of closed) {
    // Round-tripping through Date.UTC refuses 2026-02-30, which Date.UTC would roll into March.
    const ok =
      /^\d{4}-\d\d-\d\d$/.test(d) &&
      iso(Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8)) / DAY) === d;
    if (!ok) return 'closed-dates';
  }
  return { timeZone: String(timeZone), week, closed, parts };
}

/** The business's wall-clock time at instant t, as ms of a UTC date with those fields. */
function wall(s: Schedule, t: number): number {
  const p: Record<string, number> = {};
  for (const { type, value } of s.parts.formatToParts(t)) p[type] = +value;
  // `% 24`: some engines have said 24 for midnight even with h23.
  return (
    Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second) +
    (((t % 1e3) + 1e3) % 1e3)
  );
}

/** The instant of wall-clock time w (as from `wall`) in the business's zone. */
function toEpoch(s: Schedule, w: number): number {
  const off = (t: number): number => wall(s, t) - t;
  // The offsets a day either side: a zone changes at most once in that time.
  const before = off(w - DAY);
  const after = off(w + DAY);
  const t = w - before;
  // The earlier offset when it fits: no change, or before the change, or the first of a repeated
  // (fall-back) hour. The later one when it fits. Neither fits in a spring-forward gap: then the
  // earlier offset lands after the gap, moved forward by its length as the clocks were.
  return before === after || off(t) === before || off(w - after) !== after ? t : w - after;
}

/**
 * The open periods (epoch ms, [start, end)) overlapping [from, from + days*24h), clipped to that
 * window at both ends, merged when contiguous, in order. For the callback form's "preferred
 * time" choice.
 */
export function openPeriods(
  schedule: Schedule,
  from: number,
  days: number,
): Array<{ start: number; end: number }> {
  const to = from + days * DAY;
  const spans: Array<[number, number]> = [];
  // From the business's day before `from` (an overnight span may still run) to its day of `to`.
  for (
    let d = Math.floor(wall(schedule, from) / DAY) - 1;
    d <= Math.floor(wall(schedule, to) / DAY);
    d++
  ) {
    // A closed date drops the spans that start on it; the previous night's span still runs.
    if (schedule.closed.has(iso(d))) continue;
    for (const [a, b] of schedule.week[new Date(d * DAY).getUTCDay()]) {
      spans.push([toEpoch(schedule, d * DAY + a * MIN), toEpoch(schedule, d * DAY + b * MIN)]);
    }
  }
  const out: Array<{ start: number; end: number }> = [];
  for (let [a, b] of spans.sort((x, y) => x[0] - y[0])) {
    a = Math.max(a, from);
    b = Math.min(b, to);
    const last = out.at(-1);
    if (a >= b) continue;
    if (last && a <= last.end) last.end = Math.max(last.end, b);
    else out.push({ start: a, end: b });
  }
  return out;
}

function stateWithin(
  s: Schedule,
  now: number,
  days: number,
): { open: boolean; nextChange: number | null } {
  const p = openPeriods(s, now, days).at(0);
  const open = p?.start === now;
  const next = open ? p.end : p?.start;
  // An open period reaching the window's end may go on beyond it: look further, up to the horizon.
  if (next !== undefined && next < now + days * DAY) return { open, nextChange: next };
  return days < 400 ? stateWithin(s, now, 400) : { open, nextChange: null };
}

/**
 * Whether it is open at `now` (epoch ms) and when that next changes (epoch ms of the next opening
 * or closing), or null when it never changes within a horizon of 400 days (e.g. "24/7" or every
 * day off).
 */
export function hoursAt(
  schedule: Schedule,
  now: number,
): { open: boolean; nextChange: number | null } {
  // A week and a day settles nearly every schedule cheaply; only the rest pay for 400 days.
  return stateWithin(schedule, now, 8);
}

/**
 * Localized text for when it next opens, in the visitor's `language` (BCP 47; English if Intl
 * refuses it), the time in the business's zone labelled with it: en "today 08:00 GMT+7",
 * "tomorrow 08:00 GMT+7", "Monday 08:00 GMT+7" (within 6 days), beyond that "Monday, December
 * 14 08:00 GMT+7"; id "besok 08.00 WIB". Days are counted in the business's zone.
 */
export function formatOpening(
  at: number,
  schedule: Schedule,
  language: string,
  now: number,
): string {
  const d = Math.floor(wall(schedule, at) / DAY) - Math.floor(wall(schedule, now) / DAY);
  const f = (o: Intl.DateTimeFormatOptions): string =>
    new Intl.DateTimeFormat(language, { timeZone: schedule.timeZone, ...o }).format(at);
  try {
    const day =
      d === 0 || d === 1
        ? new Intl.RelativeTimeFormat(language, { numeric: 'auto' }).format(d, 'day')
        : f(
            d > 1 && d < 7
              ? { weekday: 'long' }
              : { weekday: 'long', day: 'numeric', month: 'long' },
          );
    return `${day} ${f({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' })}`;
  } catch {
    return formatOpening(at, schedule, 'en', now);
  }
}
