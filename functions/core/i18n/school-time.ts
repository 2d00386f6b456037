import * as z from 'zod';

/**
 * Wall-clock times in a school's time zone. Digests go out "at 18:00" and quiet hours run "21:00–07:00"
 * in local time, so the instant they mean moves by an hour across a daylight-saving change. Everything
 * here goes through `Intl` (the IANA database Node ships), never a fixed offset.
 */

/** `HH:MM`, 24-hour. */
export const wallTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time looks like 18:00');
export type WallTime = z.infer<typeof wallTimeSchema>;

/** `YYYY-MM-DD`, a calendar date in some time zone. */
export type LocalDate = string;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Building a formatter costs far more than using one; a digest run asks for thousands of instants. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallOf(instant: Date, timeZone: string): Wall {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, Number(p.value)]),
  );
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

const wallAsUtc = (w: Wall) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** The zone's offset from UTC at an instant, in milliseconds (BST: +3,600,000). */
function offsetAt(instant: number, timeZone: string): number {
  return wallAsUtc(wallOf(new Date(instant), timeZone)) - Math.floor(instant / 1000) * 1000;
}

/** The calendar date at `instant` in `timeZone`. */
export function localDate(instant: Date, timeZone: string): LocalDate {
  const w = wallOf(instant, timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** The wall-clock time (`HH:MM`) at `instant` in `timeZone`. */
export function localTime(instant: Date, timeZone: string): WallTime {
  const w = wallOf(instant, timeZone);
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}

/** The date after `date` (calendar arithmetic, no time zone involved). */
export function nextDate(date: LocalDate): LocalDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/**
 * The instant when clocks in `timeZone` show `time` on `date`. A time that does not exist that day (in
 * the spring-forward gap) is moved forward by the gap, as clocks do; a time that happens twice (the
 * autumn fall-back) means its first occurrence.
 */
export function zonedInstant(date: LocalDate, time: WallTime, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // Offsets a day either side cover any transition near this wall time (zones change at most once a day).
  const before = offsetAt(wall - 86_400_000, timeZone);
  const after = offsetAt(wall + 86_400_000, timeZone);
  const matches = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => wallAsUtc(wallOf(new Date(instant), timeZone)) === wall);
  if (matches.length > 0) return new Date(Math.min(...matches));
  return new Date(wall - before); // in the gap: the pre-change offset lands after the jump
}

/** The first instant strictly after `after` when clocks in `timeZone` show `time`. */
export function nextOccurrence(after: Date, time: WallTime, timeZone: string): Date {
  const today = localDate(after, timeZone);
  const candidate = zonedInstant(today, time, timeZone);
  return candidate > after ? candidate : zonedInstant(nextDate(today), time, timeZone);
}

/** A daily window of local time, e.g. 21:00–07:00 (it may wrap past midnight). */
export interface DailyWindow {
  start: WallTime;
  end: WallTime;
}

/** True when `instant` falls inside the window (start inclusive, end exclusive), in `timeZone`. */
export function isWithin(instant: Date, window: DailyWindow, timeZone: string): boolean {
  if (window.start === window.end) return false;
  const now = localTime(instant, timeZone);
  return window.start < window.end ? now >= window.start && now < window.end : now >= window.start || now < window.end;
}
