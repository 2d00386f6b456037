import * as z from 'zod';
import { recordAudit } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import { registerRetention } from '../data-protection/retention';
import type { Deps } from '../deps';
import { DomainError, type DomainErrorOptions } from '../errors';
import { renderSchoolChannels } from './pages';
import { getSchool, type School, schoolSchema, updateSchoolFields } from './school';
import { resyncWall } from './wall';

/** What an admin may change about their school here (each field optional: send only what changes). */
export const settingsSchema = schoolSchema
  .pick({ requiresApproval: true, retentionDays: true, timezone: true, translateCaptions: true, translationBudgetChars: true })
  .extend({
    name: z.string().trim().min(1, 'the school needs a name').max(120),
    /** Show the school's public posts on its trust's regional wall (false takes them off again). */
    wallOptIn: z.boolean(),
  })
  .partial()
  .strict()
  .refine((s) => Object.keys(s).length > 0, 'send at least one setting');

export interface Settings {
  requiresApproval: boolean;
  retentionDays: number | null;
  name: string;
  timezone: string;
  /** The trust the school belongs to (an operator sets it), and whether its public posts are on its wall. */
  trustId: string | null;
  wallOptIn: boolean;
  translateCaptions: boolean;
  translationBudgetChars: number;
}

export const settingsOf = (school: School): Settings => ({
  requiresApproval: school.requiresApproval,
  retentionDays: school.retentionDays,
  name: school.name,
  timezone: school.timezone,
  trustId: school.trustId ?? null,
  wallOptIn: school.wallTrustId !== undefined,
  translateCaptions: school.translateCaptions,
  translationBudgetChars: school.translationBudgetChars,
});

/** A setting the admin cannot have as asked, with the words to show them. */
export class SettingRefused extends DomainError {
  override name = 'SettingRefused';
  constructor(message: string, options?: DomainErrorOptions) {
    super('refused', 422, message, options);
  }
}

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
  const sets: Record<string, unknown> = { ...changes };
  if (wallChanges && wallOptIn) sets.wallTrustId = before.trustId;
  await updateSchoolFields(deps, admin.schoolId, sets, wallChanges && !wallOptIn ? ['wallTrustId'] : []);
  if (changes.retentionDays !== undefined) await registerRetention(deps, admin.schoolId, changes.retentionDays);
  const audited: Record<string, string | number | boolean> = Object.fromEntries(
    Object.entries(changes).map(([key, value]) => [key, value === null ? 'none' : value]),
  );
  if (wallOptIn !== undefined) audited.wallOptIn = wallOptIn;
  await recordAudit(deps, admin.schoolId, admin, 'settings_changed', 'settings', audited);
  if (wallChanges) await resyncWall(deps, admin.schoolId);
  const school = await getSchool(deps, admin.schoolId);
  if (!school) throw new Error(`school ${admin.schoolId} vanished`);
  if (changes.name !== undefined || changes.timezone !== undefined) await renderSchoolChannels(deps, school);
  return settingsOf(school);
}
