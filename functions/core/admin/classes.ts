import * as z from 'zod';
import { recordAudit } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import { channel } from '../channels/channels';
import { renderChannel } from '../channels/render-channel';
import type { Deps } from '../deps';
import { DomainError, type DomainErrorOptions } from '../errors';
import { classCalled, classSchema, getSchool, newClass, type SchoolClass } from '../schools/school';
import { appendClass, setClassAt } from '../schools/store';

/** A class change the admin can correct, with the words to show them. */
export class ClassChangeRefused extends DomainError {
  override name = 'ClassChangeRefused';
  constructor(message: string, options?: DomainErrorOptions) {
    super('refused', 422, message, options);
  }
}

export const newClassSchema = z.object({ name: classSchema.shape.name }).strict();
export const classChangeSchema = z
  .object({ name: classSchema.shape.name.optional(), archived: z.boolean().optional() })
  .strict()
  .refine((c) => c.name !== undefined || c.archived !== undefined, 'send a new name or archived: true/false');

/** Lost races (two admins adding classes at once) are retried this often before giving up. */
const MAX_ROUNDS = 5;

/**
 * Adds a class; its id is made from its name ("Year 1" → "year-1") and never changes. Appending with a
 * condition on the list's length means two admins adding at once both get their class, with ids apart.
 */
export async function addClass(deps: Deps, admin: Principal, raw: z.input<typeof newClassSchema>): Promise<SchoolClass> {
  const { name } = newClassSchema.parse(raw);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const school = await getSchool(deps, admin.schoolId);
    if (!school) throw new ClassChangeRefused('Your school no longer exists.');
    const same = classCalled(school.classes, name);
    if (same) throw new ClassChangeRefused(`There is already a class called "${same.name}".`);
    const klass = newClass(school.classes, name);
    if (!(await appendClass(deps, school.id, klass, school.classes.length))) continue;
    await recordAudit(deps, school.id, admin, 'class_added', klass.id, { name: klass.name });
    return klass;
  }
  throw new ClassChangeRefused('The classes kept changing while adding this one; please try again.');
}

/**
 * Renames a class, archives it or opens it again. An archived class keeps its posts (and their audience)
 * but takes no new posts or joins. Undefined when the school has no such class.
 */
export async function changeClass(
  deps: Deps,
  admin: Principal,
  classId: string,
  raw: z.input<typeof classChangeSchema>,
): Promise<SchoolClass | undefined> {
  const change = classChangeSchema.parse(raw);
  const school = await getSchool(deps, admin.schoolId);
  const index = school?.classes.findIndex((k) => k.id === classId) ?? -1;
  const klass = school?.classes[index];
  if (!school || !klass) return undefined;
  if (change.name !== undefined) {
    const same = classCalled(
      school.classes.filter((k) => k.id !== classId),
      change.name,
    );
    if (same) throw new ClassChangeRefused(`There is already a class called "${same.name}".`);
  }
  const after = classSchema.parse({ ...klass, ...change });
  if (!(await setClassAt(deps, school.id, index, classId, after)))
    throw new ClassChangeRefused('The classes changed a moment ago; reload them and try again.');
  if (after.name !== klass.name) {
    await recordAudit(deps, school.id, admin, 'class_renamed', classId, { from: klass.name, to: after.name });
    await renderChannel(deps, channel.class(school.id, classId));
  }
  if (after.archived !== klass.archived)
    await recordAudit(deps, school.id, admin, after.archived ? 'class_archived' : 'class_reopened', classId, {
      name: after.name,
    });
  return after;
}
