import type { Deps } from '../deps';
import { setPreferences } from '../families/family';
import type { Preferences } from '../families/preferences';
import { zonedInstant } from '../i18n/school-time';
import { ledgerKeyOf } from './ledger';
import { retimeDigest, scheduledDigests } from './ledger-store';

/**
 * Changes a family's preferences. Digests already collecting posts move to the new digest time (the
 * same day's; at once if that time has passed), so changing 18:00 to 20:00 at 17:00 delays tonight's.
 */
export async function changePreferences(deps: Deps, familyId: string, preferences: Preferences) {
  const updated = await setPreferences(deps, familyId, preferences);
  if (!updated) return undefined;
  const { before, after } = updated;
  const { digestTime, timezone } = after.preferences;
  if (before.preferences.digestTime !== digestTime || before.preferences.timezone !== timezone) {
    const now = deps.now();
    for (const item of await scheduledDigests(deps, familyId)) {
      const { subject } = ledgerKeyOf(item);
      if (subject.kind !== 'digest') continue;
      const dueAt = zonedInstant(subject.date, digestTime, timezone);
      await retimeDigest(deps, item, dueAt > now ? dueAt : now);
    }
  }
  return after;
}
