import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { configFromEnv } from '../../functions/aws/config';
import { type AppQueueName, appQueueNames, queueUrlEnv } from '../../functions/aws/queues';
import type { Deps } from '../../functions/core/deps';
import { buildAwsDeps } from '../../functions/handlers/runtime';

/**
 * The Lambda runtime's queue wiring (handlers/runtime.ts): each queue the domain sends to is reached at
 * the URL in the variable the queue registry names (aws/queues.ts `queueUrlEnv`), as the stack sets it.
 * SQS has no emulator in the embedded default (its queues are in-process), so the real SDK client talks to
 * a local HTTP endpoint that answers SQS's JSON protocol (SendMessage, SendMessageBatch) as SQS does.
 */

const sent: { target: string; queueUrl: string; bodies: string[] }[] = [];
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const service = createServer((req, res) => {
  let raw = '';
  req.on('data', (chunk) => {
    raw += chunk;
  });
  req.on('end', () => {
    const body = JSON.parse(raw) as { QueueUrl: string; MessageBody?: string; Entries?: { Id: string; MessageBody: string }[] };
    const target = String(req.headers['x-amz-target']);
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    if (body.Entries) {
      sent.push({ target, queueUrl: body.QueueUrl, bodies: body.Entries.map((e) => e.MessageBody) });
      const Successful = body.Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: md5(e.MessageBody) }));
      res.end(JSON.stringify({ Successful, Failed: [] }));
    } else {
      sent.push({ target, queueUrl: body.QueueUrl, bodies: [String(body.MessageBody)] });
      res.end(JSON.stringify({ MessageId: 'm-1', MD5OfMessageBody: md5(String(body.MessageBody)) }));
    }
  });
});

let deps: Deps;
const urls = {} as Record<AppQueueName, string>;

beforeAll(async () => {
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  const address = service.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  for (const name of appQueueNames) urls[name] = `${endpoint}/123456789012/corridor-test-${name}`;
  deps = buildAwsDeps(
    configFromEnv({
      CORRIDOR_TABLE: 'corridor',
      CORRIDOR_INCOMING_BUCKET: 'corridor-incoming',
      CORRIDOR_SITE_BUCKET: 'corridor-site',
      CORRIDOR_PUBLIC_URL: 'https://school.example.org',
      CORRIDOR_SQS_ENDPOINT: endpoint,
      ...Object.fromEntries(appQueueNames.map((name) => [queueUrlEnv(name), urls[name]])),
    }),
  );
});

afterAll(async () => {
  await new Promise((resolve) => service.close(resolve));
});

it('sends each queue of the domain to the URL in the variable the registry names', async () => {
  // The domain's queues and the registry's `app` queues are the same set.
  expect(Object.keys(deps.queues).sort()).toEqual([...appQueueNames].sort());
  await deps.queues.fanout({ kind: 'publish', postId: 'p1' });
  await deps.queues.media({ key: 'incoming/demo/p1/m1' });
  await deps.queues.notifications({ kind: 'post_published', postId: 'p1', schoolId: 'demo', familyId: 'f1', key: 'p1:f1' });
  await deps.queues.segments({ kind: 'join', postId: 'p1', mediaId: 'm1', splitId: 's1' });

  const to = (name: AppQueueName) => sent.filter((request) => request.queueUrl === urls[name]);
  expect(sent).toHaveLength(4);
  expect(JSON.parse(to('fanout')[0]?.bodies[0] ?? '{}')).toEqual({ kind: 'publish', postId: 'p1' });
  // The media worker gets what S3 would have sent about the upload.
  expect(to('media')[0]?.bodies[0]).toContain('"key":"incoming/demo/p1/m1"');
  // Notifications go ten to a request (SendMessageBatch), the rest one by one.
  expect(to('notifications')[0]?.target).toBe('AmazonSQS.SendMessageBatch');
  expect(JSON.parse(to('notifications')[0]?.bodies[0] ?? '{}')).toMatchObject({ key: 'p1:f1' });
  expect(JSON.parse(to('segments')[0]?.bodies[0] ?? '{}')).toEqual({ kind: 'join', postId: 'p1', mediaId: 'm1', splitId: 's1' });
});
