import * as z from 'zod';
import { byQueueUrlField, queueUrlEnv } from './queues';

/**
 * The whole runtime configuration, read once from the environment and validated.
 * On AWS the stack sets these; the embedded default sets them to loopback endpoints.
 */
export const configSchema = z.object({
  region: z.string().default('eu-west-2'),
  tableName: z.string().min(1),
  incomingBucket: z.string().min(1),
  siteBucket: z.string().min(1),
  /** Base URL of the public site (CloudFront in AWS, the local server locally), no trailing slash. */
  publicUrl: z.url().transform((u) => u.replace(/\/+$/, '')),
  /**
   * The URL of each queue the domain sends to (`mediaQueueUrl`, `fanoutQueueUrl`, …: the registry's `app`
   * queues, aws/queues.ts, each in its `CORRIDOR_<NAME>_QUEUE_URL`); locally these name in-process queues.
   */
  ...byQueueUrlField(() => z.string().min(1)),
  /**
   * Videos longer than this many seconds are split into pieces encoded in parallel; shorter ones are one
   * job. 60 s and pieces of 20 s: the measurements behind both are in docs/media.md.
   */
  videoSplitAfterSeconds: z.coerce.number().min(0).default(60),
  videoSegmentSeconds: z.coerce.number().min(1).default(20),
  /**
   * Entries per feed document and per archive page (RFC 5005). Fixed for the life of a deployment:
   * archive pages are numbered by it. Tests make it small to exercise archives with a few posts.
   */
  feedPageSize: z.coerce.number().int().min(1).max(500).default(50),
  /**
   * How long after a post asked to upload a file the sweeper gives up waiting for it: the file fails its
   * post with a reason, and whatever arrived of it is removed. A day lets a phone resume a large upload
   * after a night without signal (each part URL lasts an hour, and asking again gives fresh ones).
   */
  abandonUploadsAfterSeconds: z.coerce
    .number()
    .int()
    .min(1)
    .default(24 * 3600),
  /** Emulator endpoints; absent on AWS. */
  dynamoEndpoint: z.url().optional(),
  s3Endpoint: z.url().optional(),
  /** Where browsers and phones send presigned uploads, when it differs from s3Endpoint (local proxy). */
  s3PublicEndpoint: z.url().optional(),
  sesEndpoint: z.url().optional(),
  sqsEndpoint: z.url().optional(),
  /** CloudFront distribution to invalidate on retract; absent locally (the local cache is told directly). */
  cdnDistributionId: z.string().optional(),
  /** Folder holding ffmpeg and ffprobe (a Lambda layer on AWS); absent means they are on PATH. */
  ffmpegDir: z.string().optional(),
  /**
   * Folder holding the face detector's model (yunet.onnx): on Lambda beside the bundle, where
   * infra/lambda.ts copies it; absent means the repository's, beside core/media/faces/detect.ts.
   */
  faceModelDir: z.string().optional(),
  /** The sender of Corridor's emails (an address of the SES identity on AWS); a local one when absent. */
  emailFrom: z.string().min(3).optional(),
  /**
   * Served over HTTPS only: sends HSTS and marks cookies Secure. When unset it follows the public URL's
   * scheme (CloudFront is always HTTPS; the embedded default is plain HTTP on loopback).
   */
  secureTransport: z.stringbool().optional(),
  /** SES configuration set every message goes through (bounce and complaint events); absent locally. */
  sesConfigurationSet: z.string().optional(),
  /** Contact push services may use about our traffic (RFC 8292): `mailto:` or `https:`. */
  vapidSubject: z
    .string()
    .regex(/^(mailto:|https:)/)
    .optional(),
  /** Translates captions for schools that turn it on: `amazon` = Amazon Translate (set by the stack); absent: none. */
  translator: z.enum(['amazon']).optional(),
});
export type Config = z.infer<typeof configSchema>;

const envNames: Record<keyof Config, string> = {
  region: 'AWS_REGION',
  tableName: 'CORRIDOR_TABLE',
  incomingBucket: 'CORRIDOR_INCOMING_BUCKET',
  siteBucket: 'CORRIDOR_SITE_BUCKET',
  publicUrl: 'CORRIDOR_PUBLIC_URL',
  ...byQueueUrlField(queueUrlEnv),
  videoSplitAfterSeconds: 'CORRIDOR_VIDEO_SPLIT_AFTER_SECONDS',
  videoSegmentSeconds: 'CORRIDOR_VIDEO_SEGMENT_SECONDS',
  feedPageSize: 'CORRIDOR_FEED_PAGE_SIZE',
  abandonUploadsAfterSeconds: 'CORRIDOR_ABANDON_UPLOADS_AFTER_S',
  dynamoEndpoint: 'CORRIDOR_DYNAMO_ENDPOINT',
  s3Endpoint: 'CORRIDOR_S3_ENDPOINT',
  s3PublicEndpoint: 'CORRIDOR_S3_PUBLIC_ENDPOINT',
  sesEndpoint: 'CORRIDOR_SES_ENDPOINT',
  sqsEndpoint: 'CORRIDOR_SQS_ENDPOINT',
  cdnDistributionId: 'CORRIDOR_CDN_DISTRIBUTION_ID',
  ffmpegDir: 'CORRIDOR_FFMPEG_DIR',
  faceModelDir: 'CORRIDOR_FACE_ASSETS',
  emailFrom: 'CORRIDOR_EMAIL_FROM',
  secureTransport: 'CORRIDOR_SECURE_TRANSPORT',
  sesConfigurationSet: 'CORRIDOR_SES_CONFIGURATION_SET',
  vapidSubject: 'CORRIDOR_VAPID_SUBJECT',
  translator: 'CORRIDOR_TRANSLATOR',
};

/** Reads the configuration from environment variables; throws a readable error naming each bad variable. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(
    Object.entries(envNames)
      .map(([key, name]) => [key, env[name] === '' ? undefined : env[name]])
      .filter(([, value]) => value !== undefined),
  );
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${envNames[i.path[0] as keyof Config] ?? i.path.join('.')}: ${i.message}`);
    throw new Error(`Corridor configuration is invalid:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

/** The environment variables that carry a configuration (for Lambda environments and child processes). */
export function configToEnv(
  config: { [K in keyof Config]?: Config[K] | z.input<typeof configSchema>[K] },
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [envNames[key as keyof Config], String(value)]),
  );
}

/** Whether the deployment is HTTPS-only (see `secureTransport`). */
export const servesOnlyHttps = (config: Config): boolean => config.secureTransport ?? config.publicUrl.startsWith('https:');

/** The origin browsers upload files to: the local proxy, or the incoming bucket's virtual-host endpoint. */
export function uploadOrigin(config: Config): string {
  const endpoint = config.s3PublicEndpoint ?? config.s3Endpoint;
  return endpoint ? new URL(endpoint).origin : `https://${config.incomingBucket}.s3.${config.region}.amazonaws.com`;
}
