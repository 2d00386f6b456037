import { type Actor, recordAudit } from '../audit/audit';
import type { Deps } from '../deps';
import { DomainError } from '../errors';
import { type Family, getFamily } from '../families/family';
import { eraseFamily } from './erase-family';
import { eraseFamilyAtSchool } from './leave-school';

/** There is no such family at this school (an admin can only erase their own school's families). */
export class FamilyNotFound extends DomainError {
  override name = 'FamilyNotFound';
  constructor() {
    super('not_found', 404, 'There is no such family in your school.');
  }
}

/**
 * An admin erases their school's relationship with a family on request: its classes and membership at
 * this school and the delivery records of this school's posts (`eraseFamilyAtSchool`). The family's other
 * schools keep it, their data untouched, and hear nothing (nothing of theirs changed); a family left with
 * no school is erased altogether. This school's audit log records that it happened, by whom, how many
 * items went and whether the family itself went — nothing about the family beyond its id.
 */
export async function eraseFamilyData(deps: Deps, actor: Actor, schoolId: string, familyId: string): Promise<number> {
  const family = await getFamily(deps, familyId);
  if (!family || !(schoolId in family.classes)) throw new FamilyNotFound();
  const { items, familyErased } = await eraseFamilyAtSchool(deps, family, schoolId);
  await recordAudit(deps, schoolId, actor, 'family_erased', familyId, {
    items,
    scope: familyErased ? 'family' : 'this school',
  });
  return items;
}

/** Who the log names when a parent deletes their own family from its page. */
const familyActor: Actor = { label: 'the family (from its own page)', tokenId: 'family' };

/**
 * A parent's "delete everything": the whole family, at every school. Each school's audit log says that
 * one of its families deleted itself, and which of its classes it had followed, so no school finds a
 * family gone without a word — but not the family's id: after a parent's own erasure nothing in the
 * table names the family any more.
 */
export async function eraseOwnFamily(deps: Deps, family: Family): Promise<number> {
  const items = await eraseFamily(deps, family);
  for (const [schoolId, classIds] of Object.entries(family.classes)) {
    await recordAudit(deps, schoolId, familyActor, 'family_erased', '', { items, scope: 'family', classes: classIds });
  }
  return items;
}
