import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import { type Family, partitionKeys } from '../families/family';
import { forgetFamilyInClaims } from '../notify/claims';
import { ledgerKeyIfAny } from '../notify/ledger';
import { forgetFamilyInOutbox } from '../notify/outbox-records';

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
  const remove = async (Key: Record<string, unknown>) => {
    const { Attributes } = await deps.clients.dynamo.send(
      new DeleteCommand({ TableName: deps.config.tableName, Key, ReturnValues: 'ALL_OLD' }),
    );
    if (Attributes) deleted++;
  };
  for (const schoolId of Object.keys(family.classes)) await remove(tableKeys.family(schoolId, family.id));
  for (const addressId of Object.keys(family.emails)) {
    const notes = await partitionKeys(deps, tableKeys.addressOwnersPartition(addressId));
    for (const key of notes.filter((k) => k.sk === `FAMILY#${family.id}` || String(k.sk).startsWith('CONFIRMATION#')))
      await remove(key);
  }
  const own = await partitionKeys(deps, tableKeys.familyPartition(family.id), ['postIds']);
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
