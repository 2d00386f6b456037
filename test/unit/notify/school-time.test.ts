import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPreferences } from '../../../functions/core/families/preferences';
import { localDate, localTime, nextOccurrence, zonedInstant } from '../../../functions/core/i18n/school-time';
import { decide } from '../../../functions/core/notify/policy';

const zones = ['Europe/London', 'Europe/Dublin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'Pacific/Auckland'];
const day = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true });
const wholeHour = fc.integer({ min: 0, max: 23 }).map((h) => `${String(h).padStart(2, '0')}:00`);

describe('wall-clock times in a time zone', () => {
  it('an instant for a local date and time shows that date and time there (times in the spring gap move forward)', () => {
    fc.assert(
      fc.property(day, wholeHour, fc.constantFrom(...zones), (d, time, zone) => {
        const date = d.toISOString().slice(0, 10);
        const instant = zonedInstant(date, time, zone);
        const shown = localTime(instant, zone);
        expect(localDate(instant, zone)).toBe(date);
        // Equal, or (only in a spring-forward gap) a little later that same day.
        expect(shown >= time).toBe(true);
        if (shown !== time) expect(zonedInstant(date, shown, zone).getTime()).toBe(instant.getTime());
      }),
    );
  });

  it('the next occurrence is after the given instant, within a day, and at the chosen time', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (after, zone) => {
          const next = nextOccurrence(after, '18:00', zone);
          expect(next.getTime()).toBeGreaterThan(after.getTime());
          expect(next.getTime() - after.getTime()).toBeLessThanOrEqual(25 * 3600 * 1000);
          expect(localTime(next, zone)).toBe('18:00');
        },
      ),
    );
  });

  it('knows both changes of the clocks in London', () => {
    expect(zonedInstant('2026-03-29', '18:00', 'Europe/London').toISOString()).toBe('2026-03-29T17:00:00.000Z');
    expect(zonedInstant('2026-10-25', '18:00', 'Europe/London').toISOString()).toBe('2026-10-25T18:00:00.000Z');
    // 01:30 does not exist on 29 March (01:00 → 02:00) and happens twice on 25 October (the first counts).
    expect(zonedInstant('2026-03-29', '01:30', 'Europe/London').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedInstant('2026-10-25', '01:30', 'Europe/London').toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });
});

describe('what happens to a post on a channel', () => {
  const prefs = { ...defaultPreferences(), push: 'instant' as const };
  it('digest by default, instant outside quiet hours, held inside them until they end, urgent always at once', () => {
    expect(decide(new Date('2026-06-10T09:00:00Z'), defaultPreferences(), 'email', false)).toEqual({
      kind: 'digest',
      date: '2026-06-10',
      dueAt: new Date('2026-06-10T17:00:00Z'),
    });
    expect(decide(new Date('2026-06-10T19:00:00Z'), defaultPreferences(), 'email', false)).toMatchObject({ date: '2026-06-11' });
    expect(decide(new Date('2026-06-10T09:00:00Z'), prefs, 'push', false)).toEqual({ kind: 'send' });
    expect(decide(new Date('2026-06-10T21:30:00Z'), prefs, 'push', false)).toEqual({
      kind: 'hold',
      until: new Date('2026-06-11T06:00:00Z'),
    });
    expect(decide(new Date('2026-06-10T21:30:00Z'), prefs, 'push', true)).toEqual({ kind: 'send' });
    expect(decide(new Date('2026-06-10T21:30:00Z'), defaultPreferences(), 'email', true)).toEqual({ kind: 'send' });
    expect(decide(new Date('2026-06-10T09:00:00Z'), { ...prefs, push: 'off' }, 'push', true)).toEqual({ kind: 'skip' });
  });
});
