import type { Deps } from '../deps';
import { type Family, putMembership, updateFamily } from '../families/family';
import { deleteErasedItem, familyPartitionKeys, keepDigestPosts, type TableKey } from '../families/store';
import { forgetFamilyInClaims } from '../notify/claims-store';
import { ledgerKeyIfAny } from '../notify/ledger';
import { forgetFamilyInOutbox } from '../notify/outbox-store';
import { schoolsOfPosts } from '../posts/school-posts-store';
import { eraseFamily } from './erase-family';

/**
 * A school erases its own relationship with a family (an admin's erasure on request): the family's
 * classes at that school, its membership there, and the delivery ledger, outbox records and claims of
 * that school's posts. The family's other schools — their memberships, their posts' ledger, its
 * addresses and phones — are not that school's to erase, and stay. A family left with no school is
 * erased altogether (`eraseFamily`). Returns how many items went and whether the family itself went.
 */
export async function eraseFamilyAtSchool(
  deps: Deps,
  family: Family,
  schoolId: string,
): Promise<{ items: number; familyErased: boolean }> {
  const others = Object.keys(family.classes).filter((id) => id !== schoolId);
  if (others.length === 0) return { items: await eraseFamily(deps, family), familyErased: true };
  let items = 0;
  const remove = async (key: TableKey) => {
    if (await deleteErasedItem(deps, key)) items++;
  };
  // The family record first: from now on nothing of this school's reaches it, even if the rest is cut short.
  const updated = await updateFamily(deps, family.id, (current) => {
    const { [schoolId]: _erased, ...classes } = current.classes;
    return { ...current, classes };
  });
  if (!updated) return { items, familyErased: false };
  await putMembership(deps, updated.after, schoolId); // no classes there: the membership item is deleted
  items++;

  const own = await familyPartitionKeys(deps, family.id, ['postIds']);
  const ledger = own.flatMap((item) => {
    const key = ledgerKeyIfAny(item);
    return key
      ? [{ item, key, postIds: key.subject.kind === 'post' ? [key.subject.postId] : ((item.postIds as string[]) ?? []) }]
      : [];
  });
  const schoolOf = await schoolsOfPosts(deps, [...new Set(ledger.flatMap((l) => l.postIds))]);
  const ours = (postId: string) => schoolOf.get(postId) === schoolId;
  const erasedPosts = ledger.filter((l) => l.key.subject.kind === 'post' && l.postIds.every(ours));
  for (const { key } of erasedPosts)
    if (key.subject.kind === 'post') items += await forgetFamilyInOutbox(deps, key.subject.postId, family.id);
  await forgetFamilyInClaims(
    deps,
    family.id,
    erasedPosts.map((l) => l.item),
  );
  for (const { item, key, postIds } of ledger) {
    if (!postIds.some(ours)) continue;
    if (key.subject.kind === 'post' || postIds.every(ours)) {
      await remove({ pk: item.pk, sk: item.sk });
      continue;
    }
    // An evening digest that also carried another school's posts keeps only those.
    await keepDigestPosts(
      deps,
      item,
      postIds.filter((id) => !ours(id)),
    );
  }
  return { items, familyErased: false };
}
