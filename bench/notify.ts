import { fork } from 'node:child_process';
import { createECDH, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { tableKeys } from '../functions/aws/keys';
import type { Deps } from '../functions/core/deps';
import { type Family, familySchema, type SchoolFamily } from '../functions/core/families/family';
import { addressIdOf, pushDeviceId } from '../functions/core/families/recipients';
import { addToDigest } from '../functions/core/notify/ledger';
import { postPublished } from '../functions/core/notify/notification';
import { digestSlot } from '../functions/core/notify/policy';
import { PushSender, pushTopic } from '../functions/core/notify/push';
import { getSecrets } from '../functions/core/notify/secrets';
import { createPost } from '../functions/core/posts/create';
import type { Emulators } from '../functions/local/emulators';
import { startLocal } from '../functions/local/runtime';
import { seedDemo } from '../functions/local/seed';
import { ms, printTable } from './measure';

const PUSH_FAMILIES = Number(process.env.BENCH_PUSH ?? 2_000);
const DIGEST_FAMILIES = Number(process.env.BENCH_DIGEST ?? 10_000);

/**
 * Parents' notifications on the embedded default (dynalite, the SES emulator, in-process queues):
 * 1. one post fanned out to 2,000 phones (web push, each message encrypted for its phone, RFC 8291) to
 *    a receiver on loopback that answers 201 like a push service — delivery from the notifications
 *    queue, and the whole way from publishing (the outbox included);
 * 2. the evening digest for 10,000 families, one email each through the SES v2 API.
 * Every message goes through the delivery ledger (claimed before, recorded after), as in production.
 * Run twice: everything in one process as `npm start` runs it, and with the emulators in a second
 * process — as on AWS, where DynamoDB and SES are services, not the worker's own CPU.
 */
export default async function notifyBench(): Promise<void> {
  await measure('one process (npm start)', async () => undefined);
  await measure('emulators in a second process', startEmulatorProcess);
}

type Remote = { emulators: Emulators; stop: () => Promise<void> };

async function measure(layout: string, emulatorsFor: (dataDir: string) => Promise<Remote | undefined>): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'corridor-bench-notify-'));
  // A school day at 10:00 in London: instant messages go at once (no quiet hours).
  let clock = new Date('2026-06-10T09:00:00Z').getTime() - Date.now();
  const now = () => new Date(Date.now() + clock);
  const receiver = await startReceiver();
  const remote = await emulatorsFor(dataDir);
  const local = await startLocal({ dataDir, port: 0, now, digestEveryMs: 0, emulators: remote?.emulators });
  try {
    await seedDemo(local.deps, dataDir);
    const { deps } = local;
    const admin = { schoolId: 'demo', role: 'admin' as const, label: 'bench', tokenId: 'bench' };
    const post = async (caption: string, audience: string) =>
      (await createPost(deps, admin, { idempotencyKey: randomBytes(12).toString('base64url'), audience, caption })).post;

    // --- 1. push fan-out ---
    // Published before the families exist, so its outbox finds nobody: delivery is then timed alone.
    const first = await post('Year 1 painted sunflowers this afternoon', 'class:year-1');
    await local.idle();
    const phoneKey = createECDH('prime256v1').generateKeys().toString('base64url');
    const pushFamilies = await seedFamilies(deps, PUSH_FAMILIES, 'year-1', (i) => ({
      preferences: { push: 'instant', email: 'off' },
      push: {
        [pushDeviceId(`${receiver.url}/push/${i}`)]: {
          endpoint: `${receiver.url}/push/${i}`,
          keys: { p256dh: phoneKey, auth: randomBytes(16).toString('base64url') },
          addedAt: now().toISOString(),
        },
      },
    }));
    let start = performance.now();
    for (const family of pushFamilies) await deps.queues.notifications(postPublished(first, family.id));
    await local.idle();
    const deliveryMs = performance.now() - start;
    const deliveredFirst = receiver.count();

    start = performance.now();
    await post('Year 1 sports day photos', 'class:year-1');
    await local.idle();
    const endToEndMs = performance.now() - start;
    const deliveredSecond = receiver.count() - deliveredFirst;

    // The push path alone, without the ledger: what encrypting and posting costs on this machine.
    const secrets = await getSecrets(deps);
    const sender = new PushSender({
      publicKey: secrets.vapidPublicKey,
      privateKey: secrets.vapidPrivateKey,
      subject: 'mailto:bench@example.org',
    });
    const devices = pushFamilies.flatMap((family) => Object.values(family.push));
    const payload = {
      title: 'Year 1 · Demo Primary School',
      body: 'Year 1 sports day photos',
      url: `${local.url}/p/x`,
      manageUrl: `${local.url}/family/x`,
      tag: 'post-x',
    };
    start = performance.now();
    await inBatches(devices, 32, async (device) => {
      await sender.send(device, { payload, topic: pushTopic('bench'), urgency: 'normal', ttlSeconds: 3600 });
    });
    const senderMs = performance.now() - start;

    // --- 2. evening digest ---
    const digestFamilies = await seedFamilies(deps, DIGEST_FAMILIES, 'year-2', (i) => ({
      preferences: { push: 'off', email: 'digest' },
      emails: { [`bench-${i}`]: { address: `parent-${i}@example.org`, confirmedAt: now().toISOString() } },
    }));
    // The day's posts, and each family's digest collecting them (as delivery writes it for each post).
    const posts = [
      await post('Year 2 built a bug hotel', 'class:year-2'),
      await post('Year 2 visited the library', 'class:year-2'),
    ];
    await local.idle();
    const slot = digestSlot(now(), familySchema.shape.preferences.parse({}));
    await inBatches(digestFamilies, 16, async (family) => {
      for (const p of posts) {
        await addToDigest(
          deps,
          { familyId: family.id, subject: { kind: 'digest', date: slot.date }, channel: 'email' },
          p.id,
          slot.dueAt,
        );
      }
    });
    const mailedBefore = await countMail(local.emulators.sesEndpoint);
    clock = slot.dueAt.getTime() - Date.now(); // 18:00 in London
    start = performance.now();
    const report = (await local.runDigest()) as { sent: number };
    const digestMs = performance.now() - start;
    const mailed = (await countMail(local.emulators.sesEndpoint)) - mailedBefore;
    // Safe to run twice: the second run finds nothing to send.
    const again = (await local.runDigest()) as { sent: number };

    const rate = (count: number, elapsed: number) => `${((count / elapsed) * 1000).toFixed(0)} messages/s`;
    printTable(`Parents' notifications, ${layout} — ${PUSH_FAMILIES.toLocaleString('en-GB')} phones, web push`, [
      ['notifications queue → all received', `${deliveredFirst} in ${ms(deliveryMs)} · ${rate(deliveredFirst, deliveryMs)}`],
      ['publish → outbox → all received', `${deliveredSecond} in ${ms(endToEndMs)} · ${rate(deliveredSecond, endToEndMs)}`],
      [
        'push sender alone (encrypt + POST, no ledger)',
        `${devices.length} in ${ms(senderMs)} · ${rate(devices.length, senderMs)}`,
      ],
    ]);
    printTable(
      `Evening digest, ${layout} — ${DIGEST_FAMILIES.toLocaleString('en-GB')} families, ${posts.length} posts each, SES v2`,
      [
        ['digest run → all accepted by SES', `${mailed} emails in ${ms(digestMs)} · ${rate(mailed, digestMs)}`],
        ['sent by the run / by a second run', `${report.sent} / ${again.sent}`],
      ],
    );
  } finally {
    await local.stop();
    await remote?.stop();
    await receiver.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Starts the emulators in a child process (bench/emulator-process.ts) and waits for their endpoints. */
async function startEmulatorProcess(dataDir: string): Promise<Remote> {
  const child = fork(fileURLToPath(new URL('./emulator-process.ts', import.meta.url)), [dataDir], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const [endpoints] = (await once(child, 'message')) as [Pick<Emulators, 'dynamoEndpoint' | 's3Endpoint' | 'sesEndpoint'>];
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.connected) child.disconnect();
    await exited;
  };
  // Stopping the runtime stops its emulators; here that means letting the child go.
  return { emulators: { ...endpoints, onS3Event: () => undefined, stop }, stop };
}

/** A push service stand-in that accepts every message (decrypting is what the tests do). */
async function startReceiver() {
  let received = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received++;
      response.writeHead(201).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: () => received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function countMail(sesEndpoint: string): Promise<number> {
  const { emails } = (await (await fetch(`${sesEndpoint}/store`)).json()) as { emails: unknown[] };
  return emails.length;
}

async function inBatches<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/**
 * Writes `count` families of one class straight into the table (record + school membership, 25 items a
 * request), shaped as joining makes them: seeding is not what is measured.
 */
export async function seedFamilies(
  deps: Deps,
  count: number,
  classId: string,
  make: (i: number) => { preferences: Partial<Family['preferences']>; push?: Family['push']; emails?: Family['emails'] },
): Promise<Family[]> {
  const families: Family[] = [];
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const shape = make(i);
    const emails = Object.fromEntries(
      await Promise.all(Object.values(shape.emails ?? {}).map(async (e) => [await addressIdOf(deps, e.address), e] as const)),
    );
    const family = familySchema.parse({
      id: randomBytes(12).toString('base64url'),
      classes: { demo: [classId] },
      preferences: shape.preferences,
      push: shape.push ?? {},
      emails,
      createdAt: new Date().toISOString(),
    });
    const membership: SchoolFamily = { id: family.id, schoolId: 'demo', classIds: [classId], createdAt: family.createdAt };
    families.push(family);
    items.push({ ...tableKeys.familyRecord(family.id), type: 'family', ...family });
    items.push({ ...tableKeys.family('demo', family.id), type: 'school-family', ...membership });
  }
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await inBatches(batches, 4, async (batch) => {
    let requests = batch.map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const { UnprocessedItems } = await deps.clients.dynamo.send(
        new BatchWriteCommand({ RequestItems: { [deps.config.tableName]: requests } }),
      );
      requests = (UnprocessedItems?.[deps.config.tableName] ?? []) as typeof requests;
    }
  });
  return families;
}
