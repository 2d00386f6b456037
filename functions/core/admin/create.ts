import * as z from 'zod';
import { type Actor, recordAudit } from '../audit/audit';
import { channel } from '../channels/channels';
import { renderChannel } from '../channels/render-channel';
import type { Deps } from '../deps';
import { DomainError, type DomainStatus } from '../errors';
import {
  classCalled,
  getSchool,
  newClass,
  type School,
  type SchoolClass,
  schoolIdSchema,
  schoolSchema,
  timezoneSchema,
  updateSchoolFields,
} from '../schools/school';
import { listSchoolItems, putSchoolItem } from '../schools/store';
import { getTrust } from '../schools/trust';
import { inviteStaff } from '../staff/invite';
import { emailSchema } from '../staff/staff';
import { renderSchoolChannels } from './pages';
import { resyncWall } from './wall';

/** A school change an operator can correct, with the words to show them. */
export class SchoolChangeRefused extends DomainError {
  override name = 'SchoolChangeRefused';
  constructor(message: string, code = 'refused', status: DomainStatus = 422) {
    super(code, status, message);
  }
}

/** The id is taken: ids are for ever (they are in the school's addresses, /s/<id>). */
export class SchoolExists extends SchoolChangeRefused {
  override name = 'SchoolExists';
  constructor(message: string) {
    super(message, 'conflict', 409);
  }
}

const classNameSchema = z.string().trim().min(1, 'a class needs a name').max(80);

/** What an operator sends to create a school. Classes are given by name; their ids are made from the names. */
export const newSchoolSchema = z
  .object({
    id: schoolIdSchema,
    name: z.string().trim().min(1, 'give the school a name').max(120),
    timezone: timezoneSchema.default('Europe/London'),
    classes: z
      .array(
        z.union([classNameSchema, z.object({ name: classNameSchema })]).transform((c) => (typeof c === 'string' ? c : c.name)),
      )
      .max(60)
      .default([]),
    /** The first admin (usually the head): invited by an emailed sign-in link, as staff are. */
    adminEmail: emailSchema,
    adminName: z.string().trim().min(1).max(120).optional(),
    trustId: z.string().optional(),
  })
  .strict();
export type NewSchool = z.input<typeof newSchoolSchema>;

/** What an operator may change about a school afterwards (`trustId: null` takes it out of its trust). */
export const schoolUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    timezone: timezoneSchema.optional(),
    trustId: z.string().nullable().optional(),
  })
  .strict()
  .refine((s) => Object.keys(s).length > 0, 'send at least one change: name, timezone or trustId');

async function checkTrust(deps: Deps, trustId: string | null | undefined): Promise<void> {
  if (trustId && !(await getTrust(deps, trustId)))
    throw new SchoolChangeRefused(`There is no trust "${trustId}". Create it first (corridor trust create).`);
}

/**
 * Creates a school: its record with its classes, its first admin (invited by email, like any member of
 * staff), and its public page and feeds (empty, "no posts yet", rather than a 404 until the first post).
 * The same path serves the operators' API and the demo seed. Refused, changing nothing, when the id is
 * taken or the trust does not exist.
 */
export async function createSchool(deps: Deps, actor: Actor, raw: NewSchool): Promise<School> {
  const input = newSchoolSchema.parse(raw);
  await checkTrust(deps, input.trustId);
  const classes: SchoolClass[] = [];
  for (const name of input.classes) {
    if (classCalled(classes, name)) throw new SchoolChangeRefused(`The class "${name}" is listed twice.`);
    classes.push(newClass(classes, name));
  }
  const school = schoolSchema.parse({
    id: input.id,
    name: input.name,
    timezone: input.timezone,
    classes,
    trustId: input.trustId,
  });
  if (!(await putSchoolItem(deps, school, true)))
    throw new SchoolExists(`There is already a school "${school.id}". Choose another id.`);
  await recordAudit(deps, school.id, actor, 'school_created', school.id, {
    name: school.name,
    classes: school.classes.map((c) => c.name),
    ...(school.trustId ? { trust: school.trustId } : {}),
  });
  const inviter = { schoolId: school.id, role: 'admin' as const, ...actor };
  await inviteStaff(deps, inviter, { email: input.adminEmail, name: input.adminName ?? input.adminEmail, role: 'admin' });
  await renderChannel(deps, channel.public(school.id));
  return school;
}

/** Every school, by id. */
export async function listSchools(deps: Deps): Promise<School[]> {
  const items = await listSchoolItems(deps);
  return items.map((item) => schoolSchema.parse(item)).sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * An operator changes a school's name, time zone or trust. Leaving a trust (or moving to another) also
 * takes the school's posts off the old trust's wall: the school's admin opts in again to the new one.
 */
export async function updateSchool(
  deps: Deps,
  actor: Actor,
  schoolId: string,
  raw: z.input<typeof schoolUpdateSchema>,
): Promise<School | undefined> {
  const changes = schoolUpdateSchema.parse(raw);
  const before = await getSchool(deps, schoolId);
  if (!before) return undefined;
  await checkTrust(deps, changes.trustId);
  const sets: Record<string, unknown> = {};
  const removes: string[] = [];
  if (changes.name !== undefined) sets.name = changes.name;
  if (changes.timezone !== undefined) sets.timezone = changes.timezone;
  const trustChanges = changes.trustId !== undefined && (changes.trustId ?? undefined) !== before.trustId;
  if (trustChanges) {
    if (changes.trustId) sets.trustId = changes.trustId;
    else removes.push('trustId');
    if (before.wallTrustId) removes.push('wallTrustId');
  }
  await updateSchoolFields(deps, schoolId, sets, removes);
  await recordAudit(deps, schoolId, actor, 'school_updated', schoolId, {
    changed: Object.keys(changes),
    ...(trustChanges ? { trust: changes.trustId ?? 'none' } : {}),
  });
  if (trustChanges && before.wallTrustId) await resyncWall(deps, schoolId);
  const after = await getSchool(deps, schoolId);
  if (after && (changes.name !== undefined || changes.timezone !== undefined)) await renderSchoolChannels(deps, after);
  return after;
}
