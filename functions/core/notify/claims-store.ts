import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, queryAll } from '../../aws/dynamo';
import { pendingKey, tableKeys } from '../../aws/keys';
import { leaseEnd, settleLease, takeLease } from '../../aws/lease';
import { type Deps, tableOf } from '../deps';
import { notifyChannels } from '../families/preferences';
import { claimName, deliveryName, type PostClaim, parseClaim, postSubject } from './claim-log';
import { DELIVERY_LEASE_MS, ledgerExpiry, ledgerKeyIfAny } from './ledger';

/**
 * The storage of posts' claim logs (claims.ts tells the protocol): a partition per post
 * (`CLAIMS#post:<id>`) of numbered claims; open ones sit in the pending index under their lease end.
 */

const claimKey = (claim: Pick<PostClaim, 'postId' | 'seq'>) => tableKeys.deliveryClaim(postSubject(claim.postId), claim.seq);

/** The pending-index sort key of an open claim: its lease end first (when the scheduler may take it). */
const pendingSortKey = (claim: Pick<PostClaim, 'postId' | 'seq'>, leaseUntil: string) => `${leaseUntil}#${claimName(claim)}`;

/**
 * Writes claim `seq` of a post, if no one wrote that number first: the claim under its new lease, or
 * undefined. Created, never taken over (that would overwrite what its holder owns): a lapsed claim is
 * the scheduler's ({@link takeOverClaim}).
 */
export async function createClaim(deps: Deps, wanted: Omit<PostClaim, 'state' | 'leaseUntil'>): Promise<PostClaim | undefined> {
  const now = deps.now();
  const claim: PostClaim = { ...wanted, state: 'claimed', leaseUntil: leaseEnd(now, DELIVERY_LEASE_MS) };
  const present = Object.entries({ '#send': claim.send, '#hold': claim.hold }).filter(([, keys]) => keys.length > 0);
  const answer = await takeLease(tableOf(deps), {
    key: claimKey(claim),
    free: 'attribute_not_exists(pk)',
    takeOver: false,
    held: 'claimed',
    now,
    leaseMs: DELIVERY_LEASE_MS,
    set: [
      '#type = :type',
      ...present.map(([name]) => `${name} = ${name.replace('#', ':')}`),
      'openBefore = :openBefore',
      // In the pending index until done: if this sender dies, the scheduler takes it over at lease end.
      'gsi1pk = :pending',
      'gsi1sk = :sortKey',
      'expiresAt = :expires',
    ],
    // `hold` is one of DynamoDB's reserved words. Deliveries are string sets, absent when empty.
    names: { '#type': 'type', ...Object.fromEntries(present.map(([name]) => [name, name.slice(1)])) },
    values: {
      ':type': 'delivery-claim',
      ...Object.fromEntries(present.map(([name, keys]) => [name.replace('#', ':'), new Set(keys.map(deliveryName))])),
      ':openBefore': claim.openBefore,
      ':pending': pendingKey('delivery', claimName(claim)),
      ':sortKey': pendingSortKey(claim, String(claim.leaseUntil)),
      ':expires': ledgerExpiry(now),
    },
  });
  return answer.taken ? claim : undefined;
}

/** The post's newest claim (the highest number), if any. */
export async function newestClaim(deps: Deps, postId: string): Promise<PostClaim | undefined> {
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
export async function openClaims(deps: Deps, newest: PostClaim): Promise<PostClaim[]> {
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
  await settleLease(tableOf(deps), {
    key: claimKey(claim),
    held: 'claimed',
    leaseUntil: String(claim.leaseUntil),
    state: 'done',
    remove: ['gsi1pk', 'gsi1sk'],
  });
}

/**
 * Takes over a claim whose sender's lease ended (the scheduler found it due): a new lease, if no one
 * took it or finished it first. Returns the claim under the new lease, or undefined.
 */
export async function takeOverClaim(deps: Deps, claim: PostClaim): Promise<PostClaim | undefined> {
  const now = deps.now();
  const answer = await takeLease(tableOf(deps), {
    key: claimKey(claim),
    held: 'claimed',
    now,
    leaseMs: DELIVERY_LEASE_MS,
    set: ['gsi1sk = :sortKey'],
    values: { ':sortKey': pendingSortKey(claim, leaseEnd(now, DELIVERY_LEASE_MS)) },
  });
  // The claim as it now stands: an erasure since the scheduler read it may have taken a family out.
  return answer.taken ? parseClaim(answer.item) : undefined;
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
