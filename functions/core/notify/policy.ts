import type { NotifyChannel, Preferences } from '../families/preferences';
import { isWithin, localDate, nextOccurrence, zonedInstant } from '../i18n/school-time';

/**
 * What happens to one post on one of a family's channels, decided from the family's preferences and the
 * time — a pure function, so every rule (digest by default, quiet hours, urgent overrides) is testable
 * on its own.
 */
export type Decision =
  | { kind: 'skip' }
  | { kind: 'send' }
  /** Instant, but inside quiet hours: held until they end. */
  | { kind: 'hold'; until: Date }
  /** Into the digest of `date` (in the family's time zone), which goes out at `dueAt`. */
  | { kind: 'digest'; date: string; dueAt: Date };

export function decide(now: Date, preferences: Preferences, channel: NotifyChannel, urgent: boolean): Decision {
  const mode = preferences[channel];
  if (mode === 'off') return { kind: 'skip' };
  // Urgent posts (a snow closure) go at once: through the digest, and through quiet hours.
  if (urgent) return { kind: 'send' };
  if (mode === 'instant') {
    const { quietHours, timezone } = preferences;
    return isWithin(now, quietHours, timezone)
      ? { kind: 'hold', until: nextOccurrence(now, quietHours.end, timezone) }
      : { kind: 'send' };
  }
  return digestSlot(now, preferences);
}

/**
 * Whether the evening digest also goes by e-mail. It goes on one channel per family: a family whose
 * phones take the evening message (push-first) gets it there — a notification costs nothing to send and
 * is what such a parent looks at — and by e-mail only when it asked for both. A family without a phone,
 * or whose phone does not take the evening message, chose e-mail: it gets the evening e-mail.
 */
export function eveningByEmail(preferences: Pick<Preferences, 'push' | 'digestEmailToo'>, phones: number): boolean {
  return phones === 0 || preferences.push !== 'digest' || preferences.digestEmailToo;
}

/** The next digest after `now`: its date and when it goes out (the digest time, in local time). */
export function digestSlot(
  now: Date,
  preferences: Pick<Preferences, 'digestTime' | 'timezone'>,
): Extract<Decision, { kind: 'digest' }> {
  const dueAt = nextOccurrence(now, preferences.digestTime, preferences.timezone);
  return { kind: 'digest', date: localDate(dueAt, preferences.timezone), dueAt };
}

/** The digest after the one of `date` (when that one has already gone out). */
export function followingDigest(
  date: string,
  preferences: Pick<Preferences, 'digestTime' | 'timezone'>,
): Extract<Decision, { kind: 'digest' }> {
  const dueAt = zonedInstant(date, preferences.digestTime, preferences.timezone);
  return digestSlot(dueAt, preferences);
}
