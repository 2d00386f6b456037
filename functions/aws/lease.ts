import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite, writeOrFound } from './dynamo';
import type { Table } from './table';

/**
 * The one lease protocol (docs/architecture.md, "Claims and leases"), after Powertools' idempotency
 * layer: a single conditional write takes an item that is free, or one whose holder's lease has run out,
 * and stamps `state = <held>` and a new `leaseUntil`; on conflict the item as it stands comes back with
 * the refusal (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`), so the caller can tell "done" from
 * "busy" without a second request. dynalite accepts that parameter but returns no item: then, and only
 * then, the item is read once, strongly.
 *
 * Every lease lives in an item's `state` and `leaseUntil` attributes (ISO times compare as strings).
 */

export interface TakeLease {
  key: Record<string, unknown>;
  /**
   * When the item is free to take, besides "held with an expired lease": `attribute_not_exists(pk)`,
   * `#state = :uploaded`. Absent: only a lapsed lease is taken (a take-over of an item that must exist).
   */
  free?: string;
  /**
   * False: only a free item is taken, never a lapsed one. For a take that creates its item with what the
   * new holder owns (a numbered claim, an outbox batch): taking over a lapsed one would overwrite what its
   * holder owned; the take-over of those is the scheduler's or the sweeper's, a take without `free`.
   */
  takeOver?: boolean;
  /** The `state` of a held item. */
  held: string;
  now: Date;
  leaseMs: number;
  /**
   * A holder's lease counts as run out when it ended before this; default `now`. The sweeper, which
   * presumes work younger than its grace to be in flight, passes now − grace.
   */
  lapsedBefore?: Date;
  /** More `SET` clauses made with the take (`progress = :zero`, `attempts = attempts + :one`). */
  set?: string[];
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** When a lease taken at `now` for `leaseMs` ends (what {@link takeLease} stamps, for index keys made with it). */
export const leaseEnd = (now: Date, leaseMs: number) => new Date(now.getTime() + leaseMs).toISOString();

/** Whether an item's `leaseUntil` is a lease still running at `now` (no lease: not live). */
export const leaseLive = (leaseUntil: unknown, now: Date) => typeof leaseUntil === 'string' && leaseUntil > now.toISOString();

export type LeaseAnswer =
  | { taken: true; item: Record<string, unknown> }
  | { taken: false; holder: Record<string, unknown> | undefined };

export async function takeLease(table: Table, take: TakeLease): Promise<LeaseAnswer> {
  const lapsed = take.takeOver === false ? [] : ['(#state = :held AND leaseUntil < :now)'];
  const conditions = [...(take.free ? [`(${take.free})`] : []), ...lapsed];
  if (conditions.length === 0) throw new Error('takeLease: a take needs a free condition or a lapsed lease to take over');
  const answer = await writeOrFound(
    table,
    take.key,
    table.client.send(
      new UpdateCommand({
        TableName: table.name,
        Key: take.key,
        UpdateExpression: `SET ${['#state = :held', 'leaseUntil = :until', ...(take.set ?? [])].join(', ')}`,
        ConditionExpression: conditions.join(' OR '),
        ExpressionAttributeNames: { '#state': 'state', ...take.names },
        ExpressionAttributeValues: {
          ':held': take.held,
          ':until': leaseEnd(take.now, take.leaseMs),
          ...(lapsed.length > 0 ? { ':now': (take.lapsedBefore ?? take.now).toISOString() } : {}),
          ...take.values,
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
  );
  return answer.written ? { taken: true, item: answer.answer.Attributes ?? {} } : { taken: false, holder: answer.found };
}

export interface TakeSeenLease {
  /** The item as the taker read it, whole (a page of an index that projects every attribute). */
  seen: Record<string, unknown>;
  /**
   * The `state` in which the seen item is free to take. An item in it carries no lease: nothing puts a
   * held item back in its free state (the ledger's `scheduled` is left once, for `claimed`), so the put's
   * condition pins the state alone, not the lease's absence too.
   */
  free: string;
  held: string;
  now: Date;
  leaseMs: number;
  /**
   * What the item must still hold for the put not to undo a change made since it was read, besides its
   * state and lease: e.g. `gsi1sk = :seenSort AND size(postIds) = :count` for a list only ever appended to.
   */
  unchanged: { condition: string; values: Record<string, unknown> };
  /** Attributes the new holder writes besides `state` and `leaseUntil`. */
  set?: Record<string, unknown>;
}

/**
 * The same take for a caller that already holds the whole item as it last read it: one conditional put
 * of the item as the new holder leaves it, on the condition that it is still as seen — free, or held
 * under the very lease seen and that lease over. No read and no update expression: the embedded default's
 * DynamoDB (dynalite) parses an update's expressions on every call, and a put is what lets the evening
 * run claim thousands of digests quickly. A refusal says only "not as seen": the caller then asks
 * {@link takeLease}, which decides from the item as it stands. (A put is safe here because the condition
 * pins every attribute a writer other than the holder changes; the caller names them in `unchanged`.)
 */
export async function takeSeenLease(
  table: Table,
  take: TakeSeenLease,
): Promise<{ taken: true; item: Record<string, unknown> } | { taken: false }> {
  const { seen } = take;
  const seenUntil = typeof seen.leaseUntil === 'string' ? seen.leaseUntil : undefined;
  const lapsed = seen.state === take.held && seenUntil !== undefined && seenUntil < take.now.toISOString();
  if (seen.state !== take.free && !lapsed) return { taken: false };
  const item = { ...seen, ...take.set, state: take.held, leaseUntil: leaseEnd(take.now, take.leaseMs) };
  const taken = await conditionalWrite(
    table.client.send(
      new PutCommand({
        TableName: table.name,
        Item: item,
        // Free: the state alone says it (see `free`); the emulator parses every clause of every claim.
        ConditionExpression: `#state = :seenState AND ${lapsed ? 'leaseUntil = :seenUntil AND ' : ''}${take.unchanged.condition}`,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':seenState': seen.state,
          ...(lapsed ? { ':seenUntil': seenUntil } : {}),
          ...take.unchanged.values,
        },
      }),
    ),
  );
  return taken ? { taken: true, item } : { taken: false };
}

export interface MoveLease {
  key: Record<string, unknown>;
  held: string;
  /** The new end: now + lease to renew it, the epoch to end it (a worker giving up, or the sweeper). */
  until: Date;
  /**
   * Only a lease taken before this moment (the sweeper at start-up voids the leases of a process that is
   * gone, never one a live worker took since): its end is then earlier than `takenBefore + leaseMs`.
   */
  takenBefore?: { at: Date; leaseMs: number };
}

/** Moves the end of a lease still held; false when the item is no longer held (or was taken since). */
export async function moveLease(table: Table, move: MoveLease): Promise<boolean> {
  const bound = move.takenBefore ? new Date(move.takenBefore.at.getTime() + move.takenBefore.leaseMs).toISOString() : undefined;
  return conditionalWrite(
    table.client.send(
      new UpdateCommand({
        TableName: table.name,
        Key: move.key,
        UpdateExpression: 'SET leaseUntil = :until',
        ConditionExpression: bound ? '#state = :held AND leaseUntil < :bound' : '#state = :held',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':until': move.until.toISOString(),
          ':held': move.held,
          ...(bound ? { ':bound': bound } : {}),
        },
      }),
    ),
  );
}

export interface SettleLease {
  key: Record<string, unknown>;
  held: string;
  /** The lease's end as its holder took it: a lease taken over since is not this holder's to settle. */
  leaseUntil: string;
  /** The state the holder leaves the item in (`done`). */
  state: string;
  /** Attributes that go with the lease (index entries); `leaseUntil` always goes. */
  remove?: string[];
}

/**
 * The holder finishes: the item leaves `held` for `state`, its lease with it. False when the lease was
 * taken over meanwhile (the new holder finishes it) or the item was settled already.
 */
export async function settleLease(table: Table, settle: SettleLease): Promise<boolean> {
  return conditionalWrite(
    table.client.send(
      new UpdateCommand({
        TableName: table.name,
        Key: settle.key,
        UpdateExpression: `SET #state = :state REMOVE ${['leaseUntil', ...(settle.remove ?? [])].join(', ')}`,
        ConditionExpression: '#state = :held AND leaseUntil = :mine',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':state': settle.state, ':held': settle.held, ':mine': settle.leaseUntil },
      }),
    ),
  );
}

/** The end of a lease that has ended: any worker may take the item at once. */
export const LEASE_ENDED = new Date(0);
