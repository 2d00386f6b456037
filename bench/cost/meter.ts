import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Clients } from '../../functions/aws/clients';
import type { Config } from '../../functions/aws/config';
import { tableShape } from '../../functions/aws/table';

/** What one stretch of work cost in billable units, counted on the SDK clients the handlers use. */
export interface Tally {
  /** On-demand read request units (eventually consistent reads are half a unit per 4 KB). */
  readUnits: number;
  /** On-demand write request units on the table (1 per KB written, also for failed conditions). */
  writeUnits: number;
  /** Write units on the global secondary indexes (DynamoDB bills index maintenance as writes). */
  indexWriteUnits: number;
  /** S3 PUT, COPY, POST and LIST requests. */
  s3PutClass: number;
  /** S3 GET and HEAD requests. */
  s3GetClass: number;
  /** Bytes written to the site bucket (media variants and channel artifacts). */
  siteBytesWritten: number;
}

export const emptyTally = (): Tally => ({
  readUnits: 0,
  writeUnits: 0,
  indexWriteUnits: 0,
  s3PutClass: 0,
  s3GetClass: 0,
  siteBytesWritten: 0,
});

const S3_PUT_CLASS = new Set([
  'PutObjectCommand',
  'CopyObjectCommand',
  'CreateMultipartUploadCommand',
  'UploadPartCommand',
  'CompleteMultipartUploadCommand',
  'ListObjectsV2Command',
  'ListPartsCommand',
]);
const S3_GET_CLASS = new Set(['GetObjectCommand', 'HeadObjectCommand']);
const S3_FREE = new Set(['DeleteObjectCommand', 'DeleteObjectsCommand', 'AbortMultipartUploadCommand']);

type Item = Record<string, unknown>;
type Key = Record<string, unknown>;
interface Consumed {
  CapacityUnits?: number;
}

/**
 * Counts billable DynamoDB and S3 usage through middleware on the injected SDK clients, so the handlers
 * run unchanged. Table units come from the emulator's own `ConsumedCapacity` (dynalite applies
 * DynamoDB's 4 KB / 1 KB rounding); dynalite reports no index capacity and no capacity for a failed
 * condition, so those are computed here from the item before and after each write, read on a separate,
 * uncounted client.
 */
export class Meter {
  tally = emptyTally();
  private readonly peekClient: DynamoDBDocumentClient;

  constructor(
    clients: Clients,
    private readonly config: Config,
    uncounted: Clients,
  ) {
    this.peekClient = uncounted.dynamo;
    this.meterDynamo(clients.dynamo);
    this.meterS3(clients);
  }

  /** Returns what was counted since the last call, and starts again from zero. */
  take(): Tally {
    const taken = this.tally;
    this.tally = emptyTally();
    return taken;
  }

  /** Counts requests that do not pass through the SDK (a phone's presigned PUT). */
  addS3PutClass(requests: number): void {
    this.tally.s3PutClass += requests;
  }

  private meterDynamo(client: DynamoDBDocumentClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Item;
        input.ReturnConsumedCapacity = 'TOTAL';
        const writes = writtenItems(context.commandName ?? '', input);
        const before = await Promise.all(writes.map((w) => this.peek(w.table, w.key)));
        try {
          const result = await next(args);
          for (const consumed of [
            (result.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity ?? [],
          ].flat()) {
            if (writes.length > 0) this.tally.writeUnits += consumed.CapacityUnits ?? 0;
            else this.tally.readUnits += consumed.CapacityUnits ?? 0;
          }
          const after = await Promise.all(
            writes.map((w) => (w.kind === 'update' ? this.peek(w.table, w.key) : Promise.resolve(w.item))),
          );
          writes.forEach((_, i) => {
            this.tally.indexWriteUnits += indexWriteUnits(before[i], after[i]);
          });
          return result;
        } catch (error) {
          // DynamoDB charges a refused conditional write as a write of the item it checked (at least 1 unit).
          if ((error as { name?: string }).name === 'ConditionalCheckFailedException') {
            this.tally.writeUnits += Math.max(1, writeUnitsOf(before[0]));
          }
          throw error;
        }
      },
      { step: 'initialize', name: 'corridorCostMeter' },
    );
  }

  private meterS3(clients: Clients): void {
    const siteBucket = this.config.siteBucket;
    clients.s3.middlewareStack.add(
      (next, context) => async (args) => {
        const command = context.commandName ?? '';
        if (S3_PUT_CLASS.has(command)) this.tally.s3PutClass++;
        else if (S3_GET_CLASS.has(command)) this.tally.s3GetClass++;
        else if (!S3_FREE.has(command)) throw new Error(`cost meter: unclassified S3 command ${command}`);
        const input = args.input as { Bucket?: string; Body?: unknown };
        if (command === 'PutObjectCommand' && input.Bucket === siteBucket) this.tally.siteBytesWritten += bodyBytes(input.Body);
        return next(args);
      },
      { step: 'initialize', name: 'corridorCostMeter' },
    );
  }

  private async peek(table: string, key: Key): Promise<Item | undefined> {
    const { Item } = await this.peekClient.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    return Item;
  }
}

interface Write {
  table: string;
  key: Key;
  kind: 'put' | 'update' | 'delete';
  /** The item after a put (undefined after a delete). */
  item?: Item;
}

const keyOf = (item: Item): Key => ({
  [tableShape.partitionKey]: item[tableShape.partitionKey],
  [tableShape.sortKey]: item[tableShape.sortKey],
});

/** The items a write command touches, by the command's low-level name. */
function writtenItems(command: string, input: Item): Write[] {
  const table = String(input.TableName ?? '');
  switch (command) {
    case 'PutItemCommand': {
      const item = input.Item as Item;
      return [{ table, key: keyOf(item), kind: 'put', item }];
    }
    case 'UpdateItemCommand':
      return [{ table, key: input.Key as Key, kind: 'update' }];
    case 'DeleteItemCommand':
      return [{ table, key: input.Key as Key, kind: 'delete' }];
    case 'BatchWriteItemCommand':
      return Object.entries(input.RequestItems as Record<string, Item[]>).flatMap(([name, requests]) =>
        requests.map((request): Write => {
          const put = request.PutRequest as { Item: Item } | undefined;
          if (put) return { table: name, key: keyOf(put.Item), kind: 'put', item: put.Item };
          return { table: name, key: (request.DeleteRequest as { Key: Key }).Key, kind: 'delete' };
        }),
      );
    case 'TransactWriteItemsCommand':
      throw new Error('cost meter: transactions are not counted (Corridor uses none)');
    default:
      return [];
  }
}

const [gsi] = tableShape.indexes;
const inIndex = (item: Item | undefined): item is Item =>
  item !== undefined && item[gsi.partitionKey] !== undefined && item[gsi.sortKey] !== undefined;

/**
 * Index maintenance a table write causes (projection ALL, so an index entry is the whole item): adding
 * or refreshing an entry writes the new item, removing one writes the old, and moving it to other
 * index keys does both. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations
 */
export function indexWriteUnits(before: Item | undefined, after: Item | undefined): number {
  const was = inIndex(before);
  const is = inIndex(after);
  if (was && is) {
    const moved = before[gsi.partitionKey] !== after[gsi.partitionKey] || before[gsi.sortKey] !== after[gsi.sortKey];
    return moved ? writeUnitsOf(before) + writeUnitsOf(after) : writeUnitsOf(after);
  }
  if (was) return writeUnitsOf(before);
  if (is) return writeUnitsOf(after);
  return 0;
}

const writeUnitsOf = (item: Item | undefined) => (item ? Math.max(1, Math.ceil(itemBytes(item) / 1024)) : 0);

/**
 * An item's size as DynamoDB counts it: attribute names plus values; numbers ~1 byte per two digits
 * plus one; lists and maps 3 bytes plus 1 per element.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
export function itemBytes(item: Item): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);
}

function valueBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace(/[.-]/g, '').length / 2) + 1;
  if (value instanceof Uint8Array) return value.length;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueBytes(v), 0);
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueBytes(v), 0);
  return 3 + Object.entries(value as Item).reduce((sum, [k, v]) => sum + 1 + Buffer.byteLength(k) + valueBytes(v), 0);
}

function bodyBytes(body: unknown): number {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.length;
  throw new Error('cost meter: a streamed body to the site bucket cannot be measured');
}
