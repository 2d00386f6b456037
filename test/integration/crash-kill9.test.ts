import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import { buildClients } from '../../functions/aws/clients';
import { configSchema } from '../../functions/aws/config';
import { tableKeys } from '../../functions/aws/keys';
import { tableOnlyDeps } from '../../functions/cli/local-table';
import { createToken } from '../../functions/core/auth/tokens';
import { channel } from '../../functions/core/channels/channels';
import type { UploadInstruction } from '../../functions/core/media/upload-instruction';
import { LOCAL_NAMES } from '../../functions/local/runtime';
import { corpusPath } from '../helpers/corpus';
import { subscribePush } from '../helpers/parents';
import { startPushService, type TestBrowser } from '../helpers/push-service';
import { freePort, killAllServers, killServer, serverOutput, startServer } from '../helpers/server-process';

/**
 * Issue 15, acceptance 2: kill -9 of the whole server while 20 posts are on their way, at a random moment,
 * then a restart on the same data folder — 30 times over (CORRIDOR_CRASH_TRIALS to change it). After
 * each restart, every post the API accepted must be published exactly once (one entry in the school's
 * channel index, its notification on each family's phone) or failed with a reason, within the recovery
 * time the README states; no original may be left in the incoming bucket; and no phone may be shown a
 * notification twice (a resend after a crash between send and record carries the same Topic, which the
 * push service replaces: counted and printed, not a duplicate on the phone).
 *
 * The phones behave like `corridor post`: they retry a refused connection with the same idempotency key
 * and send the files not yet received — except one in six, which gives up when its upload is cut off (a
 * phone that left the school Wi-Fi); its post must fail ("never arrived") once the abandon time is over.
 * Files are small (1×1 PNGs, a WebP, an Opus clip, a damaged JPEG that must fail with its reason),
 * mixed with caption-only posts, so a trial takes seconds on 2 cores.
 */

const TRIALS = Number(process.env.CORRIDOR_CRASH_TRIALS ?? 30);
const POSTS = 20;
/**
 * README: after a restart, work that was in flight is published or failed within two minutes (measured:
 * 44 s at the longest over 30 trials, with other tests running beside it). On a machine shared with other
 * heavy jobs everything runs many times slower; CORRIDOR_CRASH_RECOVERY_BOUND_S lets such a run measure
 * rather than fail — CI runs with the README's two minutes.
 */
const RECOVERY_BOUND_MS = Number(process.env.CORRIDOR_CRASH_RECOVERY_BOUND_S ?? 120) * 1000;
/** The test's abandon time for uploads that never arrive (24 hours by default). */
const ABANDON_S = 20;
/** The latest moment of a trial the kill may come (the posts' own work takes a few seconds). */
const KILL_WITHIN_MS = 2_500;

afterAll(killAllServers);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface File {
  bytes: Buffer;
  contentType: string;
}

interface Outcome {
  id: string;
  /** The phone gave up when its upload was cut off (so the post may rightly fail as never arrived). */
  gaveUp: boolean;
  /** The post carries a damaged file: it must fail, with the reason a teacher reads. */
  damaged: boolean;
  acceptedAt: number;
}

it(`loses nothing and repeats nothing over ${TRIALS} kill -9s of the server during ${POSTS} concurrent posts`, async () => {
  const corpus = async (name: string, contentType: string): Promise<File> => ({
    bytes: await readFile(corpusPath(name)),
    contentType,
  });
  const files = {
    png: await corpus('png_exif_gps_1x1.png', 'image/png'),
    webp: await corpus('webp_htc_desire_exif_gps.webp', 'image/webp'),
    opus: await corpus('audio_opus_mono.opus', 'audio/ogg'),
    damaged: await corpus('jpeg_corrupt_header.jpg', 'image/jpeg'),
  };
  /** Post i of a trial: caption-only or one or two tiny photos; one WebP, one Opus clip, and a damaged JPEG. */
  const filesOf = (i: number): File[] => {
    if (i === POSTS - 1) return [files.damaged];
    if (i === 9) return [files.opus];
    if (i === 13) return [files.webp];
    return [[], [files.png], [], [files.png, files.png], [files.png]][i % 5] ?? [];
  };

  const dataDir = await mkdtemp(join(tmpdir(), 'corridor-kill9-'));
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const env = {
    // Sweeps more often than `npm start` (every minute, for work older than two), so abandoned uploads are
    // found within the trial; the grace stays long enough that queued work is not re-driven over and over.
    CORRIDOR_SWEEP_EVERY_S: '5',
    CORRIDOR_SWEEP_GRACE_S: String(ABANDON_S),
    CORRIDOR_ABANDON_UPLOADS_AFTER_S: String(ABANDON_S),
  };
  const push = await startPushService();
  let server = await startServer(dataDir, port, env);
  try {
    let adminToken = (await readFile(join(dataDir, 'demo-admin-token'), 'utf8')).trim();
    /**
     * The running server's table and bucket, through the real SDK as an operator's tool would reach them
     * (its emulators listen on new ports after every start: endpoints.json says where).
     */
    const emulatorClients = async () => {
      const endpoints = JSON.parse(await readFile(join(dataDir, 'endpoints.json'), 'utf8')) as {
        dynamoEndpoint: string;
        s3Endpoint: string;
      };
      return buildClients(
        configSchema.parse({
          tableName: LOCAL_NAMES.table,
          incomingBucket: LOCAL_NAMES.incomingBucket,
          siteBucket: LOCAL_NAMES.siteBucket,
          publicUrl: base,
          mediaQueueUrl: 'local://media',
          fanoutQueueUrl: 'local://fanout',
          notificationsQueueUrl: 'local://notifications',
          segmentsQueueUrl: 'local://segments',
          dynamoEndpoint: endpoints.dynamoEndpoint,
          s3Endpoint: endpoints.s3Endpoint,
        }),
      );
    };
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    // Three families, one phone each, joined through the classes' join links.
    const { joinLinks } = (await (await api('GET', '/api/schools/me/join-links')).json()) as {
      joinLinks: { classId: string; url: string }[];
    };
    const phones: TestBrowser[] = [];
    for (const link of joinLinks.slice(0, 3)) {
      const phone = push.browser();
      await subscribePush(link.url, phone);
      phones.push(phone);
    }

    /** Creates the post, retrying through the crash with the same key, until the API answers. */
    const create = async (request: unknown): Promise<{ post: PostView; uploads: UploadInstruction[] }> => {
      for (;;) {
        const response = await api('POST', '/api/posts', request).catch(() => undefined);
        if (response?.status === 200 || response?.status === 201)
          return (await response.json()) as { post: PostView; uploads: UploadInstruction[] };
        if (response && response.status < 500) throw new Error(`create refused: ${response.status} ${await response.text()}`);
        await sleep(200);
      }
    };

    /** One phone posting: create, upload each file, and after a cut-off either resume or give up. */
    const phone = async (trial: number, i: number): Promise<Outcome> => {
      const postFiles = filesOf(i);
      const request = {
        idempotencyKey: `kill9-${trial}-${i}-${crypto.randomUUID()}`,
        audience: 'public',
        caption: `Trial ${trial}, post ${i}`,
        urgent: true, // straight to the phones, whatever the hour (quiet hours, evening digest)
        media: postFiles.map((f) => ({ contentType: f.contentType, bytes: f.bytes.length })),
      };
      const givesUp = i % 6 === 5;
      let created = await create(request);
      const outcome: Outcome = { id: created.post.id, gaveUp: false, damaged: i === POSTS - 1, acceptedAt: Date.now() };
      while (created.uploads.length > 0) {
        let cutOff = false;
        for (const upload of created.uploads) {
          if (upload.kind !== 'single') throw new Error('small files go up in one PUT');
          const file = postFiles[created.post.media.findIndex((m) => m.id === upload.mediaId)];
          const put = await fetch(upload.url, {
            method: 'PUT',
            headers: upload.headers,
            body: new Uint8Array(file?.bytes ?? []),
          }).catch(() => undefined);
          if (put?.ok) continue;
          if (put && put.status < 500) throw new Error(`upload refused: ${put.status} ${await put.text()}`);
          cutOff = true;
          break;
        }
        if (!cutOff) break;
        if (givesUp) return { ...outcome, gaveUp: true };
        await sleep(200);
        created = await create(request); // the same post, with URLs for the files it has not received
      }
      return outcome;
    };

    const postView = async (id: string): Promise<PostView | undefined> => {
      const response = await api('GET', `/api/posts/${id}`).catch(() => undefined);
      return response?.ok ? ((await response.json()) as { post: PostView }).post : undefined;
    };
    const pushesFor = (id: string) => push.received.filter((m) => m.payload.tag === `post-${id}`);
    const settled = (post: PostView | undefined) =>
      post !== undefined &&
      ((post.state === 'published' && post.live && phones.every((p) => pushesFor(post.id).some((m) => m.browserId === p.id))) ||
        post.state === 'failed');

    const report: {
      trial: number;
      killedAfterMs: number;
      restartMs: number;
      recoveryMs: number;
      published: number;
      failed: number;
    }[] = [];
    let resends = 0;
    for (let trial = 1; trial <= TRIALS; trial++) {
      // A different teacher each trial: one caller's 20 posts a trial would reach the per-caller limit
      // (100 posts in 10 minutes) by the sixth trial. Written straight into the running server's table.
      const { dynamoEndpoint } = JSON.parse(await readFile(join(dataDir, 'endpoints.json'), 'utf8')) as {
        dynamoEndpoint: string;
      };
      ({ token: adminToken } = await createToken(tableOnlyDeps({ tableName: LOCAL_NAMES.table, dynamoEndpoint }), {
        schoolId: 'demo',
        role: 'admin',
        label: `teacher ${trial}`,
      }));
      const killAfter = Math.floor(Math.random() * KILL_WITHIN_MS);
      const phonesDone = Promise.all(Array.from({ length: POSTS }, (_, i) => phone(trial, i)));
      await sleep(killAfter);
      await killServer(server);
      const restarting = Date.now();
      server = await startServer(dataDir, port, env);
      const readyAt = Date.now();
      const outcomes = await phonesDone;

      // Every accepted post reaches its end within the bound: a minute after the restart, or, for a file
      // that never came, a minute after the abandon time.
      const deadline = (o: Outcome) =>
        (o.gaveUp ? Math.max(readyAt, o.acceptedAt + ABANDON_S * 1000) : readyAt) + RECOVERY_BOUND_MS;
      const views = new Map<string, PostView | undefined>();
      let polls = 0;
      for (;;) {
        for (const o of outcomes) if (!settled(views.get(o.id))) views.set(o.id, await postView(o.id));
        const pending = outcomes.filter((o) => !settled(views.get(o.id)));
        if (pending.length === 0) break;
        if (++polls % 20 === 0)
          console.log(
            `trial ${trial}: ${Date.now() - readyAt} ms after the restart, ${pending.length} posts not settled: ` +
              pending.map((o) => `${views.get(o.id)?.status} (${pushesFor(o.id).length} pushes)`).join('; '),
          );
        const late = pending.filter((o) => Date.now() > deadline(o));
        expect(
          late.map((o) => ({ id: o.id, status: views.get(o.id)?.status, gaveUp: o.gaveUp, pushes: pushesFor(o.id).length })),
          `trial ${trial}: posts not settled in time; the server said:\n${serverOutput(server)}\n`,
        ).toEqual([]);
        await sleep(250);
      }
      const recoveryMs = Date.now() - readyAt;
      const { dynamo, s3 } = await emulatorClients();

      // Published exactly once, or failed with a reason; the damaged file fails with its own words.
      const { Items: entries = [] } = await dynamo.send(
        new QueryCommand({
          TableName: LOCAL_NAMES.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': tableKeys.feedPartition(channel.public('demo').id) },
          ConsistentRead: true,
        }),
      );
      for (const o of outcomes) {
        const post = views.get(o.id) as PostView;
        const inFeed = entries.filter((e) => String(e.sk).endsWith(`#${o.id}`)).length;
        if (o.damaged) expect(post.failure?.message, `trial ${trial}`).toMatch(/^This file is damaged/);
        if (post.state === 'failed') {
          expect(post.failure?.message, `trial ${trial}: ${o.id} failed without a reason`).toBeTruthy();
          expect(post.status).toBe(`Failed: ${post.failure?.message}`);
          expect(o.gaveUp || o.damaged, `trial ${trial}: ${o.id} failed: ${post.failure?.message}`).toBe(true);
          expect(inFeed).toBe(0);
          expect(pushesFor(o.id)).toEqual([]);
        } else {
          expect(inFeed, `trial ${trial}: ${o.id} in the school's index`).toBe(1);
          for (const p of phones) {
            const shown = pushesFor(o.id).filter((m) => m.browserId === p.id);
            // One notification on the phone: any resend carries the same Topic and replaces it.
            expect(new Set(shown.map((m) => m.topic)).size, `trial ${trial}: ${o.id} on phone ${p.id}`).toBe(1);
            resends += shown.length - 1;
          }
        }
      }
      // Nothing left behind in the incoming bucket: every original was processed and deleted, or removed.
      const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: LOCAL_NAMES.incomingBucket }));
      expect(
        Contents.map((c) => c.Key),
        `trial ${trial}: originals left in incoming/`,
      ).toEqual([]);

      const published = outcomes.filter((o) => views.get(o.id)?.state === 'published').length;
      report.push({
        trial,
        killedAfterMs: killAfter,
        restartMs: readyAt - restarting,
        recoveryMs,
        published,
        failed: POSTS - published,
      });
      console.log(
        `trial ${trial}: killed after ${killAfter} ms, restarted in ${readyAt - restarting} ms, ` +
          `all settled ${recoveryMs} ms after the restart: ${published} published, ${POSTS - published} failed ` +
          `(${outcomes.filter((o) => o.gaveUp).length} phones gave up)`,
      );
    }
    expect(push.problems).toEqual([]);
    const longest = report.reduce((a, b) => (b.recoveryMs > a.recoveryMs ? b : a));
    console.log(
      `${TRIALS} trials × ${POSTS} posts: ${report.reduce((n, r) => n + r.published, 0)} published once, ` +
        `${report.reduce((n, r) => n + r.failed, 0)} failed with a reason, 0 lost, 0 shown twice ` +
        `(${resends} same-Topic resends); longest recovery ${longest.recoveryMs} ms (trial ${longest.trial}); ` +
        `longest restart ${Math.max(...report.map((r) => r.restartMs))} ms`,
    );
  } finally {
    await killServer(server);
    await push.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}, 3_600_000);
