import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { isPublic } from '../audience';
import type { Deps } from '../deps';
import { localeSchema } from '../i18n/locales';
import { pushSubscriptionSchema } from '../messaging/push-subscription';
import { classSchema, getSchool, schoolIdSchema } from '../schools/school';
import { type Preferences, preferencesSchema } from './preferences';
import {
  deleteMembership,
  getFamilyItem,
  getFamilyItems,
  listMembershipItems,
  putMembershipItem,
  putNewFamily,
  replaceFamilyAt,
} from './store';

/**
 * A family: the parents of one or more children, following their children's classes — in one school
 * or several — with one set of preferences, their phones (web push) and their email addresses. One
 * family, several children, one notification per post and one evening digest.
 *
 * Stored as one item in the family's own partition (`FAMILY#<id>`, beside its delivery ledger), so
 * delivery reads a whole batch of families in one request, plus one **membership** item per school in
 * that school's families partition: what the outbox reads to know who should hear about a post.
 * Membership is written before the family item, so a crash between them can only over-notify a class
 * the family was joining, never miss one.
 */
const classIdSchema = classSchema.shape.id;

/** A family's place at one school, as publishing sees it: who should hear about that school's posts. */
export const schoolFamilySchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  schoolId: schoolIdSchema,
  classIds: z.array(classIdSchema).max(20),
  createdAt: z.string(),
});
export type SchoolFamily = z.infer<typeof schoolFamilySchema>;

/** One phone or browser that subscribed to web push. */
export const pushDeviceSchema = pushSubscriptionSchema.extend({ addedAt: z.string() });

/** One confirmed email address (double opt-in). A bounce or complaint suppresses it. */
export const emailRecipientSchema = z.object({
  address: z.email(),
  confirmedAt: z.string(),
  suppressed: z.object({ reason: z.enum(['bounce', 'complaint']), at: z.string() }).optional(),
});

export const familySchema = z.object({
  id: schoolFamilySchema.shape.id,
  /** The classes followed, by school: `{ demo: ['year-1', 'year-2'] }`. */
  classes: z.record(schoolIdSchema, z.array(classIdSchema).max(20)).default({}),
  preferences: preferencesSchema,
  /** Keyed by device id (a digest of the endpoint), so subscribing twice changes nothing. */
  push: z.record(z.string(), pushDeviceSchema).default({}),
  /** Keyed by address id (a keyed digest of the address). */
  emails: z.record(z.string(), emailRecipientSchema).default({}),
  /** The last change of school year that moved the family's classes, by school: never moved twice. */
  yearChanges: z.record(schoolIdSchema, z.string()).default({}),
  createdAt: z.string(),
  /**
   * The generation every manage and approval link of the family is signed for; "Sign out everywhere"
   * bumps it, so every link sent before stops working at once (core/families/links.ts).
   */
  linkGeneration: z.number().int().min(0).default(0),
});
export type Family = z.infer<typeof familySchema>;

export const newFamilySchema = z.object({
  schoolId: schoolIdSchema,
  classIds: z
    .array(classIdSchema)
    .max(20)
    .default([])
    .transform((ids) => [...new Set(ids)]),
  /** The language the parent chose when joining (the join page's picker, or the browser's language). */
  language: localeSchema.optional(),
});

/** A class (or several) of a school the family does not follow yet; the school must have them. */
async function checkClasses(deps: Deps, schoolId: string, classIds: string[]): Promise<{ timezone: string }> {
  const school = await getSchool(deps, schoolId);
  if (!school) throw new Error(`school ${schoolId} does not exist`);
  const unknown = classIds.filter((id) => !school.classes.some((c) => c.id === id && !c.archived));
  if (unknown.length > 0) throw new Error(`unknown or archived class: ${unknown.join(', ')}`);
  return { timezone: school.timezone };
}

/**
 * Creates a family following the given classes of a school. Its digest and quiet hours are in that
 * school's time zone; everything else starts at the defaults (evening digest on every channel).
 */
export async function createFamily(deps: Deps, input: z.input<typeof newFamilySchema>): Promise<Family> {
  const { schoolId, classIds, language } = newFamilySchema.parse(input);
  const { timezone } = await checkClasses(deps, schoolId, classIds);
  const family = familySchema.parse({
    id: randomBytes(12).toString('base64url'),
    classes: { [schoolId]: classIds },
    preferences: { timezone, language },
    createdAt: deps.now().toISOString(),
  });
  await putMembership(deps, family, schoolId);
  await putNewFamily(deps, family);
  return family;
}

/** Mirrors the family's classes at one school into that school's families partition. */
export async function putMembership(deps: Deps, family: Family, schoolId: string): Promise<void> {
  const classIds = family.classes[schoolId];
  if (!classIds) {
    await deleteMembership(deps, schoolId, family.id);
    return;
  }
  const membership: SchoolFamily = { id: family.id, schoolId, classIds, createdAt: family.createdAt };
  await putMembershipItem(deps, membership);
}

/** The family, or undefined (never created, or erased). */
export async function getFamily(deps: Deps, familyId: string): Promise<Family | undefined> {
  const item = await getFamilyItem(deps, familyId);
  return item ? familySchema.parse(item) : undefined;
}

/** Many families in as few requests as possible (delivery reads a queue batch or a digest page at once). */
export async function getFamilies(deps: Deps, familyIds: string[]): Promise<Map<string, Family>> {
  const families = (await getFamilyItems(deps, familyIds)).map((item) => familySchema.parse(item));
  return new Map(families.map((family) => [family.id, family]));
}

/** Every family of a school with the classes it follows there (one partition, read page by page). */
export async function listFamilies(deps: Deps, schoolId: string): Promise<SchoolFamily[]> {
  const items = await listMembershipItems(deps, schoolId);
  return items.map((item) => schoolFamilySchema.parse(item));
}

/** Whether a post for `audience` is meant for a family following `classIds` at the post's school. */
export function reachesFamily(audience: readonly string[], family: Pick<SchoolFamily, 'classIds'>): boolean {
  if (isPublic(audience) || audience.includes('school')) return true;
  return family.classIds.some((id) => audience.includes(`class:${id}`));
}

/** Concurrent writers to one family are rare (one parent, two tabs); a few rounds settle them. */
const MAX_WRITE_ROUNDS = 5;

/**
 * Changes a family with optimistic concurrency: reads it, applies `change`, writes it back only if
 * nobody else wrote in between (its `createdAt` plus a revision counter), and retries otherwise.
 */
export async function updateFamily(
  deps: Deps,
  familyId: string,
  change: (family: Family) => Family,
): Promise<{ before: Family; after: Family } | undefined> {
  for (let round = 0; round < MAX_WRITE_ROUNDS; round++) {
    const item = await getFamilyItem(deps, familyId);
    if (!item) return undefined;
    const before = familySchema.parse(item);
    const after = familySchema.parse(change(structuredClone(before)));
    if (await replaceFamilyAt(deps, familyId, after, Number(item.revision ?? 0))) return { before, after };
  }
  throw new Error(`family ${familyId} kept changing; try again`);
}

/** Adds a class (a second child, or a child in another school) to the family. Adding it twice is harmless. */
export async function addClass(deps: Deps, familyId: string, schoolId: string, classId: string): Promise<Family | undefined> {
  await checkClasses(deps, schoolId, [classId]);
  const current = await getFamily(deps, familyId);
  if (!current) return undefined;
  // Membership first: publishing may notify the family about this class from now on.
  const planned = withClass(current, schoolId, classId);
  await putMembership(deps, planned, schoolId);
  return (await updateFamily(deps, familyId, (family) => withClass(family, schoolId, classId)))?.after;
}

const withClass = (family: Family, schoolId: string, classId: string): Family => ({
  ...family,
  classes: { ...family.classes, [schoolId]: [...new Set([...(family.classes[schoolId] ?? []), classId])] },
});

/**
 * Stops following a class (a school the family no longer has children at disappears from it, unless it
 * is the family's only one: school-wide posts still reach it). The family item changes first...
 */
export async function removeClass(deps: Deps, familyId: string, schoolId: string, classId: string): Promise<Family | undefined> {
  const updated = await updateFamily(deps, familyId, (family) => {
    const remaining = (family.classes[schoolId] ?? []).filter((id) => id !== classId);
    const classes = { ...family.classes, [schoolId]: remaining };
    if (remaining.length === 0 && Object.keys(classes).length > 1) delete classes[schoolId];
    return { ...family, classes };
  });
  // ...and then its membership at that school, which is what publishing reads.
  if (updated) await putMembership(deps, updated.after, schoolId);
  return updated?.after;
}

/**
 * Moves the family's classes at a school for a change of school year (`move` maps the class list), once
 * per change: the family remembers the change that moved it, so a re-run after a crash moves nobody twice.
 * The family item changes first and its membership is mirrored from it after, so a re-run also repairs a
 * membership a crash left behind. Returns the classes before and after (equal when it had moved already).
 */
export async function moveFamilyForYear(
  deps: Deps,
  familyId: string,
  schoolId: string,
  changeId: string,
  move: (classIds: string[]) => string[],
): Promise<{ before: string[]; after: string[] } | undefined> {
  let before: string[] = [];
  const updated = await updateFamily(deps, familyId, (family) => {
    before = family.classes[schoolId] ?? [];
    if (family.yearChanges[schoolId] === changeId) return family;
    return {
      ...family,
      classes: { ...family.classes, [schoolId]: move(before) },
      yearChanges: { ...family.yearChanges, [schoolId]: changeId },
    };
  });
  if (!updated) return undefined;
  await putMembership(deps, updated.after, schoolId);
  return { before, after: updated.after.classes[schoolId] ?? [] };
}

/** Replaces the family's preferences (validated); returns the family before and after. */
export async function setPreferences(deps: Deps, familyId: string, preferences: Preferences) {
  const valid = preferencesSchema.parse(preferences);
  return updateFamily(deps, familyId, (family) => ({ ...family, preferences: valid }));
}
