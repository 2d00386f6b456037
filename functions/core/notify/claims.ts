import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { batchGetAll, isConditionFailed, queryAll } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import { type NotifyChannel, notifyChannels } from '../families/preferences';
import { pendingPartitions } from '../posts/store';
import {
  DELIVERY_LEASE_MS,
  ledgerExpiry,
  ledgerItems,
  ledgerKeyIfAny,
  ledgerKeyName,
  type PostDeliveryKey,
  subjectId,
} from './ledger';

/**
 * A post's claim log: how the instant deliveries of one post are claimed many families at once, with one
 * conditional write per queue batch instead of one per message. (Claiming each (post, family, channel)
 * with its own conditional put cost the emulator, the SDK and HTTP about 2 ms a message — more than
 * encrypting and posting the push itself — and bounded a worker at about 300 messages a second.)
 *
 * The log is a partition per post (`CLAIMS#post:<id>`) of numbered claims, 1, 2, 3… Each claim lists the
 * deliveries (`<family>#<channel>`) it owns: to **send** now, or to **hold** through quiet hours (then it
 * writes each one to the ledger as a scheduled item, which the scheduler sends when they end). The first
 * claim that lists a delivery owns it; nothing else decides who sends a post's instant messages.
 *
 * Claiming: read the newest claim (n), then those still open among the claims it says were open when it
 * was written (`openBefore`), then the ledger items of the wanted deliveries; drop every delivery an
 * open claim lists or the ledger already has; write claim n + 1 with `attribute_not_exists`. Two senders
 * racing for n + 1: one wins, the other reads again and takes n + 2 without what the winner took.
 * Why nothing is sent twice: claims are numbered without gaps and never deleted, so claim n + 1 is
 * written only by someone who read claim n; by induction every claim below n that is still open is in
 * n's `openBefore` or is n. A claim is marked done only after each of its deliveries is in the ledger
 * (recorded `done`, or written `scheduled` when held), and the ledger is read after the open claims —
 * so a delivery of an earlier claim is seen either in that open claim or in the ledger.
 *
 * While open, a claim sits in the pending index (`gsi1`) under its lease end: if its sender dies, the
 * scheduler takes it over ({@link takeOverClaim}) and sends what the ledger does not have yet. As with
 * single claims, the one repeat left is a crash between a send and its record, resent with the same
 * push Topic / email Message-ID.
 */

/** Rounds of "another sender took the next number first" before giving up (the batch is retried). */
const MAX_CLAIM_ROUNDS = 8;

/** What a post claim owns: deliveries of that post to send now, and deliveries held through quiet hours. */
export interface PostClaim {
  postId: string;
  /** Its number in the post's log (from 1). */
  seq: number;
  state: 'claimed' | 'done';
  send: PostDeliveryKey[];
  hold: PostDeliveryKey[];
  /** Numbers of the claims of this post still open when this one was written. */
  openBefore: number[];
  /** While claimed: when its sender's lease ends. */
  leaseUntil?: string;
}

/** The deliveries of a post a sender would like to claim. */
export interface WantedDeliveries {
  send: PostDeliveryKey[];
  hold: PostDeliveryKey[];
}

const postSubject = (postId: string) => subjectId({ kind: 'post', postId });
const claimKey = (claim: Pick<PostClaim, 'postId' | 'seq'>) => tableKeys.deliveryClaim(postSubject(claim.postId), claim.seq);

/** A delivery's name inside a claim: `<family>#<channel>` (the claim's key names the post). */
const deliveryName = (key: Pick<PostDeliveryKey, 'familyId' | 'channel'>) => `${key.familyId}#${key.channel}`;

/** A claim's name in logs and fault reports: `claims:post:<id>#<seq>`. */
export const claimName = (claim: Pick<PostClaim, 'postId' | 'seq'>) => `claims:${postSubject(claim.postId)}#${claim.seq}`;

const claimPattern = /^CLAIMS#post:(.+)$/;
const deliveryPattern = /^([^#]+)#(push|email)$/;

/**
 * A claim as stored. Deliveries are string sets (absent when empty: DynamoDB has no empty sets), so an
 * erasure can take one family out with a single `DELETE`.
 */
const claimItemSchema = z
  .object({
    pk: z.string().regex(claimPattern),
    sk: z.string().regex(/^CLAIM#\d+$/),
    state: z.enum(['claimed', 'done']),
    send: z.set(z.string().regex(deliveryPattern)).optional(),
    hold: z.set(z.string().regex(deliveryPattern)).optional(),
    openBefore: z.array(z.number().int().positive()).default([]),
    leaseUntil: z.string().optional(),
  })
  .transform((item): PostClaim => {
    const postId = (claimPattern.exec(item.pk) as RegExpExecArray)[1] as string;
    const keys = (names: Set<string> | undefined) =>
      [...(names ?? [])].map((name) => {
        const [, familyId = '', channel] = deliveryPattern.exec(name) as RegExpExecArray;
        return {
          familyId,
          channel: channel as NotifyChannel,
          subject: { kind: 'post' as const, postId },
        } satisfies PostDeliveryKey;
      });
    return {
      postId,
      seq: Number(item.sk.slice('CLAIM#'.length)),
      state: item.state,
      send: keys(item.send),
      hold: keys(item.hold),
      openBefore: item.openBefore,
      leaseUntil: item.leaseUntil,
    };
  });

/** True for a post claim's item (the pending index holds ledger items and claims). */
export const isClaimItem = (item: Record<string, unknown>) => typeof item.pk === 'string' && claimPattern.test(item.pk);

/** Reads a post claim's item. */
export const parseClaim = (item: Record<string, unknown>): PostClaim => claimItemSchema.parse(item);

/**
 * The last moment a claim's sender may start one of its messages: half-way through its lease. One claim
 * covers a whole batch, and a slow push service could stretch sending it past the lease, when the
 * scheduler may take the claim over and send what is not recorded yet — twice. A message started by
 * then ends before the lease does (a push gives up after 30 s); what is left waits for the take-over.
 */
export const startSendingBy = (claim: PostClaim): Date => new Date(Date.parse(claim.leaseUntil ?? '') - DELIVERY_LEASE_MS / 2);

/** The pending-index sort key of an open claim: its lease end first (when the scheduler may take it). */
const pendingSortKey = (claim: Pick<PostClaim, 'postId' | 'seq'>, leaseUntil: string) => `${leaseUntil}#${claimName(claim)}`;

/**
 * Claims, in one conditional write, the deliveries of `postId` that no one has claimed before. Returns
 * the claim with what it got (possibly less than wanted: what an open claim lists or the ledger has is
 * someone else's, or done), or undefined when nothing was left to claim.
 */
export async function claimPostDeliveries(deps: Deps, postId: string, wanted: WantedDeliveries): Promise<PostClaim | undefined> {
  // A batch can carry the same message twice (queues deliver at least once): each delivery once.
  const asked = new Set<string>();
  const once = (keys: PostDeliveryKey[]) =>
    keys.filter((key) => {
      const name = deliveryName(key);
      if (asked.has(name)) return false;
      asked.add(name);
      return true;
    });
  const unique = { send: once(wanted.send), hold: once(wanted.hold) };
  for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
    const newest = await newestClaim(deps, postId);
    const open = newest ? await openClaims(deps, newest) : [];
    const listed = new Set(open.flatMap((claim) => [...claim.send, ...claim.hold].map(deliveryName)));
    const unlisted = (keys: PostDeliveryKey[]) => keys.filter((key) => !listed.has(deliveryName(key)));
    const candidates = { send: unlisted(unique.send), hold: unlisted(unique.hold) };
    if (candidates.send.length + candidates.hold.length === 0) return undefined;
    // Read after the open claims: a claim closed meanwhile has put all of its deliveries in the ledger.
    const inLedger = await ledgerItems(deps, [...candidates.send, ...candidates.hold]);
    const unclaimed = (keys: PostDeliveryKey[]) => keys.filter((key) => !inLedger.has(ledgerKeyName(key)));
    const send = unclaimed(candidates.send);
    const hold = unclaimed(candidates.hold);
    if (send.length + hold.length === 0) return undefined;

    const now = deps.now();
    const leaseUntil = new Date(now.getTime() + DELIVERY_LEASE_MS).toISOString();
    const claim: PostClaim = {
      postId,
      seq: (newest?.seq ?? 0) + 1,
      state: 'claimed',
      send,
      hold,
      openBefore: open.map((c) => c.seq),
      leaseUntil,
    };
    const names = (keys: PostDeliveryKey[]) => (keys.length > 0 ? new Set(keys.map(deliveryName)) : undefined);
    try {
      await deps.clients.dynamo.send(
        new PutCommand({
          TableName: deps.config.tableName,
          Item: {
            ...claimKey(claim),
            type: 'delivery-claim',
            state: 'claimed',
            send: names(send),
            hold: names(hold),
            openBefore: claim.openBefore,
            leaseUntil,
            // In the pending index until done: if this sender dies, the scheduler takes it over at lease end.
            gsi1pk: pendingPartitions.delivery,
            gsi1sk: pendingSortKey(claim, leaseUntil),
            expiresAt: ledgerExpiry(now),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return claim;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
  throw new Error(`could not claim deliveries of post ${postId}: other senders kept taking the next claim`);
}

/** The post's newest claim (the highest number), if any. */
async function newestClaim(deps: Deps, postId: string): Promise<PostClaim | undefined> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': tableKeys.deliveryClaims(postSubject(postId)) },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  return Items[0] ? parseClaim(Items[0]) : undefined;
}

/** The claims still open among `newest` and those that were open when it was written. */
async function openClaims(deps: Deps, newest: PostClaim): Promise<PostClaim[]> {
  const earlier =
    newest.openBefore.length === 0
      ? []
      : (
          await batchGetAll(
            deps.clients.dynamo,
            deps.config.tableName,
            newest.openBefore.map((seq) => claimKey({ postId: newest.postId, seq })),
          )
        ).map(parseClaim);
  return [...earlier, newest].filter((claim) => claim.state === 'claimed');
}

/**
 * Marks a claim done, once every delivery it owns is in the ledger. Does nothing if its lease was
 * taken over meanwhile (that sender finishes it).
 */
export async function completeClaim(deps: Deps, claim: PostClaim): Promise<void> {
  await deps.clients.dynamo
    .send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: claimKey(claim),
        UpdateExpression: 'SET #state = :done REMOVE gsi1pk, gsi1sk, leaseUntil',
        ConditionExpression: 'leaseUntil = :lease',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':done': 'done', ':lease': claim.leaseUntil },
      }),
    )
    .catch((error) => {
      if (!isConditionFailed(error)) throw error;
    });
}

/**
 * Takes over a claim whose sender's lease ended (the scheduler found it due): a new lease, if no one
 * took it or finished it first. Returns the claim under the new lease, or undefined.
 */
export async function takeOverClaim(deps: Deps, claim: PostClaim): Promise<PostClaim | undefined> {
  const leaseUntil = new Date(deps.now().getTime() + DELIVERY_LEASE_MS).toISOString();
  try {
    await deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: claimKey(claim),
        UpdateExpression: 'SET leaseUntil = :lease, gsi1sk = :sortKey',
        ConditionExpression: '#state = :claimed AND leaseUntil = :seen',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':lease': leaseUntil,
          ':sortKey': pendingSortKey(claim, leaseUntil),
          ':claimed': 'claimed',
          ':seen': claim.leaseUntil,
        },
      }),
    );
    return { ...claim, leaseUntil };
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

/**
 * Takes an erased family out of the claims of the posts its ledger names (`ledger`: the keys of its
 * partition), so no claim keeps its id. A claim of a post it has no ledger item for yet (being sent as
 * it was erased) keeps the id, now meaningless, until the claim expires.
 */
export async function forgetFamilyInClaims(deps: Deps, familyId: string, ledger: { pk: string; sk: string }[]): Promise<void> {
  const postIds = new Set(
    ledger.flatMap(({ pk, sk }) => {
      const key = ledgerKeyIfAny({ pk, sk });
      return key?.subject.kind === 'post' ? [key.subject.postId] : [];
    }),
  );
  const names = new Set(notifyChannels.map((channel) => deliveryName({ familyId, channel })));
  const values = Object.fromEntries([...names].map((name, i) => [`:d${i}`, name]));
  const mentions = Object.keys(values).flatMap((v) => [`contains(#send, ${v})`, `contains(#hold, ${v})`]);
  // `hold` is one of DynamoDB's reserved words.
  const ExpressionAttributeNames = { '#send': 'send', '#hold': 'hold' };
  for (const postId of postIds) {
    const claims = await queryAll(deps.clients.dynamo, {
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: mentions.join(' OR '),
      ExpressionAttributeNames,
      ExpressionAttributeValues: { ':pk': tableKeys.deliveryClaims(postSubject(postId)), ...values },
      ProjectionExpression: 'pk, sk, #send, #hold',
      ConsistentRead: true,
    });
    for (const { pk, sk, ...lists } of claims) {
      // Only from the sets that hold it: they are the ones sure to exist.
      const holding = Object.entries(lists)
        .filter(([, list]) => list instanceof Set && [...names].some((name) => list.has(name)))
        .map(([attribute]) => attribute);
      await deps.clients.dynamo.send(
        new UpdateCommand({
          TableName: deps.config.tableName,
          Key: { pk, sk },
          UpdateExpression: `DELETE ${holding.map((attribute) => `#${attribute} :names`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(holding.map((attribute) => [`#${attribute}`, attribute])),
          ExpressionAttributeValues: { ':names': names },
        }),
      );
    }
  }
}
