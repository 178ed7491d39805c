import { expect } from '@open-wc/testing';
import {
  formatOpening,
  hoursAt,
  openPeriods,
  parseSchedule,
  type Schedule,
} from '../../src/hours/hours.js';

// Every instant is built with Date.UTC, never the real clock. Most tests use Asia/Jakarta
// (UTC+7 all year), so a wrong zone handling shows as a 7-hour error.

/** Epoch ms of a Jakarta wall time in December 2026 (Monday 14 to Sunday 20 is the test week). */
const jkt = (day: number, hh: number, mm = 0): number => Date.UTC(2026, 11, day, hh - 7, mm);

/** The schedule for `hours`, failing the test on a parse error. */
function schedule(
  hours: string,
  timeZone = 'Asia/Jakarta',
  closed: string | null = null,
): Schedule {
  const s = parseSchedule(hours, timeZone, closed);
  if (typeof s === 'string') throw new Error(`${hours} refused: ${s}`);
  return s;
}

/** hoursAt with instants shown as ISO text, so a failure says which hour was wrong. */
function state(s: Schedule, now: number): [boolean, string | null] {
  const { open, nextChange } = hoursAt(s, now);
  return [open, nextChange === null ? null : new Date(nextChange).toISOString()];
}
const iso = (t: number): string => new Date(t).toISOString();

/** parseSchedule's verdict: the attribute at fault, or 'ok' (a Schedule holds an Intl object,
 *  which the test runner would struggle to print in a failure). */
function verdict(hours: string, timeZone: string | null, closed: string | null = null): string {
  const s = parseSchedule(hours, timeZone, closed);
  return typeof s === 'string' ? s : 'ok';
}

describe('parseSchedule', () => {
  const valid = [
    '24/7',
    'Mo-Fr 08:00-17:00',
    'Mo-Fr 08:00-12:00,13:00-17:00; Sa 09:00-12:00',
    'Fr-Mo 10:00-14:00',
    'Mo,We,Fr 09:00-10:00',
    'Mo-We,Fr 09:00-10:00',
    'Mo - Fr 08:00 - 12:00, 13:00 - 17:00',
    'Mo-Fr 08:00-17:00 ;  We off',
    'Su closed',
    '22:00-02:00',
    '00:00-24:00',
    Array(33).fill('Mo 08:00-17:00').join(';'), // 494 characters
  ];
  for (const hours of valid) {
    it(`accepts ${JSON.stringify(hours.slice(0, 60))}`, () => {
      expect(verdict(hours, 'Asia/Jakarta')).to.equal('ok');
    });
  }

  const invalid = [
    '',
    '   ',
    'PH off',
    'Mo-Fr 08:00-17:00; PH off',
    'Dec 08:00-17:00',
    'Jan Mo 08:00-17:00',
    'sunrise-sunset',
    'Mo 25:00-26:00',
    'Mo 08:00-24:01',
    'Mo 24:00-02:00',
    'Mo 08:60-09:00',
    'Mo 8:00-17:00',
    'Mo 08:00-08:00',
    'Mo 08:00',
    'Mo-Fr',
    'mo 08:00-17:00',
    'Mo-Fx 08:00-17:00',
    'MoTu 08:00-17:00',
    'Mo-Fr 08:00-17:00;',
    'Mo-Fr 08:00-17:00, Sa 10:00-12:00',
    'Mo-Fr open',
    Array(34).fill('Mo 08:00-17:00').join(';'), // 509 characters
  ];
  for (const hours of invalid) {
    it(`refuses ${JSON.stringify(hours.slice(0, 60))} as 'hours'`, () => {
      expect(verdict(hours, 'Asia/Jakarta')).to.equal('hours');
    });
  }

  it("names 'time-zone' when the zone is missing or unknown", () => {
    for (const zone of [null, '', '  ', 'Mars/Olympus']) {
      expect(verdict('24/7', zone), String(zone)).to.equal('time-zone');
    }
    expect(schedule('24/7', 'America/New_York').timeZone).to.equal('America/New_York');
  });

  it("names 'closed-dates' for a date that is not a real YYYY-MM-DD", () => {
    for (const dates of [
      '2026-13-01',
      '2026-02-30',
      '2026-2-01',
      '26-02-01',
      '2026-12-25,2026-12-26',
    ]) {
      expect(verdict('24/7', 'UTC', dates), dates).to.equal('closed-dates');
    }
    for (const dates of [null, '', '  2026-12-25   2026-12-26 ', '2028-02-29']) {
      expect(verdict('24/7', 'UTC', dates), String(dates)).to.equal('ok');
    }
  });

  it('names the first bad attribute, in the order hours, time-zone, closed-dates', () => {
    expect(verdict('PH off', 'Mars/Olympus', '2026-13-01')).to.equal('hours');
    expect(verdict('24/7', 'Mars/Olympus', '2026-13-01')).to.equal('time-zone');
  });
});

describe('hoursAt', () => {
  it('a weekday range: open inside, closed after, the weekend skipped', () => {
    const s = schedule('Mo-Fr 08:00-17:00');
    expect(state(s, jkt(14, 7, 59))).to.deep.equal([false, iso(jkt(14, 8))]);
    expect(state(s, jkt(14, 8))).to.deep.equal([true, iso(jkt(14, 17))]);
    expect(state(s, jkt(18, 17))).to.deep.equal([false, iso(jkt(21, 8))]);
    expect(state(s, jkt(19, 10))).to.deep.equal([false, iso(jkt(21, 8))]);
  });

  it('a wrap-around range Fr-Mo covers Friday to Monday only', () => {
    const s = schedule('Fr-Mo 10:00-14:00');
    expect(state(s, jkt(20, 11))).to.deep.equal([true, iso(jkt(20, 14))]);
    expect(state(s, jkt(14, 11))).to.deep.equal([true, iso(jkt(14, 14))]);
    expect(state(s, jkt(15, 11))).to.deep.equal([false, iso(jkt(18, 10))]);
  });

  it('lists and mixes of days', () => {
    expect(state(schedule('Mo,We,Fr 09:00-10:00'), jkt(15, 9))).to.deep.equal([
      false,
      iso(jkt(16, 9)),
    ]);
    const s = schedule('Mo-We,Fr 09:00-10:00');
    expect(state(s, jkt(16, 9))).to.deep.equal([true, iso(jkt(16, 10))]);
    expect(state(s, jkt(17, 9))).to.deep.equal([false, iso(jkt(18, 9))]);
  });

  it('several ranges a day: closed over lunch', () => {
    const s = schedule('Mo-Fr 08:00-12:00,13:00-17:00');
    expect(state(s, jkt(14, 11))).to.deep.equal([true, iso(jkt(14, 12))]);
    expect(state(s, jkt(14, 12, 30))).to.deep.equal([false, iso(jkt(14, 13))]);
    expect(state(s, jkt(14, 13))).to.deep.equal([true, iso(jkt(14, 17))]);
  });

  it('off and closed close the days they name', () => {
    const s = schedule('Mo-Su 08:00-17:00; Sa off; Su closed');
    expect(state(s, jkt(19, 10))).to.deep.equal([false, iso(jkt(21, 8))]);
    expect(state(s, jkt(18, 10))).to.deep.equal([true, iso(jkt(18, 17))]);
  });

  it('a later rule replaces what earlier rules said for its days', () => {
    const wed = schedule('Mo-Fr 08:00-17:00; We off');
    expect(state(wed, jkt(16, 10))).to.deep.equal([false, iso(jkt(17, 8))]);
    expect(state(wed, jkt(15, 10))).to.deep.equal([true, iso(jkt(15, 17))]);
    const fri = schedule('Mo-Fr 08:00-17:00; Fr 08:00-12:00');
    expect(state(fri, jkt(18, 11))).to.deep.equal([true, iso(jkt(18, 12))]);
    expect(state(fri, jkt(18, 13))).to.deep.equal([false, iso(jkt(21, 8))]);
    expect(state(fri, jkt(17, 13))).to.deep.equal([true, iso(jkt(17, 17))]);
  });

  it('an overnight span 22:00-02:00 belongs to its start day and runs past midnight', () => {
    const s = schedule('Mo-Fr 22:00-02:00');
    expect(state(s, jkt(14, 23))).to.deep.equal([true, iso(jkt(15, 2))]);
    expect(state(s, jkt(15, 1))).to.deep.equal([true, iso(jkt(15, 2))]);
    expect(state(s, jkt(15, 2))).to.deep.equal([false, iso(jkt(15, 22))]);
    // Friday's night runs into Saturday; Saturday's and Sunday's do not exist.
    expect(state(s, jkt(19, 1))).to.deep.equal([true, iso(jkt(19, 2))]);
    expect(state(s, jkt(20, 1))).to.deep.equal([false, iso(jkt(21, 22))]);
  });

  it('an open period running into the next day changes only at its real end', () => {
    const s = schedule('Mo 08:00-24:00; Tu 00:00-02:00');
    expect(state(s, jkt(14, 20))).to.deep.equal([true, iso(jkt(15, 2))]);
  });

  it('24/7 is open with no change', () => {
    expect(state(schedule('24/7'), jkt(14, 3))).to.deep.equal([true, null]);
    expect(state(schedule('Mo-Su 00:00-24:00'), jkt(14, 3))).to.deep.equal([true, null]);
  });

  it('every day off is closed with no change', () => {
    expect(state(schedule('off'), jkt(14, 3))).to.deep.equal([false, null]);
    expect(state(schedule('Mo-Fr 08:00-17:00; Mo-Su closed'), jkt(14, 3))).to.deep.equal([
      false,
      null,
    ]);
  });

  it('a change beyond the first week is still found (within the horizon)', () => {
    const s = schedule('24/7', 'Asia/Jakarta', '2027-01-10');
    expect(state(s, jkt(14, 3))).to.deep.equal([true, iso(Date.UTC(2027, 0, 10, -7))]);
    expect(
      state(schedule('Mo 08:00-09:00', 'Asia/Jakarta', '2026-12-21 2026-12-28'), jkt(14, 10)),
    ).to.deep.equal([false, iso(Date.UTC(2027, 0, 4, 1))]);
  });

  it('closed dates close the day; the days around are untouched', () => {
    const s = schedule('Mo-Fr 08:00-17:00', 'Asia/Jakarta', '2026-12-15 2026-12-25');
    expect(state(s, jkt(15, 10))).to.deep.equal([false, iso(jkt(16, 8))]);
    expect(state(s, jkt(14, 17))).to.deep.equal([false, iso(jkt(16, 8))]);
    expect(state(s, jkt(14, 10))).to.deep.equal([true, iso(jkt(14, 17))]);
  });

  it("a closed date keeps the previous night's span but drops its own", () => {
    const s = schedule('Mo-Su 22:00-02:00', 'Asia/Jakarta', '2026-12-15');
    expect(state(s, jkt(15, 1))).to.deep.equal([true, iso(jkt(15, 2))]);
    expect(state(s, jkt(15, 2))).to.deep.equal([false, iso(jkt(16, 22))]);
  });

  describe('daylight saving time', () => {
    it('Europe/Berlin: 08:00 is 07:00Z in winter, 06:00Z in summer, across both changes', () => {
      const s = schedule('Mo-Su 08:00-17:00', 'Europe/Berlin');
      const at = (mo: number, d: number, h: number): number => Date.UTC(2026, mo - 1, d, h);
      expect(state(s, at(1, 14, 3))).to.deep.equal([false, iso(at(1, 14, 7))]);
      expect(state(s, at(1, 14, 7))).to.deep.equal([true, iso(at(1, 14, 16))]);
      expect(state(s, at(7, 14, 6))).to.deep.equal([true, iso(at(7, 14, 15))]);
      // Spring forward in the night of 29 March, fall back in the night of 25 October.
      expect(state(s, at(3, 28, 20))).to.deep.equal([false, iso(at(3, 29, 6))]);
      expect(state(s, at(3, 29, 6))).to.deep.equal([true, iso(at(3, 29, 15))]);
      expect(state(s, at(10, 24, 20))).to.deep.equal([false, iso(at(10, 25, 7))]);
      expect(state(s, at(10, 25, 7))).to.deep.equal([true, iso(at(10, 25, 16))]);
    });

    it('Europe/Berlin: a missing wall time moves forward', () => {
      const s = schedule('Mo-Su 02:30-05:00', 'Europe/Berlin');
      // 29 March 02:30 does not exist: it opens at 03:30 CEST (01:30Z), closes 05:00 CEST.
      expect(state(s, Date.UTC(2026, 2, 29, 0))).to.deep.equal([
        false,
        iso(Date.UTC(2026, 2, 29, 1, 30)),
      ]);
      expect(state(s, Date.UTC(2026, 2, 29, 1, 30))).to.deep.equal([
        true,
        iso(Date.UTC(2026, 2, 29, 3)),
      ]);
    });

    it('Europe/Berlin: a repeated wall time is its first occurrence', () => {
      const s = schedule('Mo-Su 02:30-05:00', 'Europe/Berlin');
      // 25 October 02:30 happens twice: it opens at the first (CEST, 00:30Z), closes 05:00 CET.
      expect(state(s, Date.UTC(2026, 9, 25, 0))).to.deep.equal([
        false,
        iso(Date.UTC(2026, 9, 25, 0, 30)),
      ]);
      expect(state(s, Date.UTC(2026, 9, 25, 0, 30))).to.deep.equal([
        true,
        iso(Date.UTC(2026, 9, 25, 4)),
      ]);
    });

    it('America/New_York: 08:00 is 13:00Z in winter, 12:00Z in summer, across both changes', () => {
      const s = schedule('Mo-Su 08:00-17:00', 'America/New_York');
      const at = (mo: number, d: number, h: number): number => Date.UTC(2026, mo - 1, d, h);
      expect(state(s, at(3, 7, 13))).to.deep.equal([true, iso(at(3, 7, 22))]);
      // Spring forward on 8 March, fall back on 1 November.
      expect(state(s, at(3, 8, 11))).to.deep.equal([false, iso(at(3, 8, 12))]);
      expect(state(s, at(3, 8, 12))).to.deep.equal([true, iso(at(3, 8, 21))]);
      expect(state(s, at(10, 31, 12))).to.deep.equal([true, iso(at(10, 31, 21))]);
      expect(state(s, at(11, 1, 12))).to.deep.equal([false, iso(at(11, 1, 13))]);
      expect(state(s, at(11, 1, 13))).to.deep.equal([true, iso(at(11, 1, 22))]);
    });

    it('America/New_York: 02:30 on 8 March moves to 03:30 EDT', () => {
      const spring = schedule('Mo-Su 02:30-05:00', 'America/New_York');
      expect(state(spring, Date.UTC(2026, 2, 8, 5))).to.deep.equal([
        false,
        iso(Date.UTC(2026, 2, 8, 7, 30)),
      ]);
    });

    it('America/New_York: 01:30 on 1 November is its first occurrence (EDT)', () => {
      const fall = schedule('Mo-Su 01:30-04:00', 'America/New_York');
      expect(state(fall, Date.UTC(2026, 10, 1, 4))).to.deep.equal([
        false,
        iso(Date.UTC(2026, 10, 1, 5, 30)),
      ]);
      expect(state(fall, Date.UTC(2026, 10, 1, 5, 30))).to.deep.equal([
        true,
        iso(Date.UTC(2026, 10, 1, 9)),
      ]);
    });
  });

  it("depends on the instant only, never on the browser's own zone", () => {
    const s = schedule('Mo-Fr 08:00-17:00', 'Asia/Jakarta');
    const now = Date.UTC(2026, 11, 14, 0, 30); // Monday 07:30 in Jakarta, Sunday in the Americas
    const expected = [false, iso(Date.UTC(2026, 11, 14, 1))];
    expect(state(s, now)).to.deep.equal(expected);
    // The local-time methods of Date answer in the browser's zone: make them unusable.
    const proto = Date.prototype as unknown as Record<string, unknown>;
    const names = ['getTimezoneOffset', 'getHours', 'getDate', 'getDay', 'getMonth', 'getFullYear'];
    const saved = names.map((n) => proto[n]);
    for (const n of names) {
      proto[n] = () => {
        throw new Error(`local-time ${n} used`);
      };
    }
    try {
      expect(state(s, now)).to.deep.equal(expected);
      expect(openPeriods(s, now, 1)).to.deep.equal([
        { start: Date.UTC(2026, 11, 14, 1), end: Date.UTC(2026, 11, 14, 10) },
      ]);
      expect(formatOpening(Date.UTC(2026, 11, 14, 1), s, 'en', now)).to.contain('today');
    } finally {
      names.forEach((n, i) => (proto[n] = saved[i]));
    }
  });
});

describe('openPeriods', () => {
  it('clips the first period at from and the last at the window end, in order', () => {
    const s = schedule('Mo-Fr 08:00-17:00');
    const from = jkt(14, 10);
    expect(openPeriods(s, from, 7)).to.deep.equal([
      { start: from, end: jkt(14, 17) },
      { start: jkt(15, 8), end: jkt(15, 17) },
      { start: jkt(16, 8), end: jkt(16, 17) },
      { start: jkt(17, 8), end: jkt(17, 17) },
      { start: jkt(18, 8), end: jkt(18, 17) },
      { start: jkt(21, 8), end: jkt(21, 10) },
    ]);
  });

  it('merges Mo 08:00-24:00 and Tu 00:00-02:00 into one period', () => {
    const s = schedule('Mo 08:00-24:00; Tu 00:00-02:00');
    expect(openPeriods(s, jkt(14, 0), 2)).to.deep.equal([{ start: jkt(14, 8), end: jkt(15, 2) }]);
  });

  it("includes the previous night's span still running at from", () => {
    const s = schedule('Mo-Su 22:00-02:00');
    expect(openPeriods(s, jkt(15, 1), 1)).to.deep.equal([
      { start: jkt(15, 1), end: jkt(15, 2) },
      { start: jkt(15, 22), end: jkt(16, 1) },
    ]);
  });

  it('is empty when nothing is open in the window', () => {
    expect(openPeriods(schedule('Mo-Fr 08:00-17:00'), jkt(19, 0), 2)).to.deep.equal([]);
  });
});

describe('formatOpening', () => {
  const s = schedule('Mo-Fr 08:00-17:00');
  const monday8 = jkt(14, 8);

  it('today, counted in the business zone (a different UTC day)', () => {
    // 06:00 in Jakarta is still Sunday in UTC.
    const text = formatOpening(monday8, s, 'en', jkt(14, 6));
    expect(text)
      .to.match(/^today /)
      .and.contain('08:00')
      .and.contain('GMT+7');
    expect(formatOpening(monday8, s, 'id', jkt(14, 6)))
      .to.match(/^hari ini /)
      .and.contain('WIB');
  });

  it('tomorrow, counted in the business zone (the same UTC day)', () => {
    // Sunday 23:30 in Jakarta and Monday 08:00 are both Sunday in UTC.
    const text = formatOpening(monday8, s, 'en', jkt(13, 23, 30));
    expect(text)
      .to.match(/^tomorrow /)
      .and.contain('08:00')
      .and.contain('GMT+7');
    const id = formatOpening(monday8, s, 'id', jkt(13, 23, 30));
    expect(id)
      .to.match(/^besok /)
      .and.contain('08.00')
      .and.contain('WIB');
  });

  it('the weekday within 6 days', () => {
    const text = formatOpening(monday8, s, 'en', jkt(8, 12));
    expect(text)
      .to.match(/^Monday /)
      .and.contain('08:00')
      .and.contain('GMT+7');
    expect(text).not.to.contain('December');
    expect(formatOpening(monday8, s, 'id', jkt(10, 12)))
      .to.match(/^Senin /)
      .and.contain('WIB');
  });

  it('a date beyond 6 days', () => {
    const text = formatOpening(monday8, s, 'en', jkt(7, 12));
    for (const piece of ['Monday', 'December', '14', '08:00', 'GMT+7']) {
      expect(text).to.contain(piece);
    }
    const id = formatOpening(monday8, s, 'id', jkt(7, 12));
    for (const piece of ['Senin', 'Desember', '14', '08.00', 'WIB']) expect(id).to.contain(piece);
  });

  it('English when Intl refuses the language', () => {
    expect(formatOpening(monday8, s, 'not a tag!', jkt(10, 12))).to.match(/^Monday 08:00/);
  });
});
