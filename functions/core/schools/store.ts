import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, conditionalWrite, queryAll } from '../../aws/dynamo';
import { leaversOfSchool, pendingKey, tableKeys } from '../../aws/keys';
import { pendingItems } from '../../aws/pending-index';
import type { Deps } from '../deps';

/**
 * Schools' storage: the school item (its classes, settings, look, artwork and change of school year live
 * on it), the operators' lists of schools and trusts, trusts, and the families leaving at a new school
 * year. Reads return the stored item: school.ts, trust.ts and year/leavers.ts parse it with their schemas.
 * Every conditional write answers false when its condition failed (someone else changed it first).
 */
type Item = Record<string, unknown>;

export async function getSchoolItem(deps: Deps, schoolId: string): Promise<Item | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: tableKeys.school(schoolId) }),
  );
  return Item;
}

/**
 * Stores a school, listed for operators first (a listed id with no school is skipped). With `onlyNew`,
 * false (and no school written) when the id is taken.
 */
export async function putSchoolItem(deps: Deps, school: { id: string } & Item, onlyNew = false): Promise<boolean> {
  await listSchool(deps, school.id);
  return conditionalWrite(
    deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: { ...tableKeys.school(school.id), type: 'school', ...school },
        ...(onlyNew ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
      }),
    ),
  );
}

/** Puts the school in the operators' list. */
export async function listSchool(deps: Deps, schoolId: string): Promise<void> {
  await deps.clients.dynamo.send(
    new PutCommand({ TableName: deps.config.tableName, Item: { ...tableKeys.schoolPointer(schoolId), schoolId } }),
  );
}

/** Every listed school as stored (one partition of pointers, then the schools in batches). */
export async function listSchoolItems(deps: Deps): Promise<Item[]> {
  return listedItems(deps, tableKeys.schoolsIndex, tableKeys.school);
}

async function listedItems(deps: Deps, index: string, keyOf: (id: string) => Item): Promise<Item[]> {
  const pointers = await queryAll(deps.clients.dynamo, {
    TableName: deps.config.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': index },
  });
  return batchGetAll(
    deps.clients.dynamo,
    deps.config.tableName,
    pointers.map((p) => keyOf(String(p.sk))),
  );
}

interface Condition {
  expression: string;
  values: Record<string, unknown>;
  names?: Record<string, string>;
}

/** Sets and removes top-level fields of an existing school in one write, leaving the rest untouched. */
export async function updateSchoolFields(
  deps: Deps,
  schoolId: string,
  sets: Record<string, unknown>,
  removes: string[] = [],
): Promise<void> {
  await updateSchool(deps, schoolId, sets, removes);
}

/** The write of {@link updateSchoolFields}; `condition` adds to "the school exists" (throws when it fails). */
async function updateSchool(deps: Deps, schoolId: string, sets: Item, removes: string[], condition?: Condition): Promise<void> {
  const entries = Object.entries(sets);
  if (entries.length + removes.length === 0) return;
  const names = Object.fromEntries([...entries.map(([key]) => key), ...removes].map((key, i) => [`#f${i}`, key]));
  const set = entries.map((_, i) => `#f${i} = :v${i}`).join(', ');
  const remove = removes.map((_, i) => `#f${entries.length + i}`).join(', ');
  const values = { ...Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])), ...condition?.values };
  await deps.clients.dynamo.send(
    new UpdateCommand({
      TableName: deps.config.tableName,
      Key: tableKeys.school(schoolId),
      UpdateExpression: `${set ? `SET ${set}` : ''}${remove ? ` REMOVE ${remove}` : ''}`,
      ConditionExpression: `attribute_exists(pk)${condition ? ` AND (${condition.expression})` : ''}`,
      ExpressionAttributeNames: { ...names, ...condition?.names },
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    }),
  );
}

/**
 * Starts a change of school year in the school's one write: its new classes and the change, and an entry
 * in the sweeper's index (so a crash before it is applied is finished). False when another change is
 * under way (of two admins starting at once, one starts).
 */
export async function startYearChange(
  deps: Deps,
  schoolId: string,
  sets: Item,
  change: { startedAt: string } & Item,
): Promise<boolean> {
  return conditionalWrite(
    updateSchool(
      deps,
      schoolId,
      { ...sets, yearChange: change, gsi1pk: pendingKey('yearChange', schoolId), gsi1sk: change.startedAt },
      [],
      {
        expression: 'attribute_not_exists(yearChange) OR yearChange.#state = :applied',
        names: { '#state': 'state' },
        values: { ':applied': 'applied' },
      },
    ),
  );
}

/** Records the change as applied (if it is still the school's current one) and takes it off the sweeper's index. */
export async function markYearChangeApplied(deps: Deps, schoolId: string, change: { id: string } & Item): Promise<void> {
  await updateSchool(deps, schoolId, { yearChange: change }, ['gsi1pk', 'gsi1sk'], {
    expression: 'yearChange.id = :id',
    values: { ':id': change.id },
  });
}

/** Appends a class, if the school still has `seenCount` classes (two admins adding at once both succeed in turn). */
export async function appendClass(deps: Deps, schoolId: string, klass: Item, seenCount: number): Promise<boolean> {
  return conditionalWrite(
    deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.school(schoolId),
        UpdateExpression: 'SET classes = list_append(classes, :klass)',
        ConditionExpression: 'size(classes) = :count',
        ExpressionAttributeValues: { ':klass': [klass], ':count': seenCount },
      }),
    ),
  );
}

/** Sets a class's name and archived flag, if the class is still at `index`. */
export async function setClassAt(
  deps: Deps,
  schoolId: string,
  index: number,
  classId: string,
  klass: { name: string; archived: boolean },
): Promise<boolean> {
  return conditionalWrite(
    deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.school(schoolId),
        UpdateExpression: `SET classes[${index}].#name = :name, classes[${index}].archived = :archived`,
        ConditionExpression: `classes[${index}].id = :id`,
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':name': klass.name, ':archived': klass.archived, ':id': classId },
      }),
    ),
  );
}

/** Counts a class's join generation up from `seen`, if nobody else did first. */
export async function bumpJoinGeneration(
  deps: Deps,
  schoolId: string,
  index: number,
  classId: string,
  seen: number,
): Promise<boolean> {
  const generation = `classes[${index}].joinGeneration`;
  // A class stored before links could be rotated has no generation yet: it is at 0.
  const unchanged = `${generation} = :seen${seen === 0 ? ` OR attribute_not_exists(${generation})` : ''}`;
  return conditionalWrite(
    deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.school(schoolId),
        UpdateExpression: `SET ${generation} = :next`,
        ConditionExpression: `classes[${index}].id = :classId AND (${unchanged})`,
        ExpressionAttributeValues: { ':classId': classId, ':seen': seen, ':next': seen + 1 },
      }),
    ),
  );
}

/** Stores artwork drawn from `artwork.source`, unless the school already has artwork of that source. */
export async function setArtwork(deps: Deps, schoolId: string, artwork: { source: string } & Item): Promise<boolean> {
  return conditionalWrite(
    deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.school(schoolId),
        UpdateExpression: 'SET artwork = :artwork',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(artwork) OR artwork.#source <> :source)',
        ExpressionAttributeNames: { '#source': 'source' },
        ExpressionAttributeValues: { ':artwork': artwork, ':source': artwork.source },
      }),
    ),
  );
}

/** A stored logo's bytes (the pipeline's JPEG, already without metadata), read back from the site bucket. */
export async function logoBytes(deps: Deps, key: string): Promise<Buffer> {
  const object = await deps.clients.s3.send(new GetObjectCommand({ Bucket: deps.config.siteBucket, Key: key }));
  return Buffer.from(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

export async function getTrustItem(deps: Deps, trustId: string): Promise<Item | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: tableKeys.trust(trustId) }),
  );
  return Item;
}

/** Puts the trust in the operators' list. */
async function listTrust(deps: Deps, trustId: string): Promise<void> {
  await deps.clients.dynamo.send(
    new PutCommand({ TableName: deps.config.tableName, Item: { ...tableKeys.trustPointer(trustId), trustId } }),
  );
}

/** Creates or replaces a trust (listed first). */
export async function putTrustItem(deps: Deps, trust: { id: string } & Item): Promise<void> {
  await listTrust(deps, trust.id);
  await deps.clients.dynamo.send(
    new PutCommand({ TableName: deps.config.tableName, Item: { ...tableKeys.trust(trust.id), type: 'trust', ...trust } }),
  );
}

/** Creates a trust and lists it; false (and nothing written) when the id is taken. */
export async function createTrustItem(deps: Deps, trust: { id: string } & Item): Promise<boolean> {
  const created = await conditionalWrite(
    deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: { ...tableKeys.trust(trust.id), type: 'trust', ...trust },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
  if (created) await listTrust(deps, trust.id);
  return created;
}

/** Every listed trust as stored. */
export async function listTrustItems(deps: Deps): Promise<Item[]> {
  return listedItems(deps, tableKeys.trustsIndex, tableKeys.trust);
}

/**
 * Records a leaving family once (recording it again changes nothing), indexed for the sweeper by the
 * date it is removed.
 */
export async function putLeaverOnce(
  deps: Deps,
  leaver: { schoolId: string; familyId: string; removeAfter: string } & Item,
): Promise<void> {
  await conditionalWrite(
    deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: {
          ...tableKeys.leaver(leaver.schoolId, leaver.familyId),
          type: 'leaver',
          ...leaver,
          told: false,
          gsi1pk: pendingKey('leavers', leaver.familyId),
          gsi1sk: leaver.removeAfter,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

/** The school's leaving families as stored (every change of school year). */
export async function listLeaverItems(deps: Deps, schoolId: string): Promise<Item[]> {
  return queryAll(deps.clients.dynamo, {
    TableName: deps.config.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': leaversOfSchool(schoolId) },
    ConsistentRead: true,
  });
}

export async function markLeaverTold(deps: Deps, schoolId: string, familyId: string): Promise<void> {
  await deps.clients.dynamo.send(
    new UpdateCommand({
      TableName: deps.config.tableName,
      Key: tableKeys.leaver(schoolId, familyId),
      UpdateExpression: 'SET told = :true',
      ExpressionAttributeValues: { ':true': true },
    }),
  );
}

/** Leaving families of every school whose removal date is at or before `now` (through the sweeper's index). */
export async function dueLeaverItems(deps: Deps, now: string): Promise<Item[]> {
  return pendingItems(deps.clients.dynamo, { tableName: deps.config.tableName, partition: 'leavers', before: '<=', bound: now });
}

export async function deleteLeaver(deps: Deps, schoolId: string, familyId: string): Promise<void> {
  await deps.clients.dynamo.send(
    new DeleteCommand({ TableName: deps.config.tableName, Key: tableKeys.leaver(schoolId, familyId) }),
  );
}
