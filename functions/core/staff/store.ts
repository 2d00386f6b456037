import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalAnswer, conditionalWrite } from '../../aws/dynamo';
import { staffKeys } from '../../aws/keys';
import type { Deps } from '../deps';

/**
 * Staff storage: members (with the address pointers sign-in reads), sessions and sign-in links. Reads
 * return the stored item as it is: the domain files (staff.ts, sessions.ts, magic-links.ts) parse it with
 * their schemas, so a malformed item is refused where its meaning is known.
 */
type Item = Record<string, unknown>;

/** A member of a school's staff, read strongly (a role change must hold at the next request). */
export async function getStaffItem(deps: Deps, schoolId: string, email: string): Promise<Item | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: staffKeys.member(schoolId, email), ConsistentRead: true }),
  );
  return Item;
}

/** Every member of a school's staff. */
export async function listStaffItems(deps: Deps, schoolId: string): Promise<Item[]> {
  return queryPartition(deps, staffKeys.staffOfSchool(schoolId));
}

/** The ids of the schools whose staff this address was added to (pointers: each is checked against its school). */
export async function staffSchoolsOfAddress(deps: Deps, email: string): Promise<string[]> {
  return (await queryPartition(deps, staffKeys.schoolsOfAddress(email))).map((item) => String(item.schoolId));
}

async function queryPartition(deps: Deps, pk: string): Promise<Item[]> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    }),
  );
  return Items;
}

/** Adds a member and its address pointer; false (and no member written) when the address is already staff there. */
export async function putNewStaffMember(deps: Deps, member: { schoolId: string; email: string } & Item): Promise<boolean> {
  // The pointer first: a crash between the writes leaves a pointer to nothing, which readers skip.
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: { ...staffKeys.address(member.email, member.schoolId), type: 'staff-address', schoolId: member.schoolId },
    }),
  );
  return conditionalWrite(
    deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: { ...staffKeys.member(member.schoolId, member.email), type: 'staff', ...member },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

/** Sets fields of an existing member (`fields` by attribute name); false when there is no such member. */
export async function updateStaffItem(deps: Deps, schoolId: string, email: string, fields: Item): Promise<boolean> {
  const entries = Object.entries(fields);
  return conditionalWrite(
    deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: staffKeys.member(schoolId, email),
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#f${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
      }),
    ),
  );
}

/** Deletes a member and its address pointer; false when there was no such member. */
export async function deleteStaffMember(deps: Deps, schoolId: string, email: string): Promise<boolean> {
  const { Attributes } = await deps.clients.dynamo.send(
    new DeleteCommand({ TableName: deps.config.tableName, Key: staffKeys.member(schoolId, email), ReturnValues: 'ALL_OLD' }),
  );
  await deps.clients.dynamo.send(
    new DeleteCommand({ TableName: deps.config.tableName, Key: staffKeys.address(email, schoolId) }),
  );
  return Attributes !== undefined;
}

/** Stores a new session under its secret's hash (never over another: hashes of fresh secrets do not meet). */
export async function putSession(deps: Deps, secretHash: string, session: Item): Promise<void> {
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: { ...staffKeys.session(secretHash), type: 'session', ...session },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getSessionItem(deps: Deps, secretHash: string): Promise<Item | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: staffKeys.session(secretHash), ConsistentRead: true }),
  );
  return Item;
}

export async function deleteSession(deps: Deps, secretHash: string): Promise<void> {
  await deps.clients.dynamo.send(new DeleteCommand({ TableName: deps.config.tableName, Key: staffKeys.session(secretHash) }));
}

/** Stores a new sign-in link under its secret's hash. */
export async function putMagicLink(deps: Deps, secretHash: string, link: Item): Promise<void> {
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: { ...staffKeys.magicLink(secretHash), type: 'magic-link', ...link },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getMagicLinkItem(deps: Deps, secretHash: string): Promise<Item | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: staffKeys.magicLink(secretHash), ConsistentRead: true }),
  );
  return Item;
}

/**
 * Marks a link used in one conditional write, only if it exists, is unused and unexpired: of two
 * simultaneous clicks (or a replay) exactly one gets the link back; the other gets undefined.
 */
export async function useMagicLink(deps: Deps, secretHash: string): Promise<Item | undefined> {
  const used = await conditionalAnswer(
    deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: staffKeys.magicLink(secretHash),
        UpdateExpression: 'SET usedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND expiresAt > :nowSeconds',
        ExpressionAttributeValues: { ':now': deps.now().toISOString(), ':nowSeconds': deps.now().getTime() / 1000 },
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  return used?.Attributes;
}
