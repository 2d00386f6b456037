import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { tableShape } from '../aws/table';
import { abortMultipartUpload } from './s3-abort-multipart';
import { type BucketStore, cacheBucketLookups } from './s3-bucket-lookups';
import { type FilesystemStore, makeDurable, repairStore } from './s3-durable-store';

/** The embedded stand-ins for DynamoDB, S3 and SES, listening on loopback with data on disk. */
export interface Emulators {
  dynamoEndpoint: string;
  s3Endpoint: string;
  sesEndpoint: string;
  /** Subscribes to S3 notifications (s3rver emits them in-process, like S3 → SQS would). */
  onS3Event(listener: (event: unknown) => void): void;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  dataDir: string;
  tableName: string;
  buckets: string[];
  /** Fixed ports (0 = any free port). */
  dynamoPort?: number;
  s3Port?: number;
  sesPort?: number;
}

const loopback = '127.0.0.1';

/** Starts dynalite, s3rver and the SES v2 emulator, and creates the table and buckets if missing. */
export async function startEmulators(options: EmulatorOptions): Promise<Emulators> {
  const dynamo = await startDynamo(options.dataDir, options.tableName, options.dynamoPort);
  await mkdir(join(options.dataDir, 's3'), { recursive: true });
  // Whatever a killed process left half written goes before anything reads it (s3-durable-store.ts).
  const repaired = await repairStore(join(options.dataDir, 's3'));
  if (repaired > 0) console.log(`Storage: removed ${repaired} file(s) a stopped process had not finished writing`);

  const s3 = new S3rver({
    address: loopback,
    port: options.s3Port ?? 0,
    directory: join(options.dataDir, 's3'),
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  makeDurable((s3 as unknown as { store: FilesystemStore }).store);
  cacheBucketLookups((s3 as unknown as { store: BucketStore }).store);
  // Koa composes its middleware when it starts listening: put the missing S3 operation before s3rver's router.
  (s3 as unknown as { middleware: unknown[] }).middleware.unshift(abortMultipartUpload(join(options.dataDir, 's3')));
  const s3Address = await s3.run();
  const s3Endpoint = `http://${loopback}:${s3Address.port}`;

  const ses = await startSes(options.sesPort ?? 0);
  return {
    dynamoEndpoint: dynamo.endpoint,
    s3Endpoint,
    sesEndpoint: ses.endpoint,
    onS3Event: (listener) => s3.on('event', listener),
    stop: async () => {
      s3.removeAllListeners('event');
      await Promise.allSettled([s3.close(), dynamo.stop(), ses.stop()]);
    },
  };
}

/** Starts dynalite on the data folder (LevelDB on disk) and makes sure the table exists. */
export async function startDynamo(
  dataDir: string,
  tableName: string,
  port = 0,
): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  await mkdir(join(dataDir, 'dynamo'), { recursive: true });
  const server: Server = dynalite({ path: join(dataDir, 'dynamo'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, loopback, resolve));
  const endpoint = `http://${loopback}:${(server.address() as AddressInfo).port}`;
  await ensureTable(endpoint, tableName);
  return { endpoint, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({
    region: 'eu-west-2',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const [gsi] = tableShape.indexes;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [tableShape.partitionKey, tableShape.sortKey, gsi.partitionKey, gsi.sortKey].map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: tableShape.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableShape.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: tableShape.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  client.destroy();
}

type StartSes = (options: { host: string; port: number }) => Promise<Server>;

/**
 * aws-ses-v2-local is CommonJS exporting `default`; depending on the loader's interop that arrives as
 * `module.default` or `module.default.default`. It keeps sent mail in memory (`GET /store`).
 */
async function startSes(port: number): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const module = (await import('aws-ses-v2-local')) as unknown as { default: StartSes | { default: StartSes } };
  const start = typeof module.default === 'function' ? module.default : module.default.default;
  const server = await start({ host: loopback, port });
  const address = server.address() as AddressInfo;
  return {
    endpoint: `http://${loopback}:${address.port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
