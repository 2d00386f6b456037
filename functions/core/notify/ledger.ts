import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { batchGetAll, batchWriteAll, isConditionFailed, queryPages } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import type { NotifyChannel } from '../families/preferences';
import { pendingPartitions } from '../posts/store';

/**
 * The delivery ledger: one item per (subject, family, channel), where the subject is a post (an instant
 * message) or a digest date. Whoever sends claims the item with a conditional write first and records
 * the outcome after, so retries, redeliveries and a digest run started twice never send twice. The one
 * window left — a crash after the push service or SES accepted a message and before the ledger recorded
 * it — resends the same message with the same push Topic / email Message-ID, which devices collapse.
 *
 * States: `scheduled` (waiting for a time: a digest collecting the day's posts, or an instant message
 * held back by quiet hours) → `claimed` (being sent; the claim is a lease) → `done` (with its outcome).
 * Scheduled and claimed items sit in the sparse `gsi1` index under their due time or lease end, so the
 * scheduler finds due digests and re-drives a sender that crashed, without scanning.
 *
 * A post's instant deliveries are not claimed here one by one: the first decision about each (post,
 * family, channel) — send now, or hold through quiet hours — is a claim of many families at once in the
 * post's claim log (claims.ts). Here they are recorded `done` after sending, or written `scheduled` when
 * held; so every item about a post is created by the claim that owns it, and {@link claimDelivery} only
 * takes over items that exist.
 */
export type DeliverySubject = { kind: 'post'; postId: string } | { kind: 'digest'; date: string };

export const subjectId = (subject: DeliverySubject) =>
  subject.kind === 'post' ? `post:${subject.postId}` : `digest:${subject.date}`;

export interface LedgerKey {
  familyId: string;
  subject: DeliverySubject;
  channel: NotifyChannel;
}

/** The key of one of a post's instant deliveries. */
export interface PostDeliveryKey extends LedgerKey {
  subject: Extract<DeliverySubject, { kind: 'post' }>;
}

/** A delivery's name in logs and fault reports: `<subject>:<family>:<channel>`. */
export const ledgerKeyName = (key: LedgerKey) => `${subjectId(key.subject)}:${key.familyId}:${key.channel}`;

/** How long a sender holds a claim before the scheduler may hand it to another (a crashed sender's). */
export const DELIVERY_LEASE_MS = 60_000;
/** Ledger items are kept 30 days (DynamoDB TTL on AWS): longer than any retry or redrive. */
const LEDGER_RETENTION_S = 30 * 24 * 3600;

export const deliveryOutcomes = ['delivered', 'no-recipients', 'off', 'retracted'] as const;
export type DeliveryOutcome = (typeof deliveryOutcomes)[number];

/**
 * A ledger item as stored. What it is about — family, subject, channel — is its key (`FAMILY#<family>`,
 * `DELIVERY#<subject>#<channel>`), so claims write only what changes: the emulator parses every
 * expression, and a short one is what lets one worker claim hundreds of deliveries a second.
 */
export const ledgerItemSchema = z.object({
  pk: z.string().startsWith('FAMILY#'),
  sk: z.string().startsWith('DELIVERY#'),
  state: z.enum(['scheduled', 'claimed', 'done']),
  /** A digest's posts (an instant item's one post is its subject). */
  postIds: z.array(z.string()).default([]),
  dueAt: z.string().optional(),
  leaseUntil: z.string().optional(),
  outcome: z.enum(deliveryOutcomes).optional(),
  gsi1pk: z.string().optional(),
  gsi1sk: z.string().optional(),
});
export type LedgerItem = z.infer<typeof ledgerItemSchema>;

const itemKey = (key: LedgerKey) => tableKeys.delivery(key.familyId, subjectId(key.subject), key.channel);

/** The pending-index sort key: due time first, then enough to make it unique. */
const pendingSortKey = (at: string, key: LedgerKey) => `${at}#${key.familyId}#${subjectId(key.subject)}#${key.channel}`;

const deliverySortKey = /^DELIVERY#(post|digest):([^#]+)#(push|email)$/;

/** The delivery an item is the ledger of, read back from its key. */
export function ledgerKeyOf(item: Pick<LedgerItem, 'pk' | 'sk'>): LedgerKey {
  const match = deliverySortKey.exec(item.sk);
  if (!match) throw new Error(`not a delivery ledger key: ${item.sk}`);
  const [, kind, id = '', channel] = match;
  const subject: DeliverySubject = kind === 'post' ? { kind: 'post', postId: id } : { kind: 'digest', date: id };
  return { familyId: item.pk.slice('FAMILY#'.length), subject, channel: channel as NotifyChannel };
}

/** The delivery a key names, or undefined when it is not a delivery ledger key (the family record). */
export const ledgerKeyIfAny = (key: Pick<LedgerItem, 'pk' | 'sk'>): LedgerKey | undefined =>
  deliverySortKey.test(key.sk) ? ledgerKeyOf(key) : undefined;

/** The posts a delivery is about: its one post, or the posts its digest collected. */
export const postsOf = (item: LedgerItem): string[] => {
  const { subject } = ledgerKeyOf(item);
  return subject.kind === 'post' ? [subject.postId] : item.postIds;
};

/** When a ledger item (or a post's delivery claim) expires: DynamoDB TTL, epoch seconds. */
export const ledgerExpiry = (now: Date) => Math.floor(now.getTime() / 1000) + LEDGER_RETENTION_S;

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
  try {
    await deps.clients.dynamo.send(
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
          ':pending': pendingPartitions.delivery,
          ':sortKey': pendingSortKey(dueAt.toISOString(), key),
          ':expires': ledgerExpiry(deps.now()),
        },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  // Either the post is already in it (a retried job: done), or the item has moved on (claimed or sent).
  const current = await readItem(deps, key);
  return current?.state === 'scheduled' && current.postIds.includes(postId);
}

async function readItem(deps: Deps, key: LedgerKey): Promise<LedgerItem | undefined> {
  const k = itemKey(key);
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk AND sk = :sk',
      ExpressionAttributeValues: { ':pk': k.pk, ':sk': k.sk },
      ConsistentRead: true,
    }),
  );
  return Items[0] ? ledgerItemSchema.parse(Items[0]) : undefined;
}

export type Claim = { result: 'claimed'; item: LedgerItem } | { result: 'done' | 'busy' };

/** Rounds of "someone added a post to this digest while we claimed it": each round re-reads it. */
const MAX_CLAIM_ROUNDS = 5;

/**
 * Claims a waiting delivery before sending it: a digest that is due, a message held through quiet
 * hours, or a claim whose sender crashed (its lease ended). `claimed` comes with the item as it now
 * stands (a digest's final list of posts: once claimed, nothing more is added). `done`: already sent, or
 * nothing waits under that key. `busy`: another sender holds a live claim (if it crashed, the scheduler
 * re-drives the item when the lease ends). It never creates an item: a post's deliveries start life in
 * its claim log (claims.ts), which is what decides, once, who sends each.
 *
 * The claim is a conditional *put* of the whole item, not an update, and its first try asks only the
 * common case (an item still scheduled): the emulator parses every expression, and a put with a short
 * condition costs it about a third of an update. A digest's put carries the posts it was seen with and
 * holds only if the digest still has that many (nothing was added meanwhile); otherwise it reads the
 * digest again and retries.
 */
export async function claimDelivery(deps: Deps, key: LedgerKey, seen?: LedgerItem): Promise<Claim> {
  let current = seen ?? (await readItem(deps, key));
  for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
    if (!current || current.state === 'done') return { result: 'done' };
    const now = deps.now();
    const leaseUntil = new Date(now.getTime() + DELIVERY_LEASE_MS).toISOString();
    const item = ledgerItemSchema.parse({
      ...current,
      ...itemKey(key),
      state: 'claimed',
      leaseUntil,
      // In the pending index until recorded: if this sender dies, the scheduler re-drives it at lease end.
      gsi1pk: pendingPartitions.delivery,
      gsi1sk: pendingSortKey(leaseUntil, key),
    });
    try {
      await deps.clients.dynamo.send(
        new PutCommand({
          TableName: deps.config.tableName,
          Item: { ...item, type: 'delivery', expiresAt: ledgerExpiry(now) },
          ...claimCondition(key, round === 0, now, item.postIds.length),
        }),
      );
      return { result: 'claimed', item };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
    current = await readItem(deps, key);
    if (current?.state === 'done') return { result: 'done' };
    if (current?.state === 'claimed' && String(current.leaseUntil) >= now.toISOString()) return { result: 'busy' };
  }
  return { result: 'busy' };
}

/**
 * When a claim may be taken: an item still scheduled (`firstTry`), or else also a claim whose lease ran
 * out. A digest's claim holds only while it has the posts it was read with.
 */
function claimCondition(key: LedgerKey, firstTry: boolean, now: Date, postCount: number) {
  const digest = key.subject.kind === 'digest';
  const takeable = firstTry ? '#state = :scheduled' : '(#state = :scheduled OR (#state = :claimed AND leaseUntil < :now))';
  return {
    ConditionExpression: digest ? `${takeable} AND size(postIds) = :count` : takeable,
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: {
      ':scheduled': 'scheduled',
      ...(firstTry ? {} : { ':claimed': 'claimed', ':now': now.toISOString() }),
      ...(digest ? { ':count': postCount } : {}),
    },
  };
}

/** A claimed delivery and what became of it, waiting to be written. */
export interface DeliveryRecord {
  item: LedgerItem;
  outcome: DeliveryOutcome;
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
 * Scheduled or claimed work due before `now`, oldest first, a page at a time: ledger items (digests due,
 * quiet hours over, or a claim whose sender never recorded it) and post claims whose sender never
 * finished them (claims.ts). Both kinds share the pending index; the caller tells them apart.
 */
export async function* duePending(deps: Deps, now: Date): AsyncGenerator<Record<string, unknown>[]> {
  const pages = queryPages(deps.clients.dynamo, {
    TableName: deps.config.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :bound',
    // '~' sorts after '#': every key whose time is <= now.
    ExpressionAttributeValues: { ':pk': pendingPartitions.delivery, ':bound': `${now.toISOString()}~` },
  });
  yield* pages;
}

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
  await deps.clients.dynamo
    .send(
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
    )
    .catch((error) => {
      if (!isConditionFailed(error)) throw error; // it started sending meanwhile: nothing to move
    });
}

/** Deletes a delivery that can never happen (its family was erased while it waited). */
export async function dropDelivery(deps: Deps, key: LedgerKey): Promise<void> {
  await deps.clients.dynamo.send(new DeleteCommand({ TableName: deps.config.tableName, Key: itemKey(key) }));
}
