import * as z from 'zod';
import type { Deps } from '../deps';
import { listRosterItems, rosterPlace, writeRoster } from './store';

/**
 * Photo consent as schools record it: `none` (no photos at all), `school` (seen by the school's own
 * families only) or `public` (website, feeds, social media). Ordered from narrowest to widest.
 */
export const consentLevels = ['none', 'school', 'public'] as const;
export const consentLevelSchema = z.enum(consentLevels);
export type ConsentLevel = z.infer<typeof consentLevelSchema>;

export const consentLevelNames: Record<ConsentLevel, string> = {
  none: 'no photos',
  school: 'school only',
  public: 'public',
};

export const pupilSchema = z.object({
  schoolId: z.string(),
  pupilId: z.string().min(1).max(64),
  classId: z.string(),
  firstName: z.string().min(1).max(80),
  lastName: z.string().max(80),
  consent: consentLevelSchema,
});
export type Pupil = z.infer<typeof pupilSchema>;

export const pupilName = (p: Pick<Pupil, 'firstName' | 'lastName'>) => `${p.firstName} ${p.lastName}`.trim();

/** The school's roster (every class), sorted by class then pupil. */
export async function listRoster(deps: Deps, schoolId: string): Promise<Pupil[]> {
  return (await listRosterItems(deps, schoolId)).map((item) => pupilSchema.parse(item));
}

/**
 * Replaces the school's roster with `pupils` (an import is the whole school's current list). New and
 * changed pupils are written before leavers are deleted, so a pupil moving class is never missing.
 */
export async function replaceRoster(deps: Deps, schoolId: string, pupils: Pupil[]): Promise<void> {
  const before = await listRoster(deps, schoolId);
  const keep = new Set(pupils.map(rosterPlace));
  const leavers = before.filter((p) => !keep.has(rosterPlace(p)));
  await writeRoster(deps, pupils, leavers);
}
