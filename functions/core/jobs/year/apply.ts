import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../audit/audit';
import type { Principal } from '../../auth/tokens';
import type { Deps } from '../../deps';
import { getFamily, listFamilies, moveFamilyForYear } from '../../families/family';
import { getSchool, type School, type YearChange, type YearSummary } from '../../schools/school';
import { markYearChangeApplied, startYearChange } from '../../schools/store';
import { listLeavers, recordLeaver, tellLeaver } from './leavers';
import { isLeaving, movedClasses, planHash, planYear, YearChangeRefused, type YearPlanInput } from './plan';

/** The same request within this time is the same change (a retry, a double tap), not next year's. */
const REPEAT_WINDOW_MS = 180 * 86_400_000;

/** What an admin sees before anything changes: exactly what applying the same request would do. */
export async function previewYearChange(deps: Deps, admin: Principal, raw: YearPlanInput): Promise<YearSummary> {
  const school = await schoolOf(deps, admin.schoolId);
  return planYear(school, await listFamilies(deps, school.id), raw, deps.now()).summary;
}

export interface YearChangeResult {
  summary: YearSummary;
  appliedAt: string;
  /** True when this request had been applied before: nothing changed now. */
  alreadyApplied: boolean;
}

/**
 * Applies a change of school year as one audited step that a crash cannot leave half-done for good:
 *
 * 1. one write to the school: its new classes, every join link rotated, the roster marked out of date,
 *    and the change recorded as under way (the sweeper finishes it if nobody sends the request again);
 * 2. each family's classes move (once: the family remembers the change), leavers recorded first;
 * 3. each leaving family is told (once it is recorded as told);
 * 4. the audit entry (written once), then the change is marked applied.
 *
 * Sending the same request again resumes an unfinished change, or returns the finished one, changing
 * nothing twice. A different request while one is under way is refused.
 */
export async function applyYearChange(deps: Deps, admin: Principal, raw: YearPlanInput): Promise<YearChangeResult> {
  const school = await schoolOf(deps, admin.schoolId);
  const hash = planHash(raw);
  const last = school.yearChange;
  if (last?.state === 'applying' && last.hash !== hash) {
    throw new YearChangeRefused('Another change of school year is under way. Wait a minute for it to finish, then try again.');
  }
  if (last?.state === 'applied' && last.hash === hash && withinRepeatWindow(deps, last)) {
    return { summary: last.summary, appliedAt: last.appliedAt ?? last.startedAt, alreadyApplied: true };
  }
  let change = last?.state === 'applying' ? last : undefined;
  let current = school;
  if (!change) {
    const plan = planYear(school, await listFamilies(deps, school.id), raw, deps.now());
    change = {
      id: randomUUID(),
      hash,
      state: 'applying',
      startedAt: deps.now().toISOString(),
      moves: plan.moves,
      summary: plan.summary,
      actor: { label: admin.label, tokenId: admin.tokenId },
    };
    // The school's one write that starts it (and indexes it for the sweeper). Of two admins starting at
    // once, one starts; the other is refused in words here, or above on its next try.
    if (!(await startYearChange(deps, school.id, { classes: plan.classesAfter, rosterOutOfDate: true }, change)))
      throw new YearChangeRefused('Another change of school year started a moment ago. Reload to see it.');
    deps.faults?.('year:after-start');
    current = { ...school, classes: plan.classesAfter };
  }
  const appliedAt = await finishYearChange(deps, current, change);
  return { summary: change.summary, appliedAt, alreadyApplied: false };
}

/** Steps 2–4 of {@link applyYearChange}; safe to run any number of times (the sweeper runs it after a crash). */
export async function finishYearChange(deps: Deps, school: School, change: YearChange): Promise<string> {
  const removeAfter = change.summary.leaversRemovedAfter;
  const nameOf = new Map(school.classes.map((k) => [k.id, k.name]));
  let moved = 0;
  for (const member of await listFamilies(deps, school.id)) {
    const family = await getFamily(deps, member.id);
    if (!family) continue; // erased meanwhile
    const classIds = family.classes[school.id] ?? [];
    if (family.yearChanges[school.id] !== change.id && isLeaving(classIds, change.moves)) {
      await recordLeaver(deps, {
        schoolId: school.id,
        familyId: family.id,
        changeId: change.id,
        classNames: classIds.map((id) => nameOf.get(id) ?? id),
        removeAfter,
      });
    }
    await moveFamilyForYear(deps, family.id, school.id, change.id, (ids) => movedClasses(ids, change.moves));
    if (moved++ === 0) deps.faults?.('year:mid-families');
  }
  for (const leaver of await listLeavers(deps, school.id, change.id)) {
    if (!leaver.told) await tellLeaver(deps, school, leaver, () => deps.faults?.('year:mid-tell'));
  }
  const appliedAt = change.appliedAt ?? deps.now().toISOString();
  await recordAudit(
    deps,
    school.id,
    change.actor,
    'school_year_changed',
    'classes',
    {
      moves: Object.entries(change.moves).map(([from, to]) => `${nameOf.get(from) ?? from} → ${nameOf.get(to) ?? to}`),
      familiesMoving: change.summary.families.moving,
      familiesLeaving: change.summary.families.leaving,
      leaversRemovedAfter: removeAfter,
    },
    { at: change.startedAt, key: `year-${change.id}` },
  );
  deps.faults?.('year:before-applied');
  await markYearChangeApplied(deps, school.id, { ...change, state: 'applied', appliedAt });
  return appliedAt;
}

/** Finishes a change of school year a crash left under way (the sweeper calls this). */
export async function resumeYearChange(deps: Deps, schoolId: string): Promise<boolean> {
  const school = await getSchool(deps, schoolId);
  if (school?.yearChange?.state !== 'applying') return false;
  await finishYearChange(deps, school, school.yearChange);
  return true;
}

const withinRepeatWindow = (deps: Deps, change: YearChange) =>
  deps.now().getTime() - new Date(change.appliedAt ?? change.startedAt).getTime() < REPEAT_WINDOW_MS;

async function schoolOf(deps: Deps, schoolId: string): Promise<School> {
  const school = await getSchool(deps, schoolId);
  if (!school) throw new YearChangeRefused('Your school no longer exists.');
  return school;
}
