import * as z from 'zod';
import { showLook } from '../admin/look-refresh';
import { renderSchoolChannels } from '../admin/pages';
import { resyncWall } from '../admin/wall';
import { recordAudit } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import { registerRetention } from '../data-protection/retention';
import type { Deps } from '../deps';
import { DomainError, type DomainErrorOptions } from '../errors';
import { accentSchema, welcomeSchema } from './look/look';
import { getSchool, type School, schoolSchema, updateSchoolFields } from './school';

/** What an admin may change about their school here (each field optional: send only what changes). */
export const settingsSchema = schoolSchema
  .pick({
    requiresApproval: true,
    retentionDays: true,
    timezone: true,
    translateCaptions: true,
    translationBudgetChars: true,
    blurFacesInPublic: true,
  })
  .extend({
    name: z.string().trim().min(1, 'the school needs a name').max(120),
    /** Show the school's public posts on its trust's regional wall (false takes them off again). */
    wallOptIn: z.boolean(),
    /** The school's look (null removes it): an accent colour that passes WCAG AA, a welcome line. */
    accent: accentSchema.nullable(),
    welcome: welcomeSchema.nullable(),
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
  blurFacesInPublic: boolean;
  /** The look: accent `#rrggbb`, welcome line, and the logo's header file (site path) and upload time. */
  accent: string | null;
  welcome: string | null;
  logo: { path: string; width?: number; height?: number; uploadedAt: string } | null;
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
  blurFacesInPublic: school.blurFacesInPublic,
  accent: school.accent ?? null,
  welcome: school.welcome ?? null,
  logo: school.logo
    ? {
        path: `/${school.logo.small.key}`,
        width: school.logo.small.width,
        height: school.logo.small.height,
        uploadedAt: school.logo.uploadedAt,
      }
    : null,
});

/** Look fields sent as null are removed from the record rather than stored as null. */
const REMOVABLE = ['accent', 'welcome'] as const;

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
  const removed = REMOVABLE.filter((key) => changes[key] === null);
  const sets: Record<string, unknown> = Object.fromEntries(
    Object.entries(changes).filter(([key]) => !removed.includes(key as never)),
  );
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
