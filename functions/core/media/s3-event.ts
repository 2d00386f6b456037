import * as z from 'zod';

/**
 * The S3 event notification that reaches the media worker (inside an SQS message body on AWS, and
 * from s3rver locally). https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
const s3EventSchema = z.object({
  Records: z
    .array(
      z.object({
        eventName: z.string(),
        s3: z.object({
          bucket: z.object({ name: z.string() }),
          object: z.object({ key: z.string(), size: z.number().optional() }),
        }),
      }),
    )
    .default([]),
});

/** The uploaded objects an S3 notification announces. A `s3:TestEvent` (sent on setup) has none. */
export function createdObjects(body: unknown): { bucket: string; key: string }[] {
  const event = s3EventSchema.parse(body);
  return event.Records.filter((r) => r.eventName.startsWith('ObjectCreated')).map((r) => ({
    bucket: r.s3.bucket.name,
    // Keys arrive URL-encoded with '+' for spaces.
    key: decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')),
  }));
}

/** An S3-shaped notification for one object: the sweeper uses it to re-drive a lost event. */
export function objectCreatedEvent(bucket: string, key: string) {
  return {
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: bucket }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/') } },
      },
    ],
  };
}
