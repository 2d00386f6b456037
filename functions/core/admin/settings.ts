import type * as z from 'zod';
import { recordAudit } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import { registerRetention } from '../data-protection/retention';
import type { Deps } from '../deps';
import { getSchool, updateSchoolFields } from '../schools/school';
import { REMOVABLE, SettingRefused, type Settings, settingsOf, settingsSchema } from '../schools/settings';
import { showLook } from './look-refresh';
import { renderSchoolChannels } from './pages';
import { resyncWall } from './wall';

/**
 * Changes settings in place (other fields untouched) and records the change in the audit log. Opting in
 * to (or out of) the trust's wall puts every public post of the school on it (or takes them off, and the
 * wall is re-rendered without them).
 */
export async function updateSettings(deps: Deps, admin: Principal, raw: z.input<typeof settingsSchema>): Promise<Settings> {
  const parsed = settingsSchema.parse(raw);
  // Only the settings sent: .partial() still fills in the others' defaults, which would reset them.
  const { wallOptIn, ...changes } = Object.fromEntries(
    Object.entries(parsed).filter(([key]) => Object.hasOwn(raw, key)),
  ) as typeof parsed;
  const before = await getSchool(deps, admin.schoolId);
  if (!before) throw new SettingRefused('Your school no longer exists.');
  const wallChanges = wallOptIn !== undefined && wallOptIn !== (before.wallTrustId !== undefined);
  if (wallChanges && wallOptIn && !before.trustId) {
    throw new SettingRefused('Your school belongs to no trust, so there is no wall to join. Ask your Corridor operator.');
  }
  const removed = REMOVABLE.filter((key) => changes[key] === null);
  const removedNames = new Set<string>(removed);
  const sets: Record<string, unknown> = Object.fromEntries(Object.entries(changes).filter(([key]) => !removedNames.has(key)));
  if (wallChanges && wallOptIn) sets.wallTrustId = before.trustId;
  await updateSchoolFields(deps, admin.schoolId, sets, [...removed, ...(wallChanges && !wallOptIn ? ['wallTrustId'] : [])]);
  if (changes.retentionDays !== undefined) await registerRetention(deps, admin.schoolId, changes.retentionDays);
  const audited: Record<string, string | number | boolean> = Object.fromEntries(
    Object.entries(changes).map(([key, value]) => [key, value === null ? 'none' : value]),
  );
  if (wallOptIn !== undefined) audited.wallOptIn = wallOptIn;
  await recordAudit(deps, admin.schoolId, admin, 'settings_changed', 'settings', audited);
  if (wallChanges) await resyncWall(deps, admin.schoolId);
  const school = await getSchool(deps, admin.schoolId);
  if (!school) throw new Error(`school ${admin.schoolId} vanished`);
  // The look is on every page and the artwork; a name or time zone only on the channels' current documents.
  if (changes.accent !== undefined || changes.welcome !== undefined) {
    deps.faults?.('look:after-save');
    await showLook(deps, school);
  } else if (changes.name !== undefined || changes.timezone !== undefined) await renderSchoolChannels(deps, school);
  return settingsOf(school);
}
