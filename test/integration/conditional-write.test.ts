import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conditionalAnswer, conditionalWrite, writeOrFound } from '../../functions/aws/dynamo';
import { putCapability } from '../../functions/core/channels/capability-store';
import { tableOf } from '../../functions/core/deps';
import { createMediaSlot, recordUploadId } from '../../functions/core/media/item-store';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';

/**
 * The conditional write every store makes (functions/aws/dynamo.ts), against dynalite through the real
 * SDK: a write that is made answers true (or the item as written), one its condition refuses answers
 * false (or undefined) and leaves the item as it was, and any other failure still throws. A store that
 * looks at what refused its write gets that item with the answer (`writeOrFound`): dynalite returns no
 * item with a refusal, so here it is the one strong read the helper makes in its place (the ALL_OLD path,
 * with no read, is shown against a local HTTP endpoint in lease.test.ts, through `takeLease`).
 */
let corridor: TestCorridor;
beforeAll(async () => {
  corridor = await startTestCorridor();
});
afterAll(() => corridor?.stop());

const key = { pk: `CONDITIONAL#${Date.now()}`, sk: 'TEST' };
const table = () => corridor.local.deps.config.tableName;
const createOnce = (value: string) =>
  corridor.local.deps.clients.dynamo.send(
    new PutCommand({ TableName: table(), Item: { ...key, value }, ConditionExpression: 'attribute_not_exists(pk)' }),
  );
const read = async () =>
  (await corridor.local.deps.clients.dynamo.send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true }))).Item;

describe('a conditional write', () => {
  it('answers true when made, false when its condition refuses it, and the refused write changes nothing', async () => {
    expect(await conditionalWrite(createOnce('first'))).toBe(true);
    expect(await conditionalWrite(createOnce('second'))).toBe(false);
    expect(await read()).toEqual({ ...key, value: 'first' });
  });

  it('gives the item as written when asked, and undefined when refused', async () => {
    const bump = (seen: string) =>
      corridor.local.deps.clients.dynamo.send(
        new UpdateCommand({
          TableName: table(),
          Key: key,
          UpdateExpression: 'SET #value = :next',
          ConditionExpression: '#value = :seen',
          ExpressionAttributeNames: { '#value': 'value' },
          ExpressionAttributeValues: { ':seen': seen, ':next': `after ${seen}` },
          ReturnValues: 'ALL_NEW',
        }),
      );
    expect((await conditionalAnswer(bump('first')))?.Attributes).toEqual({ ...key, value: 'after first' });
    expect(await conditionalAnswer(bump('first'))).toBeUndefined();
    expect(await read()).toEqual({ ...key, value: 'after first' });
  });

  it('still throws what is not a refusal: here, a table that does not exist', async () => {
    const elsewhere = corridor.local.deps.clients.dynamo.send(
      new PutCommand({ TableName: 'no-such-table', Item: key, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    await expect(conditionalWrite(elsewhere)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('a conditional write that looks at what refused it', () => {
  const found = { pk: `FOUND#${Date.now()}`, sk: 'TEST' };
  const createOnce = (value: string) =>
    corridor.local.deps.clients.dynamo.send(
      new PutCommand({
        TableName: table(),
        Item: { ...found, value },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );

  it('answers the write when made, and the item that refused it when not', async () => {
    expect(await writeOrFound(tableOf(corridor.local.deps), found, createOnce('first'))).toMatchObject({ written: true });
    expect(await writeOrFound(tableOf(corridor.local.deps), found, createOnce('second'))).toEqual({
      written: false,
      found: { ...found, value: 'first' },
    });
  });

  it('finds nothing when the condition wanted an item that is not there', async () => {
    const missing = { pk: `FOUND#${Date.now()}#missing`, sk: 'TEST' };
    const touch = corridor.local.deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: missing,
        UpdateExpression: 'SET touched = :yes',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':yes': true },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    expect(await writeOrFound(tableOf(corridor.local.deps), missing, touch)).toEqual({ written: false, found: undefined });
  });

  it('still throws what is not a refusal', async () => {
    const elsewhere = corridor.local.deps.clients.dynamo.send(
      new PutCommand({ TableName: 'no-such-table', Item: found, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    await expect(writeOrFound(tableOf(corridor.local.deps), found, elsewhere)).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});

describe('stores that answer with what refused their write', () => {
  it('a second multipart upload id is refused and the first one recorded comes back', async () => {
    const ids = { postId: `found-post-${Date.now()}`, mediaId: 'found-media' };
    const deps = corridor.local.deps;
    expect(await createMediaSlot(deps, { postId: ids.postId, id: ids.mediaId, createdAt: new Date().toISOString() })).toBe(true);
    expect(await recordUploadId(deps, ids, 'upload-first')).toBe('upload-first');
    expect(await recordUploadId(deps, ids, 'upload-second')).toBe('upload-first');
  });

  it('a capability token written second is refused with the token that won', async () => {
    const channelId = `found-channel-${Date.now()}`;
    const deps = corridor.local.deps;
    expect(await putCapability(deps, channelId, 'token-first')).toEqual({ stored: true });
    expect(await putCapability(deps, channelId, 'token-second')).toEqual({ stored: false, current: 'token-first' });
    expect(await putCapability(deps, channelId, 'token-third', 'not-the-token')).toEqual({
      stored: false,
      current: 'token-first',
    });
  });
});
