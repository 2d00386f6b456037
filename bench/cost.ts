import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { buildClients } from '../functions/aws/clients';
import { startCorridorEmulators } from '../functions/local/runtime';
import { SWEEP_EVERY, sizing } from '../infra/corridor';
import { LAMBDA_ARCHITECTURE } from '../infra/lambda';
import { synth } from '../test/infra/synth';
import { itemBytes } from './cost/meter';
import { blend, costLines, FLEET, type FleetFixed, mean, type Usage, usageOf } from './cost/model';
import { type LambdaArchitecture, PRICES_AS_OF, PRICES_REGION } from './cost/prices';
import { CostSample, type FunctionName, type PostMeasure } from './cost/sample';
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
const SAMPLE = { schools: 3, postsPerSchool: 10 };
const SWEEP_RUNS = 5;

const memoryMb: Record<FunctionName, number> = {
  api: sizing.api.memory,
  router: sizing.router.memory,
  image: sizing.image.memory,
  av: sizing.av.memory,
  fanout: sizing.fanout.memory,
  sweeper: sizing.sweeper.memory,
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
  const emulators = await startCorridorEmulators(dataDir);
  try {
    const sample = CostSample.create(emulators, 'https://d111111abcdef8.cloudfront.net');
    // Warm-up (not counted): the first photo and video load sharp, libheif and ffmpeg, as a cold start would.
    const warm = await sample.addSchool('warm-up');
    await sample.post('warm-up', warm, PHOTOS[0] ?? VIDEO);
    await sample.post('warm-up', warm, VIDEO);

    const measures: PostMeasure[] = [];
    let tableGrowth = 0;
    const tokens: string[] = [];
    for (let s = 0; s < SAMPLE.schools; s++) {
      const school = `school-${s + 1}`;
      const token = await sample.addSchool(school);
      tokens.push(token);
      await sample.prefill(token, sample.deps.config.feedPageSize);
      const tableBefore = await tableBytes(sample);
      for (let p = 0; p < SAMPLE.postsPerSchool; p++) {
        const file = p === SAMPLE.postsPerSchool - 1 ? VIDEO : (PHOTOS[(s * SAMPLE.postsPerSchool + p) % PHOTOS.length] ?? VIDEO);
        measures.push(await sample.post(school, token, file));
      }
      tableGrowth += (await tableBytes(sample)) - tableBefore;
    }
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
    const photo = mean(photos.map((m) => usageOf(m, memoryMb)));
    const video = mean(videos.map((m) => usageOf(m, memoryMb)));
    const average = blend([
      { usage: photo, weight: 1 - FLEET.videoShare },
      { usage: video, weight: FLEET.videoShare },
    ]);
    const fixed: FleetFixed = {
      sweepsPerMonth: (30 * 24 * 60) / SWEEP_EVERY.toMinutes(),
      sweepGbSeconds: ((sweep?.billedMs ?? 0) / 1000) * (memoryMb.sweeper / 1024),
      sweepReadUnits: sweep?.tally.readUnits ?? 0,
      alarms: Object.keys(synth().template.findResources('AWS::CloudWatch::Alarm')).length,
    };
    const arch = LAMBDA_ARCHITECTURE.name as LambdaArchitecture;

    const videoSeconds = videos.reduce((sum, m) => sum + (m.videoSeconds ?? 0), 0) / Math.max(1, videos.length);
    console.log(
      `\nCost model — ${measures.length} posts (${photos.length} photo, ${videos.length} video) at ${SAMPLE.schools} schools through the real handlers on the emulators;` +
        `\nphotos: ${PHOTOS.length} corpus files in turn; video: ${VIDEO.path.split('/').pop()} (${videoSeconds.toFixed(1)} s). Lambda ${arch}, durations measured on this machine.`,
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
        '\n  Not counted: cold-start init, CloudWatch Logs, the compute of delivery, digest and e-mail-events (the sample has no families), free tiers.',
    );
  } finally {
    await emulators.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
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
      const entries = measures.flatMap((m) => (m.lambda[name] ? [m.lambda[name]] : []));
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
