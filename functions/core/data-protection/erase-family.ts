import type { Deps } from '../deps';
import type { Family } from '../families/family';
import {
  addressEntriesOfFamily,
  deleteErasedItem,
  deleteMembership,
  familyPartitionKeys,
  type TableKey,
} from '../families/store';
import { forgetFamilyInClaims } from '../notify/claims-store';
import { ledgerKeyIfAny } from '../notify/ledger';
import { forgetFamilyInOutbox } from '../notify/outbox-store';
/**
 * Erases a family (a parent's "delete everything", or the erasure by its last school, UK GDPR art. 17; one
 * school among several erases only its own tie: leave-school.ts): its
 * memberships (publishing stops at once), its address index entries and their confirmation notes, the
 * outbox records of the posts its ledger names and its place in those posts' delivery claims, and then
 * every item of its own partition — the family
 * with its push endpoints, email addresses and preferences, and its delivery ledger. The partition goes
 * last, so an erase cut short is found and finished by repeating it. Returns how many items went.
 */
export async function eraseFamily(deps: Deps, family: Family): Promise<number> {
  let deleted = 0;
  const remove = async (key: TableKey) => {
    if (await deleteErasedItem(deps, key)) deleted++;
  };
  for (const schoolId of Object.keys(family.classes)) if (await deleteMembership(deps, schoolId, family.id)) deleted++;
  for (const addressId of Object.keys(family.emails)) {
    for (const key of await addressEntriesOfFamily(deps, addressId, family.id)) await remove(key);
  }
  const own = await familyPartitionKeys(deps, family.id, ['postIds']);
  // The posts handed over to this family: an instant delivery's post, and the posts a digest collected.
  const postIds = new Set(
    own.flatMap((item) => {
      const delivery = ledgerKeyIfAny(item);
      if (!delivery) return [];
      return delivery.subject.kind === 'post' ? [delivery.subject.postId] : ((item.postIds as string[] | undefined) ?? []);
    }),
  );
  for (const postId of postIds) deleted += await forgetFamilyInOutbox(deps, postId, family.id);
  await forgetFamilyInClaims(deps, family.id, own);
  for (const { pk, sk } of own) await remove({ pk, sk });
  return deleted;
}
