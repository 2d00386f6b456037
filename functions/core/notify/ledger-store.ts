import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, batchWriteAll, conditionalWrite, queryAll, writeOrFound } from '../../aws/dynamo';
import { pendingKey, tableKeys } from '../../aws/keys';
import { leaseEnd, takeLease, takeSeenLease } from '../../aws/lease';
import { pendingPages } from '../../aws/pending-index';
import { type Deps, tableOf } from '../deps';
import {
  type Claim,
  DELIVERY_LEASE_MS,
  type DeliveryRecord,
  type LedgerItem,
  type LedgerKey,
  ledgerExpiry,
  ledgerItemSchema,
  ledgerKeyName,
  ledgerKeyOf,
  type PostDeliveryKey,
  subjectId,
} from './ledger';

/**
 * The delivery ledger's storage (ledger.ts tells what an item means): items in the family's partition,
 * `FAMILY#<family>` / `DELIVERY#<subject>#<channel>`, and the scheduled or claimed ones in the pending
 * index under their due time or lease end.
 */

const itemKey = (key: LedgerKey) => tableKeys.delivery(key.familyId, subjectId(key.subject), key.channel);

/** The pending-index sort key: due time first, then enough to make it unique. */
const pendingSortKey = (at: string, key: LedgerKey) => `${at}#${key.familyId}#${subjectId(key.subject)}#${key.channel}`;

/**
 * Puts a post into a channel's digest for `date`, due at `dueAt`. False when that digest is already
 * being sent or sent: the caller puts the post into the next one instead. Adding twice is harmless
 * (a set), so a retried job cannot list a post twice.
 */
export async function addToDigest(
  deps: Deps,
  key: LedgerKey & { subject: { kind: 'digest' } },
  postId: string,
  dueAt: Date,
): Promise<boolean> {
  return schedule(deps, key, dueAt, postId);
}

/** Holds an instant message back until `dueAt` (the end of quiet hours). False if already handled. */
export async function scheduleInstant(deps: Deps, key: LedgerKey & { subject: { kind: 'post' } }, dueAt: Date): Promise<boolean> {
  return schedule(deps, key, dueAt, key.subject.postId);
}

async function schedule(deps: Deps, key: LedgerKey, dueAt: Date, postId: string): Promise<boolean> {
  const answer = await writeOrFound(
    tableOf(deps),
    itemKey(key),
    deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: itemKey(key),
        UpdateExpression:
          'SET #type = :type, #state = :scheduled, postIds = list_append(if_not_exists(postIds, :empty), :new), ' +
          'dueAt = :due, gsi1pk = :pending, gsi1sk = :sortKey, expiresAt = if_not_exists(expiresAt, :expires)',
        ConditionExpression:
          '(attribute_not_exists(#state) OR #state = :scheduled) AND (attribute_not_exists(postIds) OR NOT contains(postIds, :postId))',
        ExpressionAttributeNames: { '#type': 'type', '#state': 'state' },
        ExpressionAttributeValues: {
          ':type': 'delivery',
          ':postId': postId,
          ':scheduled': 'scheduled',
          ':empty': [],
          ':new': [postId],
          ':due': dueAt.toISOString(),
          // By family: the evening digest run writes thousands of families' items at once.
          ':pending': pendingKey('delivery', key.familyId),
          ':sortKey': pendingSortKey(dueAt.toISOString(), key),
          ':expires': ledgerExpiry(deps.now()),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
  );
  if (answer.written) return true;
  // Either the post is already in it (a retried job: done), or the item has moved on (claimed or sent).
  const current = answer.found ? ledgerItemSchema.parse(answer.found) : undefined;
  return current?.state === 'scheduled' && current.postIds.includes(postId);
}

/**
 * Claims a waiting delivery before sending it: a digest that is due, a message held through quiet
 * hours, or a claim whose sender crashed (its lease ended). `claimed` comes with the item as it now
 * stands (a digest's final list of posts: once claimed, nothing more is added). `done`: already sent, or
 * nothing waits under that key. `busy`: another sender holds a live claim (if it crashed, the scheduler
 * re-drives the item when the lease ends). It never creates an item: a post's deliveries start life in
 * its claim log (claims.ts), which is what decides, once, who sends each.
 *
 * One conditional write (the lease, functions/aws/lease.ts) that leaves the posts as they are: the item
 * it returns is the digest as claimed, so no post added meanwhile is missed, and no read comes first.
 * A sender that read the item from the pending index passes it as `seen`: the claim is then first tried
 * as a put of that item (`takeSeenLease`), on the condition that nothing changed since — same state and
 * lease, same due time (its index key), as many posts (they are only ever appended) — and only a refused
 * put is asked again as the update. On the embedded default that is what the evening run's thousands of
 * claims cost before the lease primitive existed: one put each.
 */
export async function claimDelivery(deps: Deps, key: LedgerKey, seen?: LedgerItem): Promise<Claim> {
  const now = deps.now();
  const sortKey = pendingSortKey(leaseEnd(now, DELIVERY_LEASE_MS), key);
  if (seen?.gsi1sk) {
    const put = await takeSeenLease(tableOf(deps), {
      seen: { ...seen, ...itemKey(key) },
      free: 'scheduled',
      held: 'claimed',
      now,
      leaseMs: DELIVERY_LEASE_MS,
      unchanged: {
        condition: 'gsi1sk = :seenSort AND size(postIds) = :count',
        values: { ':seenSort': seen.gsi1sk, ':count': seen.postIds.length },
      },
      // What the schema leaves out of a parsed item is written again as the item's first write made it.
      set: { gsi1sk: sortKey, type: 'delivery', expiresAt: ledgerExpiry(now) },
    });
    if (put.taken) return { result: 'claimed', item: ledgerItemSchema.parse(put.item) };
  }
  const answer = await takeLease(tableOf(deps), {
    key: itemKey(key),
    free: '#state = :scheduled',
    held: 'claimed',
    now,
    leaseMs: DELIVERY_LEASE_MS,
    // Still in the pending index (every waiting item is), now under its lease end: if this sender dies,
    // the scheduler re-drives it then. Only what changes is written: the emulator parses every clause.
    set: ['gsi1sk = :sortKey'],
    values: { ':scheduled': 'scheduled', ':sortKey': sortKey },
  });
  if (answer.taken) return { result: 'claimed', item: ledgerItemSchema.parse(answer.item) };
  // Refused: nothing waits under that key, it is sent, or another sender holds a live claim.
  return { result: answer.holder?.state === 'claimed' ? 'busy' : 'done' };
}

/** The ledger item of a delivery a post claim owns (claims.ts): it is first written when recorded. */
export const claimedPostItem = (key: PostDeliveryKey): LedgerItem =>
  ledgerItemSchema.parse({ ...itemKey(key), state: 'claimed' });

/** The ledger items that exist among `keys` (strongly consistent), by {@link ledgerKeyName}. */
export async function ledgerItems(deps: Deps, keys: LedgerKey[]): Promise<Map<string, LedgerItem>> {
  const items = await batchGetAll(deps.clients.dynamo, deps.config.tableName, keys.map(itemKey));
  return new Map(
    items.map((raw) => {
      const item = ledgerItemSchema.parse(raw);
      return [ledgerKeyName(ledgerKeyOf(item)), item];
    }),
  );
}

/**
 * Records claimed deliveries as done, 25 per request. The claimant owns its items until then (nothing
 * else writes them but a later claimant after the lease, who would record the same `done`; a post
 * claim's deliveries are first written here), so a whole-item put is safe — and it takes one request
 * per 25 messages instead of one each, which is what lets a single worker send hundreds a second.
 */
export async function recordDeliveries(deps: Deps, records: DeliveryRecord[]): Promise<void> {
  const now = deps.now();
  const puts = records.map(({ item, outcome }) => {
    const { gsi1pk: _pk, gsi1sk: _sk, leaseUntil: _lease, ...rest } = item;
    return {
      PutRequest: {
        Item: { ...rest, type: 'delivery', state: 'done', outcome, doneAt: now.toISOString(), expiresAt: ledgerExpiry(now) },
      },
    };
  });
  await batchWriteAll(deps.clients.dynamo, deps.config.tableName, puts);
}

/**
 * Scheduled or claimed work due before `now`, a page at a time: ledger items (digests due, quiet hours
 * over, or a claim whose sender never recorded it) and post claims whose sender never finished them
 * (claims.ts). Both kinds share the pending index; the caller tells them apart. Oldest first within each
 * shard of the delivery partition, shard after shard: not in time order across shards, which nothing
 * needs — all of it is due, and the run sends all of it.
 */
export async function* duePending(deps: Deps, now: Date): AsyncGenerator<Record<string, unknown>[]> {
  // '~' sorts after '#': every key whose time is <= now.
  yield* pendingPages(
    deps.clients.dynamo,
    { tableName: deps.config.tableName, partition: 'delivery', before: '<', bound: `${now.toISOString()}~` },
    DUE_PAGE_ITEMS,
  );
}

/**
 * The due run's pages hold at least this many items where the index has them: about what one 1 MB answer
 * of the unsharded partition held (a ledger item is ~250 bytes), with each item's family read alongside.
 */
const DUE_PAGE_ITEMS = 2_000;

/** The family's digests still collecting posts (to re-time them when the family changes its digest time). */
export async function scheduledDigests(deps: Deps, familyId: string): Promise<LedgerItem[]> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: '#state = :scheduled',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':pk': tableKeys.familyPartition(familyId),
        ':prefix': tableKeys.deliveryPrefix('digest:'),
        ':scheduled': 'scheduled',
      },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => ledgerItemSchema.parse(item));
}

/** Moves a still-collecting digest to a new due time (the family chose another digest time). */
export async function retimeDigest(deps: Deps, item: LedgerItem, dueAt: Date): Promise<void> {
  const key = ledgerKeyOf(item);
  // Refused when it started sending meanwhile: nothing to move.
  await conditionalWrite(
    deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: itemKey(key),
        UpdateExpression: 'SET dueAt = :due, gsi1sk = :sortKey',
        ConditionExpression: '#state = :scheduled',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':due': dueAt.toISOString(),
          ':sortKey': pendingSortKey(dueAt.toISOString(), key),
          ':scheduled': 'scheduled',
        },
      }),
    ),
  );
}

/** Deletes a delivery that can never happen (its family was erased while it waited). */
export async function dropDelivery(deps: Deps, key: LedgerKey): Promise<void> {
  await deps.clients.dynamo.send(new DeleteCommand({ TableName: deps.config.tableName, Key: itemKey(key) }));
}

/** A family's digests (waiting or sent) that list `postId`. */
export async function digestsWithPost(deps: Deps, familyId: string, postId: string): Promise<LedgerItem[]> {
  const items = await queryAll(deps.clients.dynamo, {
    TableName: deps.config.tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :digest)',
    FilterExpression: 'contains(postIds, :post)',
    ExpressionAttributeValues: {
      ':pk': tableKeys.familyPartition(familyId),
      ':digest': tableKeys.deliveryPrefix('digest:'),
      ':post': postId,
    },
    ConsistentRead: true,
  });
  return items.map((item) => ledgerItemSchema.parse(item));
}
