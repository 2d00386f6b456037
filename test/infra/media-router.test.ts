import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createdObjects } from '../../functions/core/media/s3-event';
import { awsPorts, routerHandler } from '../../infra/media-router/handler';
import { type Lane, laneOf, type RouterPorts, routeMessage } from '../../infra/media-router/route';
import { corpusPath } from '../helpers/corpus';

const BUCKET = 'corridor-test-uploads';

/** A real S3 event notification (the structure S3 puts in the SQS body), version 2.1. */
function s3Notification(keys: string[]): string {
  return JSON.stringify({
    Records: keys.map((key) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'eu-west-2',
      eventTime: '2026-11-23T09:15:02.123Z',
      eventName: 'ObjectCreated:CompleteMultipartUpload',
      userIdentity: { principalId: 'AWS:AROAEXAMPLE:corridor-api' },
      requestParameters: { sourceIPAddress: '81.2.69.160' },
      responseElements: {
        'x-amz-request-id': 'C3D13FE58DE4C810',
        'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
      },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'NjA5ZTQ2ZDItZDcyYy00YjZhLWE0ZGMtNmU1YzQ4YjU0Yjk0',
        bucket: { name: BUCKET, ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: `arn:aws:s3:::${BUCKET}` },
        // S3 URL-encodes keys in notifications, with '+' for spaces.
        object: {
          key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'),
          size: 1024,
          eTag: 'd41d8cd98f00b204e9800998ecf8427e',
          sequencer: '0055AED6DCD90281E5',
        },
      },
    })),
  });
}

/** What S3 sends once when the notification is configured. */
const testEvent = JSON.stringify({
  Service: 'Amazon S3',
  Event: 's3:TestEvent',
  Time: '2026-11-23T09:00:00.000Z',
  Bucket: BUCKET,
  RequestId: '5582815E1AEA5ADF',
  HostId: '8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE',
});

function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `AQEB${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1763889302123',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1763889302130',
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-2:123456789012:prod-corridor-Corridor-MediaQueue',
    awsRegion: 'eu-west-2',
  };
}

const context = {
  functionName: 'media-router',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;
const head = (name: string) => readFileSync(corpusPath(name)).subarray(0, 64);

/** Fake ports over an in-memory bucket: records where each body went. */
function memoryPorts(objects: Record<string, Buffer>, failOn?: string) {
  const sent: { lane: Lane; body: string }[] = [];
  const ports: RouterPorts = {
    readHead: async (_bucket, key, bytes) => {
      if (key === failOn) throw new Error('S3 is having a bad day');
      return objects[key]?.subarray(0, bytes);
    },
    forward: async (lane, body) => {
      sent.push({ lane, body });
    },
  };
  return { ports, sent };
}

describe('media router: which worker gets an upload (real phone files from the corpus)', () => {
  const cases: [string, Lane][] = [
    ['photo_iphone5_gps_orient3.jpg', 'image'],
    ['heic_iphone13promax_orient6.heic', 'image'],
    ['avif_iphone3gs_exif.avif', 'image'],
    ['webp_htc_desire_exif_gps.webp', 'image'],
    ['gif_animated_rotating_squares.gif', 'image'],
    ['video_iphone6_h264_rot90_gps.mov', 'av'],
    ['video_android6_h264_gps.mp4', 'av'],
    ['video_3gpp_h263_amr.3gp', 'av'],
    ['video_vp8_vorbis_bbb.webm', 'av'],
    ['audio_iphone_voice_memo.m4a', 'av'],
    ['audio_mp3_lame_vbr.mp3', 'av'],
    ['audio_amr_nb.amr', 'av'],
    ['audio_opus_mono.opus', 'av'],
    ['audio_pcm16_stereo.wav', 'av'],
  ];
  for (const [file, lane] of cases) {
    it(`${file} → ${lane}`, () => expect(laneOf(head(file))).toBe(lane));
  }

  it('anything not clearly audio/video goes to the image worker, which records the rejection or settles the duplicate', () => {
    expect(laneOf(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBe('image');
    expect(laneOf(Buffer.from('%PDF-1.7'))).toBe('image');
    expect(laneOf(Buffer.alloc(0))).toBe('image');
    expect(laneOf(undefined)).toBe('image');
  });
});

describe('media router: messages', () => {
  const photo = 'incoming/st-marys/01HZXPOST/photo1';
  const video = 'incoming/st-marys/01HZXPOST/video1';
  const objects = { [photo]: head('heic_iphone8_gps.heic'), [video]: head('video_iphone6_h264_rot90_gps.mov') };

  it('drops the s3:TestEvent S3 sends when the notification is set up', async () => {
    const { ports, sent } = memoryPorts(objects);
    expect(await routeMessage(ports, testEvent)).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('splits a notification with several objects: each worker gets only its own, in the shape it reads', async () => {
    const { ports, sent } = memoryPorts(objects);
    expect(await routeMessage(ports, s3Notification([photo, video]))).toEqual(['image', 'av']);
    expect(sent.map((s) => s.lane)).toEqual(['image', 'av']);
    expect(sent.map((s) => createdObjects(JSON.parse(s.body)))).toEqual([
      [{ bucket: BUCKET, key: photo }],
      [{ bucket: BUCKET, key: video }],
    ]);
  });

  it('keeps keys intact through the URL-encoding round trip', async () => {
    const odd = 'incoming/st-marys/01HZXPOST/a_b-c';
    const { ports, sent } = memoryPorts({ [odd]: head('photo_iphone5_gps_orient3.jpg') });
    await routeMessage(ports, s3Notification([odd]));
    expect(createdObjects(JSON.parse(sent[0]!.body))).toEqual([{ bucket: BUCKET, key: odd }]);
  });

  it('an SQS batch where one record fails: only that record is reported for retry', async () => {
    const { ports, sent } = memoryPorts(objects, video);
    const event: SQSEvent = {
      Records: [
        sqsRecord('m-1', s3Notification([photo])),
        sqsRecord('m-2', s3Notification([video])),
        sqsRecord('m-3', testEvent),
      ],
    };
    const response = await routerHandler(ports)(event, context);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
    expect(sent.map((s) => s.lane)).toEqual(['image']);
  });

  it('a body that is not JSON fails only its own record', async () => {
    const { ports } = memoryPorts(objects);
    const event: SQSEvent = { Records: [sqsRecord('ok', s3Notification([photo])), sqsRecord('bad', 'not json')] };
    expect(await routerHandler(ports)(event, context)).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
  });
});

describe('media router: ranged reads with the real SDK against s3rver', () => {
  let server: S3rver;
  let dir: string;
  let ports: RouterPorts;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'corridor-router-'));
    server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true, configureBuckets: [{ name: BUCKET }] });
    const { port } = await server.run();
    const s3 = new S3Client({
      region: 'eu-west-2',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'incoming/s/p/video',
        Body: readFileSync(corpusPath('video_android6_h264_gps.mp4')),
      }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'incoming/s/p/photo',
        Body: readFileSync(corpusPath('photo_android_pixel_gps.jpg')),
      }),
    );
    ports = awsPorts({}, { s3 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads only the first 64 bytes', async () => {
    const bytes = await ports.readHead(BUCKET, 'incoming/s/p/video', 64);
    expect(bytes?.length).toBe(64);
    expect(laneOf(bytes)).toBe('av');
    expect(laneOf(await ports.readHead(BUCKET, 'incoming/s/p/photo', 64))).toBe('image');
  });

  it('a missing original (already processed and deleted) reads as undefined, not an error', async () => {
    expect(await ports.readHead(BUCKET, 'incoming/s/p/gone', 64)).toBeUndefined();
  });

  it('forwarding without a queue URL is an error (the record is retried, not lost)', async () => {
    await expect(ports.forward('av', '{}')).rejects.toThrow(/no queue URL for the av worker/);
  });
});
