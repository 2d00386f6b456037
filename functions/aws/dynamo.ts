import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Table } from './table';

/** True when a DynamoDB write lost its condition: someone else already did (or is doing) the work. */
export function isConditionFailed(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
}

/** Every page of a query in turn (DynamoDB answers at most 1 MB at a time), for work done page by page. */
export async function* queryPages(
  dynamo: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): AsyncGenerator<Record<string, unknown>[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    yield page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** Every item a query matches, across all its pages. */
export async function queryAll(
  dynamo: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of queryPages(dynamo, input)) items.push(...page);
  return items;
}

/** BatchGetItem's and BatchWriteItem's limits. */
const BATCH_GET_MAX = 100;
const BATCH_WRITE_MAX = 25;
/** Rounds of re-sending what DynamoDB left unprocessed (throttling) before giving up. */
const BATCH_ATTEMPTS = 10;

const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 2000)));

/**
 * Every item of `keys` that exists, in as few BatchGetItem requests as possible (strongly consistent),
 * asking again for anything DynamoDB left unprocessed.
 */
export async function batchGetAll(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  keys: Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_MAX) {
    let pending = keys.slice(i, i + BATCH_GET_MAX);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === BATCH_ATTEMPTS) throw new Error('DynamoDB kept refusing a batch read (throttled)');
      if (attempt > 0) await backoff(attempt);
      const { Responses, UnprocessedKeys } = await dynamo.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(Responses?.[tableName] ?? []));
      pending = UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return found;
}

type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

/** Puts and deletes in BatchWriteItem requests of 25, re-sending anything DynamoDB left unprocessed. */
export async function batchWriteAll(dynamo: DynamoDBDocumentClient, tableName: string, requests: WriteRequest[]): Promise<void> {
  for (let i = 0; i < requests.length; i += BATCH_WRITE_MAX) {
    let pending = requests.slice(i, i + BATCH_WRITE_MAX);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === BATCH_ATTEMPTS) throw new Error('DynamoDB kept refusing a batch write (throttled)');
      if (attempt > 0) await backoff(attempt);
      const { UnprocessedItems } = await dynamo.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = UnprocessedItems?.[tableName] ?? [];
    }
  }
}

/**
 * Awaits a conditional write: true when it was made, false when its condition refused it (other errors
 * throw). Every store's conditional write goes through here (or {@link conditionalAnswer}, or
 * {@link writeOrFound} when it looks at what refused it), so that losing a race is an answer the domain
 * can put in words, never an exception it must recognise.
 */
export async function conditionalWrite(write: Promise<unknown>): Promise<boolean> {
  return (await conditionalAnswer(write.then(() => true))) ?? false;
}

/**
 * Awaits a conditional write whose answer the caller reads (`ReturnValues: 'ALL_NEW'`: the item as
 * written): the answer, or undefined when its condition refused it (other errors throw).
 */
export async function conditionalAnswer<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

export type WriteOrFound<T> = { written: true; answer: T } | { written: false; found: Record<string, unknown> | undefined };

/**
 * Awaits a conditional write of the item at `key` that asked for the item on refusal
 * (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`): its answer, or the item that refused it (undefined
 * when there is none), so the caller can tell "already done" from "moved on" without a second request
 * of its own. Other errors throw. Every store that looks at what refused its write goes through here.
 */
export async function writeOrFound<T>(table: Table, key: Record<string, unknown>, write: Promise<T>): Promise<WriteOrFound<T>> {
  try {
    return { written: true, answer: await write };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    return { written: false, found: await refusingItem(table, key, error) };
  }
}

/**
 * The item a conditional write found: returned with the refusal by DynamoDB; read once, strongly, where an
 * emulator does not (dynalite accepts `ReturnValuesOnConditionCheckFailure` but returns no item).
 */
async function refusingItem(table: Table, key: Record<string, unknown>, error: unknown) {
  const returned = (error as { Item?: Record<string, AttributeValue> }).Item;
  if (returned) return unmarshall(returned);
  const { Item } = await table.client.send(new GetCommand({ TableName: table.name, Key: key, ConsistentRead: true }));
  return Item;
}
