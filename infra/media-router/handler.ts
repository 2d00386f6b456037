import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { queueUrlEnv, routerQueueNames } from '../../functions/aws/queues';
import { type Lane, type RouterPorts, routeMessage } from './route';

/**
 * The media router Lambda (infrastructure plumbing, deployed by infra/corridor.ts): S3 notifications from
 * the media queue → the image or the audio/video queue. A failed record alone is retried.
 */
export function routerHandler(ports: RouterPorts) {
  const recordHandler = async (record: SQSRecord) => {
    await routeMessage(ports, record.body);
  };
  return (event: SQSEvent, context: Context) =>
    processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), { context });
}

/** S3 range reads and SQS sends, from the environment the stack sets (clients injectable for tests). */
export function awsPorts(env: NodeJS.ProcessEnv = process.env, clients: { s3?: S3Client; sqs?: SQSClient } = {}): RouterPorts {
  // A lane is a queue the registry says the router sends to (functions/aws/queues.ts), its URL in the variable it names.
  const queues = Object.fromEntries(routerQueueNames.map((lane) => [lane, env[queueUrlEnv(lane)]])) as Record<
    Lane,
    string | undefined
  >;
  const s3 = clients.s3 ?? new S3Client({});
  const sqs = clients.sqs ?? new SQSClient({});
  return {
    async readHead(bucket, key, bytes) {
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${bytes - 1}` }));
        return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
      } catch (error) {
        // NoSuchKey needs s3:ListBucket (granted), else S3 says AccessDenied. InvalidRange: a 0-byte object.
        if (error instanceof S3ServiceException && error.name === 'NoSuchKey') return undefined;
        if (error instanceof S3ServiceException && error.name === 'InvalidRange') return Buffer.alloc(0);
        throw error;
      }
    },
    async forward(lane, body) {
      const url = queues[lane];
      if (!url) throw new Error(`media router: no queue URL for the ${lane} worker`);
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    },
  };
}

let ports: RouterPorts | undefined;

export const handler = (event: SQSEvent, context: Context) => {
  ports ??= awsPorts();
  return routerHandler(ports)(event, context);
};
