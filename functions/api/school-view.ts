import type { School } from '../core/schools/school';

/** A school as its admins and operators see it through the API: settings in words, no internals. */
export function schoolView(school: School) {
  const leavers = school.yearChange && school.yearChange.summary.families.leaving > 0 ? school.yearChange : undefined;
  return {
    id: school.id,
    name: school.name,
    timezone: school.timezone,
    trustId: school.trustId ?? null,
    wallOptIn: school.wallTrustId !== undefined,
    classes: school.classes.map(({ id, name, archived }) => ({ id, name, archived })),
    requiresApproval: school.requiresApproval,
    retentionDays: school.retentionDays,
    rosterOutOfDate: school.rosterOutOfDate,
    /** When the last school year's leavers are (or were) removed; null when there were none. */
    leaversRemovedAfter: leavers?.summary.leaversRemovedAfter ?? null,
  };
}
