import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conditionalAnswer, conditionalWrite } from '../../functions/aws/dynamo';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';

/**
 * The conditional write every store makes (functions/aws/dynamo.ts), against dynalite through the real
 * SDK: a write that is made answers true (or the item as written), one its condition refuses answers
 * false (or undefined) and leaves the item as it was, and any other failure still throws.
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
