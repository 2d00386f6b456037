import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type Actor, recordAudit } from '../audit/audit';
import type { Deps } from '../deps';

/**
 * Where a family's data lives. These mirror the family keys of `functions/core/families` (the parents'
 * issue): its own partition (the record with push endpoints and addresses, and its delivery ledger), a
 * membership item per school, an owner item per confirmed address (keyed by a digest of the address),
 * and an outbox record per post it was told about. Defined here because families are built on another
 * branch; once merged, these should be that module's `tableKeys` entries.
 */
const familyKeys = {
  partition: (familyId: string) => `FAMILY#${familyId}`,
  record: (familyId: string) => ({ pk: `FAMILY#${familyId}`, sk: 'FAMILY' }),
  membership: (schoolId: string, familyId: string) => ({ pk: `SCHOOL#${schoolId}#FAMILIES`, sk: `FAMILY#${familyId}` }),
  addressOwner: (addressId: string, familyId: string) => ({ pk: `ADDRESS#${addressId}`, sk: `FAMILY#${familyId}` }),
  outboxRecord: (postId: string, familyId: string) => ({ pk: `OUTBOX#${postId}`, sk: `FAMILY#${familyId}` }),
  deliveryPrefix: 'DELIVERY#',
};

/** There is no such family at this school (an admin can only erase their own school's families). */
export class FamilyNotFound extends Error {
  override name = 'FamilyNotFound';
  constructor() {
    super('There is no such family in your school.');
  }
}

type Key = { pk: string; sk: string };

/**
 * Erases a family on request (UK GDPR art. 17): its subscriptions (push endpoints), email addresses,
 * preferences, class memberships at every school, delivery ledger and outbox records. The audit log
 * records that it happened, by whom and how many items went, but nothing about the family beyond its
 * id. Returns the number of items deleted.
 */
export async function eraseFamilyData(deps: Deps, actor: Actor, schoolId: string, familyId: string): Promise<number> {
  const table = deps.config.tableName;
  const { Item: membership } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: table, Key: familyKeys.membership(schoolId, familyId), ConsistentRead: true }),
  );
  if (!membership) throw new FamilyNotFound();
  const { Item: record } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: table, Key: familyKeys.record(familyId), ConsistentRead: true }),
  );
  const ownItems = await partitionKeys(deps, familyKeys.partition(familyId));
  const schools = new Set([schoolId, ...Object.keys((record?.classes as Record<string, unknown> | undefined) ?? {})]);
  const addressIds = Object.keys((record?.emails as Record<string, unknown> | undefined) ?? {});
  // The ledger names every post the family heard about: their outbox records go too.
  const postIds = new Set(
    ownItems
      .filter((k) => k.sk.startsWith(familyKeys.deliveryPrefix))
      .map((k) => k.sk.slice(familyKeys.deliveryPrefix.length).split('#')[0] ?? '')
      .filter((subject) => subject !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(subject)), // digest dates are not posts
  );
  // Pointers first and the family's own partition last: an erase interrupted half-way is found again
  // by repeating it (the membership item is the last thing to go).
  const keys: Key[] = [
    ...addressIds.map((id) => familyKeys.addressOwner(id, familyId)),
    ...[...postIds].map((postId) => familyKeys.outboxRecord(postId, familyId)),
    ...ownItems,
    ...[...schools].filter((s) => s !== schoolId).map((s) => familyKeys.membership(s, familyId)),
    familyKeys.membership(schoolId, familyId),
  ];
  let deleted = 0;
  for (const Key of keys) {
    const { Attributes } = await deps.clients.dynamo.send(new DeleteCommand({ TableName: table, Key, ReturnValues: 'ALL_OLD' }));
    if (Attributes) deleted++;
  }
  await recordAudit(deps, schoolId, actor, 'family_erased', familyId, { items: deleted });
  return deleted;
}

async function partitionKeys(deps: Deps, pk: string): Promise<Key[]> {
  const keys: Key[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deps.clients.dynamo.send(
      new QueryCommand({
        TableName: deps.config.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) keys.push({ pk: String(item.pk), sk: String(item.sk) });
    start = page.LastEvaluatedKey;
  } while (start);
  return keys;
}
