import { fork } from 'node:child_process';
import { createECDH, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { familySchema } from '../functions/core/families/family';
import { pushDeviceId } from '../functions/core/families/recipients';
import { PushSender, pushTopic } from '../functions/core/messaging/push';
import { getSecrets } from '../functions/core/messaging/secrets';
import { postPublished } from '../functions/core/notification';
import { addToDigest } from '../functions/core/notify/ledger-store';
import { digestSlot } from '../functions/core/notify/policy';
import { createPost } from '../functions/core/posts/create';
import type { Emulators } from '../functions/local/emulators';
import { startLocal } from '../functions/local/runtime';
import { seedDemo } from '../functions/local/seed';
import { inBatches, seedFamilies, startReceiver } from './families';
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
    const cpuBefore = process.cpuUsage();
    const report = (await local.runDigest()) as { sent: number };
    const digestMs = performance.now() - start;
    const digestCpu = process.cpuUsage(cpuBefore);
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
        // Wall time follows the machine's other work; the CPU this process spent does much less.
        ['CPU of this process during the run', ms((digestCpu.user + digestCpu.system) / 1000)],
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

async function countMail(sesEndpoint: string): Promise<number> {
  const { emails } = (await (await fetch(`${sesEndpoint}/store`)).json()) as { emails: unknown[] };
  return emails.length;
}
