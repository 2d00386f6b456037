import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, conditionalWrite, queryAll } from '../../aws/dynamo';
import { familyKeys, tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';

/**
 * Families' storage: the family item in its own partition (beside its delivery ledger and its pending
 * recipients), one membership item per school in that school's families partition, and the index of
 * confirmed addresses (by keyed digest) to the families holding them. Reads return stored items; family.ts
 * parses them with its schemas.
 */
type Item = Record<string, unknown>;
export type TableKey = { pk: string; sk: string };

/** Writes a new family (never over one). */
export async function putNewFamily(deps: Deps, family: { id: string } & Item): Promise<void> {
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: { ...tableKeys.familyRecord(family.id), type: 'family', ...family },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** The family as stored (with its write `revision`), read strongly. */
export async function getFamilyItem(deps: Deps, familyId: string): Promise<Item | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: tableKeys.familyRecord(familyId), ConsistentRead: true }),
  );
  return Item;
}

/** Many families as stored, in as few requests as possible. */
export async function getFamilyItems(deps: Deps, familyIds: string[]): Promise<Item[]> {
  const keys = [...new Set(familyIds)].map((id) => tableKeys.familyRecord(id));
  return batchGetAll(deps.clients.dynamo, deps.config.tableName, keys);
}

/**
 * Writes the family back only if nobody else wrote it since it was read at `revision` (optimistic
 * concurrency); the stored revision counts up. False when someone did.
 */
export async function replaceFamilyAt(deps: Deps, familyId: string, family: Item, revision: number): Promise<boolean> {
  return conditionalWrite(
    deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: { ...tableKeys.familyRecord(familyId), type: 'family', ...family, revision: revision + 1 },
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(revision) OR revision = :revision)',
        ExpressionAttributeValues: { ':revision': revision },
      }),
    ),
  );
}

/** Stores the family's membership at one school (what publishing reads to know who should hear). */
export async function putMembershipItem(deps: Deps, membership: { id: string; schoolId: string } & Item): Promise<void> {
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: { ...tableKeys.family(membership.schoolId, membership.id), type: 'school-family', ...membership },
    }),
  );
}

/** Deletes the family's membership at a school; true when there was one. */
export async function deleteMembership(deps: Deps, schoolId: string, familyId: string): Promise<boolean> {
  return deleteErasedItem(deps, tableKeys.family(schoolId, familyId));
}

/** Every membership at a school (one partition, read page by page, strongly). */
export async function listMembershipItems(deps: Deps, schoolId: string): Promise<Item[]> {
  return queryAll(deps.clients.dynamo, {
    TableName: deps.config.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': tableKeys.familiesOfSchool(schoolId) },
    ConsistentRead: true,
  });
}

/** Indexes a confirmed address (by its digest) to a family. */
export async function putAddressOwner(deps: Deps, addressId: string, familyId: string): Promise<void> {
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: { ...tableKeys.addressOwner(addressId, familyId), type: 'address-owner', familyId },
    }),
  );
}

export async function deleteAddressOwner(deps: Deps, addressId: string, familyId: string): Promise<void> {
  await deps.clients.dynamo.send(
    new DeleteCommand({ TableName: deps.config.tableName, Key: tableKeys.addressOwner(addressId, familyId) }),
  );
}

/** The families that confirmed this address (normally one), read strongly. */
export async function addressOwners(deps: Deps, addressId: string): Promise<string[]> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :family)',
      ExpressionAttributeValues: { ':pk': tableKeys.addressOwnersPartition(addressId), ':family': 'FAMILY#' },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => String(item.familyId));
}

/** Stores a request to add a recipient, in the family's own partition (erasing the family erases it). */
export async function putPendingRecipient(deps: Deps, familyId: string, pendingId: string, request: Item): Promise<void> {
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: { ...familyKeys.pendingRecipient(familyId, pendingId), type: 'pending-recipient', ...request },
    }),
  );
}

export async function getPendingRecipientItem(deps: Deps, familyId: string, pendingId: string): Promise<Item | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({
      TableName: deps.config.tableName,
      Key: familyKeys.pendingRecipient(familyId, pendingId),
      ConsistentRead: true,
    }),
  );
  return Item;
}

export async function deletePendingRecipient(deps: Deps, familyId: string, pendingId: string): Promise<void> {
  await deps.clients.dynamo.send(
    new DeleteCommand({ TableName: deps.config.tableName, Key: familyKeys.pendingRecipient(familyId, pendingId) }),
  );
}

/**
 * The keys an erasure of the family goes through: every item of its own partition (the family, its
 * ledger, its pending recipients) with the `extra` attributes asked for.
 */
export async function familyPartitionKeys(deps: Deps, familyId: string, extra: string[] = []): Promise<(TableKey & Item)[]> {
  return partitionKeys(deps, tableKeys.familyPartition(familyId), extra);
}

/** The family's own entries in an address's partition: its index entry, and the address's confirmation notes. */
export async function addressEntriesOfFamily(deps: Deps, addressId: string, familyId: string): Promise<TableKey[]> {
  const keys = await partitionKeys(deps, tableKeys.addressOwnersPartition(addressId));
  return keys.filter(
    (k) => k.sk === tableKeys.addressOwner(addressId, familyId).sk || k.sk.startsWith(tableKeys.confirmationSentPrefix),
  );
}

async function partitionKeys(deps: Deps, pk: string, extra: string[] = []): Promise<(TableKey & Item)[]> {
  const items = await queryAll(deps.clients.dynamo, {
    TableName: deps.config.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk },
    ProjectionExpression: ['pk', 'sk', ...extra].join(', '),
    ConsistentRead: true,
  });
  return items.map((item) => ({ ...item, pk: String(item.pk), sk: String(item.sk) }));
}

/** Deletes one item an erasure found (by the key it was listed with); true when it was still there. */
export async function deleteErasedItem(deps: Deps, key: TableKey): Promise<boolean> {
  const { Attributes } = await deps.clients.dynamo.send(
    new DeleteCommand({ TableName: deps.config.tableName, Key: { pk: key.pk, sk: key.sk }, ReturnValues: 'ALL_OLD' }),
  );
  return Attributes !== undefined;
}

/** An evening digest's ledger entry that also carried another school's posts keeps only `postIds`. */
export async function keepDigestPosts(deps: Deps, key: TableKey, postIds: string[]): Promise<void> {
  await deps.clients.dynamo.send(
    new UpdateCommand({
      TableName: deps.config.tableName,
      Key: { pk: key.pk, sk: key.sk },
      UpdateExpression: 'SET postIds = :kept',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':kept': postIds },
    }),
  );
}
