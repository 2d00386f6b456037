import { createServer } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEASE_ENDED, moveLease, settleLease, takeLease, takeSeenLease } from '../../functions/aws/lease';
import { tableOf } from '../../functions/core/deps';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';

/**
 * The one lease primitive (functions/aws/lease.ts) against dynalite through the real SDK: a free item is
 * taken, a held one refused with its holder, an expired one taken over; a lease is renewed, ended, and
 * voided only when taken before a moment. Then the refusal's own copy of the item
 * (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`), which dynalite does not send: a local HTTP endpoint
 * STANDS IN for DynamoDB and answers the real SDK client as the service does.
 */
let corridor: TestCorridor;
beforeAll(async () => {
  corridor = await startTestCorridor();
});
afterAll(() => corridor?.stop());

const key = { pk: `LEASE#${Date.now()}`, sk: 'TEST' };
const at = (iso: string) => new Date(iso);
const take = (now: Date) =>
  takeLease(tableOf(corridor.local.deps), {
    key,
    free: 'attribute_not_exists(pk)',
    held: 'claimed',
    now,
    leaseMs: 60_000,
    set: ['attempts = if_not_exists(attempts, :zero) + :one'],
    values: { ':zero': 0, ':one': 1 },
  });
const read = async () =>
  (
    await corridor.local.deps.clients.dynamo.send(
      new GetCommand({ TableName: corridor.local.deps.config.tableName, Key: key, ConsistentRead: true }),
    )
  ).Item;

describe('one lease, one conditional write', () => {
  it('takes a free item, refuses a held one naming its holder, takes over an expired one', async () => {
    const first = await take(at('2026-06-10T09:00:00Z'));
    expect(first).toMatchObject({ taken: true, item: { state: 'claimed', leaseUntil: '2026-06-10T09:01:00.000Z', attempts: 1 } });
    const second = await take(at('2026-06-10T09:00:30Z'));
    expect(second).toEqual({ taken: false, holder: expect.objectContaining({ leaseUntil: '2026-06-10T09:01:00.000Z' }) });
    const later = await take(at('2026-06-10T09:01:01Z'));
    expect(later).toMatchObject({ taken: true, item: { leaseUntil: '2026-06-10T09:02:01.000Z', attempts: 2 } });
  });

  it('renews a lease, voids only one taken before a moment, and ends it for anyone to take', async () => {
    const table = tableOf(corridor.local.deps);
    expect(await moveLease(table, { key, held: 'claimed', until: at('2026-06-10T09:05:00Z') })).toBe(true);
    expect((await read())?.leaseUntil).toBe('2026-06-10T09:05:00.000Z');
    // The sweeper at start-up: a lease ending after `before + lease` was taken after `before`: left alone.
    const before = { at: at('2026-06-10T09:00:00Z'), leaseMs: 60_000 };
    expect(await moveLease(table, { key, held: 'claimed', until: LEASE_ENDED, takenBefore: before })).toBe(false);
    const restart = { at: at('2026-06-10T09:10:00Z'), leaseMs: 60_000 };
    expect(await moveLease(table, { key, held: 'claimed', until: LEASE_ENDED, takenBefore: restart })).toBe(true);
    expect(await take(at('2026-06-10T09:00:00Z'))).toMatchObject({ taken: true });
    expect(await moveLease(table, { key, held: 'processing', until: LEASE_ENDED })).toBe(false);
  });

  it('reads the holder from the refusal itself when DynamoDB sends it (ALL_OLD), with no second request', async () => {
    const requests: { target: string; body: Record<string, unknown> }[] = [];
    const service = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        requests.push({ target: String(req.headers['x-amz-target']), body: JSON.parse(body) });
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
            message: 'The conditional request failed',
            Item: { pk: { S: key.pk }, sk: { S: 'TEST' }, state: { S: 'done' } },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    const address = service.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'eu-west-2',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      }),
    );
    try {
      const answer = await takeLease(
        { client, name: 'corridor' },
        { key, free: 'attribute_not_exists(pk)', held: 'claimed', now: at('2026-06-10T09:00:00Z'), leaseMs: 60_000 },
      );
      expect(answer).toEqual({ taken: false, holder: { pk: key.pk, sk: 'TEST', state: 'done' } });
      expect(requests.map((r) => r.target)).toEqual(['DynamoDB_20120810.UpdateItem']);
      expect(requests[0]?.body).toMatchObject({
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        ConditionExpression: '(attribute_not_exists(pk)) OR (#state = :held AND leaseUntil < :now)',
      });
    } finally {
      client.destroy();
      service.close();
    }
  });
});

/**
 * What notify's protocols needed of the primitive: a take that only creates its item (a numbered post
 * claim, an outbox batch: taking over a lapsed one would overwrite what its holder owns), a take that
 * only takes over (the scheduler's, which must not create), a lapse judged by the sweeper's cutoff
 * rather than now (an outbox claim has no lease of its own: the sweeper's grace is it), and the holder
 * settling its lease — refused once its lease was taken over.
 */
describe('the takes the notification protocols make', () => {
  const table = () => tableOf(corridor.local.deps);
  const keyOf = (name: string) => ({ pk: `LEASE#${Date.now()}#${name}`, sk: 'TEST' });
  const get = async (k: Record<string, unknown>) =>
    (
      await corridor.local.deps.clients.dynamo.send(
        new GetCommand({ TableName: corridor.local.deps.config.tableName, Key: k, ConsistentRead: true }),
      )
    ).Item;

  it('creates an item once and never takes over a lapsed one, naming the holder it found', async () => {
    const k = keyOf('create');
    const create = (now: Date, owns: string) =>
      takeLease(table(), {
        key: k,
        free: 'attribute_not_exists(pk)',
        takeOver: false,
        held: 'claimed',
        now,
        leaseMs: 60_000,
        set: ['owns = :owns'],
        values: { ':owns': owns },
      });
    expect(await create(at('2026-06-10T09:00:00Z'), 'families 1-40')).toMatchObject({
      taken: true,
      item: { state: 'claimed', owns: 'families 1-40', leaseUntil: '2026-06-10T09:01:00.000Z' },
    });
    // An hour later the lease has long lapsed: still refused, and what the first holder owns stays.
    expect(await create(at('2026-06-10T10:00:00Z'), 'families 41-80')).toEqual({
      taken: false,
      holder: expect.objectContaining({ owns: 'families 1-40', state: 'claimed' }),
    });
    expect((await get(k))?.owns).toBe('families 1-40');
  });

  it('takes over only a lapsed lease, never creating a missing item', async () => {
    const k = keyOf('takeover');
    const takeOver = (now: Date) => takeLease(table(), { key: k, held: 'claimed', now, leaseMs: 60_000 });
    expect(await takeOver(at('2026-06-10T09:00:00Z'))).toEqual({ taken: false, holder: undefined });
    expect(await get(k)).toBeUndefined();
    await takeLease(table(), {
      key: k,
      free: 'attribute_not_exists(pk)',
      held: 'claimed',
      now: at('2026-06-10T09:00:00Z'),
      leaseMs: 60_000,
    });
    expect(await takeOver(at('2026-06-10T09:00:59Z'))).toMatchObject({ taken: false });
    expect(await takeOver(at('2026-06-10T09:01:01Z'))).toMatchObject({
      taken: true,
      item: { leaseUntil: '2026-06-10T09:02:01.000Z' },
    });
  });

  it('judges a lapse by the moment given (the sweeper passes now minus its grace)', async () => {
    const k = keyOf('grace');
    const claimedAt = at('2026-06-10T09:00:00Z');
    await takeLease(table(), {
      key: k,
      free: 'attribute_not_exists(pk)',
      takeOver: false,
      held: 'claimed',
      now: claimedAt,
      leaseMs: 0,
    });
    const sweep = (now: Date, graceMs: number) =>
      takeLease(table(), {
        key: k,
        held: 'claimed',
        now,
        leaseMs: 0,
        lapsedBefore: new Date(now.getTime() - graceMs),
      });
    // One minute after the claim, with a two-minute grace: still presumed in flight.
    expect(await sweep(at('2026-06-10T09:01:00Z'), 120_000)).toMatchObject({ taken: false });
    // Three minutes after: taken over, and stamped with the moment of the take-over.
    expect(await sweep(at('2026-06-10T09:03:00Z'), 120_000)).toMatchObject({
      taken: true,
      item: { leaseUntil: '2026-06-10T09:03:00.000Z' },
    });
    // A second sweeper that saw the old claim does not take it again.
    expect(await sweep(at('2026-06-10T09:03:00Z'), 120_000)).toMatchObject({ taken: false });
  });

  it('lets the holder settle its lease, and only while it is still the lease it took', async () => {
    const k = keyOf('settle');
    const first = await takeLease(table(), {
      key: k,
      free: 'attribute_not_exists(pk)',
      held: 'claimed',
      now: at('2026-06-10T09:00:00Z'),
      leaseMs: 60_000,
      set: ['gsi1pk = :pending'],
      values: { ':pending': 'TEST-PENDING' },
    });
    expect(first.taken).toBe(true);
    const second = await takeLease(table(), { key: k, held: 'claimed', now: at('2026-06-10T09:02:00Z'), leaseMs: 60_000 });
    expect(second.taken).toBe(true);
    const settle = (leaseUntil: string) =>
      settleLease(table(), { key: k, held: 'claimed', leaseUntil, state: 'done', remove: ['gsi1pk'] });
    expect(await settle('2026-06-10T09:01:00.000Z')).toBe(false);
    expect((await get(k))?.state).toBe('claimed');
    expect(await settle('2026-06-10T09:03:00.000Z')).toBe(true);
    const settled = await get(k);
    expect(settled).toMatchObject({ state: 'done' });
    expect(settled?.leaseUntil).toBeUndefined();
    expect(settled?.gsi1pk).toBeUndefined();
    expect(await settle('2026-06-10T09:03:00.000Z')).toBe(false);
  });
  it('takes an item as its taker last saw it with one put, and refuses when anything pinned changed since', async () => {
    const k = keyOf('seen');
    const { client, name } = table();
    const scheduled = { ...k, state: 'scheduled', postIds: ['a'], gsi1sk: '2026-06-10T18:00:00.000Z#x', type: 'delivery' };
    await client.send(new PutCommand({ TableName: name, Item: scheduled }));
    const takeSeen = (seen: Record<string, unknown>, now: Date) =>
      takeSeenLease(table(), {
        seen,
        free: 'scheduled',
        held: 'claimed',
        now,
        leaseMs: 60_000,
        unchanged: {
          condition: 'gsi1sk = :seenSort AND size(postIds) = :count',
          values: { ':seenSort': seen.gsi1sk, ':count': (seen.postIds as string[]).length },
        },
        set: { gsi1sk: 'lease-end' },
      });
    // A post appended after it was read (a digest still collecting): the stale copy must not be written.
    await client.send(
      new UpdateCommand({
        TableName: name,
        Key: k,
        UpdateExpression: 'SET postIds = list_append(postIds, :b)',
        ExpressionAttributeValues: { ':b': ['b'] },
      }),
    );
    expect(await takeSeen(scheduled, at('2026-06-10T18:00:01Z'))).toEqual({ taken: false });
    expect((await get(k))?.postIds).toEqual(['a', 'b']);
    // Read again, it is taken with one put: the item as seen, held, under a new lease and index key.
    const fresh = (await get(k)) ?? {};
    const taken = await takeSeen(fresh, at('2026-06-10T18:00:02Z'));
    expect(taken).toMatchObject({
      taken: true,
      item: { state: 'claimed', leaseUntil: '2026-06-10T18:01:02.000Z', postIds: ['a', 'b'] },
    });
    expect(await get(k)).toEqual({ ...fresh, state: 'claimed', leaseUntil: '2026-06-10T18:01:02.000Z', gsi1sk: 'lease-end' });
    // Held and live: not taken, and nothing written. Lapsed: taken over, but only under the lease seen.
    const held = (await get(k)) ?? {};
    expect(await takeSeen(held, at('2026-06-10T18:00:30Z'))).toEqual({ taken: false });
    expect(await takeSeen(fresh, at('2026-06-10T18:05:00Z'))).toEqual({ taken: false });
    expect(await takeSeen(held, at('2026-06-10T18:05:00Z'))).toMatchObject({
      taken: true,
      item: { leaseUntil: '2026-06-10T18:06:00.000Z' },
    });
    expect(await takeSeen(held, at('2026-06-10T18:05:00Z'))).toEqual({ taken: false });
  });
});
