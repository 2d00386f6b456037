import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from './config';

/** The AWS SDK clients Corridor uses, built once per process and passed to the core. */
export interface Clients {
  dynamo: DynamoDBDocumentClient;
  s3: S3Client;
  /** Signs URLs that browsers and phones use directly (may point at a public endpoint locally). */
  s3Presign: S3Client;
  ses: SESv2Client;
  sqs: SQSClient;
}

/**
 * Emulators accept any credentials; on AWS the default provider chain supplies real ones. The local S3
 * edge (functions/local/s3-proxy.ts) verifies presigned uploads against these.
 */
export const emulatorCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

function s3Client(config: Config, endpoint: string | undefined): S3Client {
  return new S3Client({
    region: config.region,
    ...(endpoint
      ? {
          endpoint,
          credentials: emulatorCredentials,
          forcePathStyle: true,
          // s3rver stores streamed bodies corrupted when the SDK adds flexible checksums (docs/architecture.md, the embedded default).
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : // On AWS the SDK's default stays (a CRC32 of each body, checked by S3). A page's body is also in its
        // SigV4 signature, but a streamed one (a segment job's file, segments/store.ts) is sent unsigned and
        // the CRC32 is all that checks it; per page it costs microseconds against a round trip of milliseconds.
        {}),
  });
}

/** Builds every client from one configuration; only endpoints differ between AWS and the embedded default. */
export function buildClients(config: Config): Clients {
  const local = (endpoint: string | undefined) => (endpoint ? { endpoint, credentials: emulatorCredentials } : {});
  const dynamo = new DynamoDBClient({ region: config.region, ...local(config.dynamoEndpoint) });
  return {
    dynamo: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    s3: s3Client(config, config.s3Endpoint),
    s3Presign: s3Client(config, config.s3PublicEndpoint ?? config.s3Endpoint),
    ses: new SESv2Client({ region: config.region, ...local(config.sesEndpoint) }),
    sqs: new SQSClient({ region: config.region, ...local(config.sqsEndpoint) }),
  };
}
