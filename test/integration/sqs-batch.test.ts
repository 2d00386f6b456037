import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gatheringSender, SQS_BATCH_MAX, sqsBatchSend } from '../../functions/aws/sqs-batch';

/**
 * The notifications queue's sender on AWS: ten messages to a SendMessageBatch. SQS has no emulator in the
 * embedded default (its queues are in-process), so the adapter is tested through the real SDK client
 * against a local HTTP endpoint that answers SQS's JSON protocol as SQS does (per-entry `Successful` with
 * the body's MD5, which the client checks, or `Failed`).
 */

interface Request {
  target: string;
  entries: { Id: string; MessageBody: string }[];
}
const requests: Request[] = [];
/** Bodies the endpoint refuses (a per-entry failure, as SQS reports one). */
const refuse = new Set<string>();
const service = createServer((req, res) => {
  let raw = '';
  req.on('data', (chunk) => {
    raw += chunk;
  });
  req.on('end', () => {
    const body = JSON.parse(raw) as { QueueUrl: string; Entries: Request['entries'] };
    requests.push({ target: String(req.headers['x-amz-target']), entries: body.Entries });
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(
      JSON.stringify({
        Successful: body.Entries.filter((e) => !refuse.has(e.MessageBody)).map((e) => ({
          Id: e.Id,
          MessageId: `m-${e.Id}`,
          MD5OfMessageBody: md5(e.MessageBody),
        })),
        Failed: body.Entries.filter((e) => refuse.has(e.MessageBody)).map((e) => ({
          Id: e.Id,
          SenderFault: false,
          Code: 'InternalError',
          Message: 'try again',
        })),
      }),
    );
  });
});
let sqs: SQSClient;
let send: (body: string) => Promise<void>;

beforeAll(async () => {
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  const address = service.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  sqs = new SQSClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  send = gatheringSender(sqsBatchSend(sqs, `http://127.0.0.1:${port}/000000000000/notifications`));
});
afterAll(() => {
  sqs?.destroy();
  service.close();
});

it('sends what is started together ten to a request, each message once', async () => {
  requests.length = 0;
  const bodies = Array.from({ length: 25 }, (_, i) => JSON.stringify({ key: `post-1:family-${i}` }));
  await Promise.all(bodies.map((body) => send(body)));
  expect(requests.map((r) => r.target)).toEqual(Array(3).fill('AmazonSQS.SendMessageBatch'));
  expect(requests.map((r) => r.entries.length)).toEqual([SQS_BATCH_MAX, SQS_BATCH_MAX, 5]);
  expect(requests.flatMap((r) => r.entries.map((e) => e.MessageBody)).sort()).toEqual([...bodies].sort());
});

it('a message SQS refuses fails its own sender only, in plain words', async () => {
  requests.length = 0;
  const bodies = Array.from({ length: 4 }, (_, i) => JSON.stringify({ key: `post-2:family-${i}` }));
  refuse.add(bodies[2] as string);
  const outcomes = await Promise.allSettled(bodies.map((body) => send(body)));
  expect(requests).toHaveLength(1);
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  const refused = outcomes[2];
  expect(refused?.status === 'rejected' && String(refused.reason)).toContain(
    'SQS refused the message (InternalError): try again',
  );
});

it('sends started in different turns are not held back for each other', async () => {
  requests.length = 0;
  await send(JSON.stringify({ key: 'post-3:family-a' }));
  await send(JSON.stringify({ key: 'post-3:family-b' }));
  expect(requests.map((r) => r.entries.length)).toEqual([1, 1]);
});
