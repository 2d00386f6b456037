import { type Actor, recordAudit } from '../audit/audit';
import type { Deps } from '../deps';
import { eraseFamily, getFamily } from '../families/family';

/** There is no such family at this school (an admin can only erase their own school's families). */
export class FamilyNotFound extends Error {
  override name = 'FamilyNotFound';
  constructor() {
    super('There is no such family in your school.');
  }
}

/**
 * An admin erases a family on request: everything `eraseFamily` removes, across every school it joined.
 * The audit log records that it happened, by whom and how many items went, but nothing about the family
 * beyond its id. Returns the number of items deleted.
 */
export async function eraseFamilyData(deps: Deps, actor: Actor, schoolId: string, familyId: string): Promise<number> {
  const family = await getFamily(deps, familyId);
  if (!family || !(schoolId in family.classes)) throw new FamilyNotFound();
  const deleted = await eraseFamily(deps, family);
  await recordAudit(deps, schoolId, actor, 'family_erased', familyId, { items: deleted });
  return deleted;
}
