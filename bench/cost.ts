import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { buildClients } from '../functions/aws/clients';
import { BATCH_FAMILIES } from '../functions/core/notify/outbox-records';
import { startCorridorEmulators } from '../functions/local/runtime';
import { SWEEP_EVERY, sizing } from '../infra/corridor';
import { LAMBDA_ARCHITECTURE } from '../infra/lambda';
import { synth } from '../test/infra/synth';
import { BEFORE_BATCHED_OUTBOX, BEFORE_ISSUE_20 } from './cost/baseline';
import { itemBytes } from './cost/meter';
import { blend, type CostLine, computeOf, costLines, FLEET, type FleetFixed, mean, type Usage, usageOf } from './cost/model';
import { PHONE } from './cost/phone-view';
import { type LambdaArchitecture, PRICES_AS_OF, PRICES_REGION } from './cost/prices';
import { CostSample, type FunctionName, type PostMeasure } from './cost/sample';
import { startReceiver } from './families';
import { printColumns } from './measure';

const CORPUS = new URL('../test/corpus/', import.meta.url).pathname;
/** Real phone photos, as schools' phones send them (JPEG from Android and older iPhones, HEIC). */
const PHOTOS = [
  { path: `${CORPUS}photo_android_pixel_gps.jpg`, contentType: 'image/jpeg' },
  { path: `${CORPUS}photo_android_nexus4_gps.jpg`, contentType: 'image/jpeg' },
  { path: `${CORPUS}photo_iphone5_gps_orient3.jpg`, contentType: 'image/jpeg' },
  { path: `${CORPUS}photo_android_samsung_j3_orient6.jpg`, contentType: 'image/jpeg' },
  { path: `${CORPUS}heic_iphone8_gps.heic`, contentType: 'image/heic' },
];
/** A real iPhone clip (H.264, rotated, with GPS): short, so the sample stays quick on two cores. */
const VIDEO = { path: `${CORPUS}video_iphone6_h264_rot90_gps.mov`, contentType: 'video/quicktime' };
/**
 * The scaled-down sample: a day of posts at a few schools, one post in ten a video, as in the fleet. Each
 * school's feeds are first filled to a full page, the state every school is in after its first days.
 */
const SAMPLE = { schools: 3, postsPerSchool: 10, familiesPerSchool: 20 };
/** The sample's families stand for the fleet's: delivery and digest work scale with their number. */
const FAMILY_SCALE = FLEET.familiesPerSchool / SAMPLE.familiesPerSchool;
/** Bounces reported by SES in the sample (each through the e-mail-events function). */
const SAMPLE_BOUNCES = 10;
const SWEEP_RUNS = 5;

const memoryMb: Record<FunctionName, number> = {
  api: sizing.api.memory,
  router: sizing.router.memory,
  image: sizing.image.memory,
  av: sizing.av.memory,
  fanout: sizing.fanout.memory,
  sweeper: sizing.sweeper.memory,
  deliver: sizing.deliver.memory,
  digest: sizing.digest.memory,
  emailEvents: sizing.emailEvents.memory,
};

/**
 * The cost model: a day of posts at a few schools through the real handlers on the emulators, every
 * DynamoDB unit, S3 request, SQS message, Lambda millisecond and byte a family downloads counted, then
 * scaled to the fleet (1,000 schools × 10 posts a day × 300 families) at public London prices.
 *
 * Run: `npm run bench cost`.
 */
export default async function costBench(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'corridor-cost-'));
  // Lambda lines are wall times on this machine: the load they were measured under is printed with them.
  const loadAtStart = loadavg()[0] ?? 0;
  const emulators = await startCorridorEmulators(dataDir);
  const phones = await startReceiver();
  try {
    const sample = CostSample.create(emulators, 'https://d111111abcdef8.cloudfront.net');
    // Warm-up (not counted): the first photo and video load sharp, libheif and ffmpeg, as a cold start would.
    const warm = await sample.addSchool('warm-up');
    await sample.post('warm-up', warm, PHOTOS[0] ?? VIDEO);
    await sample.post('warm-up', warm, VIDEO);

    const measures: PostMeasure[] = [];
    let tableGrowth = 0;
    const tokens: string[] = [];
    const addresses: string[] = [];
    let withoutFamilies: PostMeasure | undefined;
    const digests = [];
    for (let s = 0; s < SAMPLE.schools; s++) {
      const school = `school-${s + 1}`;
      const token = await sample.addSchool(school);
      tokens.push(token);
      await sample.prefill(token, sample.deps.config.feedPageSize);
      // The same photo before and after the families join: what the outbox adds per family (below).
      if (s === 0) withoutFamilies = await sample.post(school, token, PHOTOS[0] ?? VIDEO);
      addresses.push(...(await sample.addFamilies(school, SAMPLE.familiesPerSchool, FLEET.emailShare, phones.url)));
      const tableBefore = await tableBytes(sample);
      for (let p = 0; p < SAMPLE.postsPerSchool; p++) {
        const file = p === SAMPLE.postsPerSchool - 1 ? VIDEO : (PHOTOS[(s * SAMPLE.postsPerSchool + p) % PHOTOS.length] ?? VIDEO);
        measures.push(await sample.post(school, token, file));
      }
      // The school's evening: each family's one message of the day (push or e-mail).
      digests.push(computeOf(await sample.digest(), memoryMb, FAMILY_SCALE));
      tableGrowth += (await tableBytes(sample)) - tableBefore;
    }
    const bounces = computeOf(await sample.bounces(addresses.slice(0, SAMPLE_BOUNCES)), memoryMb, 1 / SAMPLE_BOUNCES);
    const dynamoBytesPerPost = tableGrowth / measures.length;
    // Retract one post per school (after the table was measured): what an invalidation costs.
    const retracted: number[] = [];
    for (const [s, token] of tokens.entries()) {
      const first = measures[s * SAMPLE.postsPerSchool];
      if (first) retracted.push(await sample.retract(token, first.postId));
    }
    const pathsPerRetract = retracted.reduce((sum, n) => sum + n, 0) / Math.max(1, retracted.length);
    const sweeps: { tally: { readUnits: number }; billedMs: number }[] = [];
    for (let i = 0; i < SWEEP_RUNS; i++) sweeps.push(await sample.sweep());
    const sweep = sweeps.sort((a, b) => a.billedMs - b.billedMs)[Math.floor(SWEEP_RUNS / 2)] ?? sweeps[0];

    const photos = measures.filter((m) => m.kind === 'photo');
    const videos = measures.filter((m) => m.kind === 'video');
    // Publishing writes an outbox record per batch of families (and its pending-index entry): the
    // sample's families are in every post's tally; the fleet's others are added from the difference.
    const outbox = outboxBeyondSample(measures[0], withoutFamilies, FLEET.familiesPerSchool);
    const photo = mean(photos.map((m) => usageOf(m, memoryMb, FAMILY_SCALE, outbox)));
    const video = mean(videos.map((m) => usageOf(m, memoryMb, FAMILY_SCALE, outbox)));
    const average = blend([
      { usage: photo, weight: 1 - FLEET.videoShare },
      { usage: video, weight: FLEET.videoShare },
    ]);
    const digestRuns = digests.length;
    const fixed: FleetFixed = {
      digestPerSchoolDay: {
        gbSeconds: digests.reduce((sum, d) => sum + d.gbSeconds, 0) / digestRuns,
        invocations: digests.reduce((sum, d) => sum + d.invocations, 0) / digestRuns,
        readUnits: digests.reduce((sum, d) => sum + d.readUnits, 0) / digestRuns,
        writeUnits: digests.reduce((sum, d) => sum + d.writeUnits, 0) / digestRuns,
        sqsRequests: 0,
        logBytes: digests.reduce((sum, d) => sum + d.logBytes, 0) / digestRuns,
      },
      perSesEvent: bounces,
      sweepsPerMonth: (30 * 24 * 60) / SWEEP_EVERY.toMinutes(),
      sweepGbSeconds: ((sweep?.billedMs ?? 0) / 1000) * (memoryMb.sweeper / 1024),
      sweepReadUnits: sweep?.tally.readUnits ?? 0,
      alarms: Object.keys(synth().template.findResources('AWS::CloudWatch::Alarm')).length,
    };
    const arch = LAMBDA_ARCHITECTURE.name as LambdaArchitecture;

    const videoSeconds = videos.reduce((sum, m) => sum + (m.videoSeconds ?? 0), 0) / Math.max(1, videos.length);
    console.log(
      `\nCost model — ${measures.length} posts (${photos.length} photo, ${videos.length} video) at ${SAMPLE.schools} schools through the real handlers on the emulators;` +
        `\nphotos: ${PHOTOS.length} corpus files in turn; video: ${VIDEO.path.split('/').pop()} (${videoSeconds.toFixed(1)} s). Lambda ${arch}, durations measured on this machine` +
        ` (load average ${loadAtStart.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end, on ${availableParallelism()} cores: above the core count every duration is stretched).`,
    );
    printUsage(photo, video, average);
    printFunctions(measures, sweep?.billedMs ?? 0);

    const lines = costLines(average, FLEET, fixed, { dynamoBytesPerPost, pathsPerRetract }, arch);
    const perSchool = lines.reduce((sum, l) => sum + l.perSchoolMonth, 0);
    const postsPerSchoolMonth = FLEET.postsPerSchoolPerDay * FLEET.daysPerMonth;
    printColumns(
      `Cost at ${PRICES_REGION} on-demand prices of ${PRICES_AS_OF}: ${FLEET.schools.toLocaleString('en-GB')} schools × ${FLEET.postsPerSchoolPerDay} posts/day × ${FLEET.daysPerMonth} days, ${FLEET.videoShare * 100}% video, ${FLEET.familiesPerSchool} families each`,
      ['service', '$ per post', '$ per school-month'],
      [
        ...lines.map((l) => [l.service, l.perPost === undefined ? '—' : dollars(l.perPost), dollars(l.perSchoolMonth)]),
        ['total', dollars(perSchool / postsPerSchoolMonth), dollars(perSchool)],
      ],
    );
    const avGbSecondsPerVideoSecond =
      videos.reduce((sum, m) => sum + (((m.lambda.av?.billedMs ?? 0) / 1000) * (memoryMb.av / 1024)) / (m.videoSeconds ?? 1), 0) /
      Math.max(1, videos.length);
    console.log(
      `\n  a retract invalidated ${pathsPerRetract.toFixed(1)} CloudFront paths (mean of ${retracted.length}).` +
        `\n  per school-month: ${dollars(perSchool)}; fleet of ${FLEET.schools.toLocaleString('en-GB')}: ${dollars(perSchool * FLEET.schools)} a month.` +
        `\n  audio/video worker: ${avGbSecondsPerVideoSecond.toFixed(2)} GB-s per second of this clip; longer and 1080p newsletters scale with duration × pixels (docs/scale.md).` +
        `\n  delivery and digest measured with ${SAMPLE.familiesPerSchool} families a school (${FLEET.emailShare * 100}% e-mail, the rest push-first), scaled ×${FAMILY_SCALE} to ${FLEET.familiesPerSchool}.` +
        "\n  Not counted: cold-start init, the ledger's table storage for 300 families (the sample's 20 are in the DynamoDB storage line), free tiers.",
    );
    printBeforeAfter(lines, photo, average, pathsPerRetract, perSchool);
  } finally {
    await phones.stop();
    await emulators.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * What a post's publishing spends on the fleet's families beyond the sample's (the outbox), from the
 * same photo posted before and after the sample's families joined. Writes grow with the outbox's
 * records — one per batch of up to `BATCH_FAMILIES` families (core/notify/outbox-records.ts), so the
 * sample's 20 are one record and the fleet's 300 are eight — and reads (the school's families partition)
 * with the families.
 */
function outboxBeyondSample(
  withFamilies: PostMeasure | undefined,
  without: PostMeasure | undefined,
  families: number,
): Pick<Usage, 'writeUnits' | 'indexWriteUnits' | 'readUnits'> {
  const records = (n: number) => Math.ceil(n / BATCH_FAMILIES);
  const extraRecords = records(families) - records(SAMPLE.familiesPerSchool);
  const difference = (pick: (m: PostMeasure) => number) =>
    withFamilies && without ? Math.max(0, pick(withFamilies) - pick(without)) : 0;
  return {
    writeUnits: (difference((m) => m.tally.writeUnits) / records(SAMPLE.familiesPerSchool)) * extraRecords,
    indexWriteUnits: (difference((m) => m.tally.indexWriteUnits) / records(SAMPLE.familiesPerSchool)) * extraRecords,
    readUnits: (difference((m) => m.tally.readUnits) / SAMPLE.familiesPerSchool) * (families - SAMPLE.familiesPerSchool),
  };
}

/** This run's figures beside the ones before issue 20 and before the batched outbox (bench/cost/baseline.ts). */
function printBeforeAfter(lines: CostLine[], photo: Usage, average: Usage, pathsPerRetract: number, total: number): void {
  const line = (start: string) => lines.find((l) => l.service.startsWith(start))?.perSchoolMonth ?? 0;
  const before = BEFORE_ISSUE_20.dollarsPerSchoolMonth;
  const batched = BEFORE_BATCHED_OUTBOX.dollarsPerSchoolMonth;
  const row = (label: string, first: number | undefined, second: number, now: number) => [
    `$ per school-month: ${label}`,
    first === undefined ? '—' : dollars(first),
    dollars(second),
    dollars(now),
  ];
  printColumns(
    `Before issue 20, before the batched outbox, and now (a ${PHONE.viewportCssPx} px phone at ${PHONE.dpr}×, choosing from the post page's real markup: bench/cost/phone-view.ts)`,
    ['figure', 'before issue 20', 'outbox per family', 'now'],
    [
      [
        'KB one family downloads to see a photo post',
        String(BEFORE_ISSUE_20.photoFamilyKb),
        String(BEFORE_BATCHED_OUTBOX.photoFamilyKb),
        (photo.familyBytes / 1024).toFixed(0),
      ],
      [
        'KB one family downloads, mix',
        String(BEFORE_ISSUE_20.mixFamilyKb),
        String(BEFORE_BATCHED_OUTBOX.mixFamilyKb),
        (average.familyBytes / 1024).toFixed(0),
      ],
      [
        'CloudFront paths a retract invalidates',
        String(BEFORE_ISSUE_20.pathsPerRetract),
        String(BEFORE_BATCHED_OUTBOX.pathsPerRetract),
        pathsPerRetract.toFixed(1),
      ],
      row('CloudFront delivery', before.cloudfront, batched.cloudfront, line('CloudFront (')),
      row('invalidations', before.invalidations, batched.invalidations, line('CloudFront invalidations')),
      row('SES evening e-mail', before.ses, batched.ses, line('SES: the evening')),
      row('DynamoDB writes, publishing (the outbox)', undefined, batched.dynamoWrites, line('DynamoDB writes')),
      row('delivery (deliver function)', undefined, batched.delivery, line('Delivery to')),
      row('Lambda compute, publishing', undefined, batched.lambdaPublishing, line('Lambda compute')),
      row('total', before.total, batched.total, total),
    ],
  );
}

function printUsage(photo: Usage, video: Usage, average: Usage): void {
  const row = (label: string, pick: (u: Usage) => number, digits = 1) => [
    label,
    ...[photo, video, average].map((u) => pick(u).toFixed(digits)),
  ];
  printColumns(
    'Measured per post (mean of the sample; mix = 90% photo, 10% video)',
    ['quantity', 'photo', 'video', 'mix'],
    [
      row('DynamoDB write units, table', (u) => u.writeUnits),
      row('DynamoDB write units, gsi1', (u) => u.indexWriteUnits),
      row('DynamoDB read units', (u) => u.readUnits),
      row('S3 PUT/LIST requests', (u) => u.s3PutClass),
      row('S3 GET/HEAD requests (incl. CloudFront fills)', (u) => u.s3GetClass),
      row('SQS requests', (u) => u.sqsRequests),
      row('Lambda invocations', (u) => u.lambdaInvocations),
      row('Lambda GB-seconds', (u) => u.lambdaGbSeconds, 2),
      row('API requests', (u) => u.apiRequests),
      row('KB kept in the site bucket', (u) => u.storedBytes / 1024, 0),
      row('KB one family downloads to see it', (u) => u.familyBytes / 1024, 0),
      row('CloudFront requests per family', (u) => u.familyRequests),
      row('KB logged (write path)', (u) => u.logBytes / 1024),
      row('Delivery to 300 families: Lambda GB-s', (u) => u.delivery.gbSeconds, 2),
      row('Delivery to 300 families: DynamoDB units', (u) => u.delivery.readUnits + u.delivery.writeUnits, 0),
      row('Delivery to 300 families: SQS requests', (u) => u.delivery.sqsRequests, 0),
    ],
  );
}

/** Each function's memory (infra `sizing`) and its mean billed time per invocation in the sample. */
function printFunctions(measures: PostMeasure[], sweepMs: number): void {
  const names = Object.keys(memoryMb) as FunctionName[];
  printColumns(
    'Lambda per invocation (mean billed duration on this machine × memory from infra/corridor.ts)',
    ['function', 'memory MB', 'invocations', 'mean ms', 'GB-s each'],
    names.map((name) => {
      const entries = measures.flatMap((m) => [m.lambda[name], m.delivery.lambda[name]].filter((e) => e !== undefined));
      const invocations = name === 'sweeper' ? 1 : entries.reduce((sum, e) => sum + e.invocations, 0);
      const ms = name === 'sweeper' ? sweepMs : entries.reduce((sum, e) => sum + e.billedMs, 0) / Math.max(1, invocations);
      return [
        name,
        String(memoryMb[name]),
        String(invocations),
        ms.toFixed(0),
        ((ms / 1000) * (memoryMb[name] / 1024)).toFixed(3),
      ];
    }),
  );
}

/** Sum of the table's item sizes, read on an uncounted client. */
async function tableBytes(sample: CostSample): Promise<number> {
  const { dynamo } = buildClients(sample.deps.config);
  let total = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: sample.deps.config.tableName, ExclusiveStartKey: startKey }));
    total += (page.Items ?? []).reduce((sum, item) => sum + itemBytes(item), 0);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return total;
}

function dollars(value: number): string {
  if (value === 0) return '$0';
  if (value >= 100) return `$${Math.round(value).toLocaleString('en-GB')}`;
  return `$${value.toPrecision(3)}`;
}
