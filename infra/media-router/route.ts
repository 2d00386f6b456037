import type { RouterQueueName } from '../../functions/aws/queues';
import { createdObjects, objectCreatedEvent } from '../../functions/core/media/s3-event';
import { SNIFF_BYTES, sniff } from '../../functions/core/media/sniff';

/** The two media workers' queues (the registry's `router` queues): sharp for images, ffmpeg for audio and video. */
export type Lane = RouterQueueName;

/** What routing needs from the outside world (S3 and SQS on AWS; fakes in tests). */
export interface RouterPorts {
  /** The first `bytes` bytes of an object; `undefined` when it no longer exists. */
  readHead(bucket: string, key: string, bytes: number): Promise<Buffer | undefined>;
  /** Sends one S3-notification-shaped body to a worker's queue. */
  forward(lane: Lane, body: string): Promise<void>;
}

/**
 * Picks the worker for an upload from its magic bytes (the same `sniff` the worker uses), never from the
 * name or declared type. Anything that is not clearly audio/video goes to the image worker: it is the
 * cheap one, it re-sniffs, records the teacher-facing rejection for unsupported or empty files, and
 * settles duplicates whose original is already gone.
 */
export function laneOf(head: Buffer | undefined): Lane {
  if (!head) return 'image';
  try {
    return sniff(head).kind === 'image' ? 'image' : 'av';
  } catch {
    return 'image';
  }
}

/**
 * Routes one SQS message whose body is an S3 event notification. Each created object is forwarded on its
 * own (as a one-record notification, the shape the workers already read), so a message mixing kinds
 * cannot send a video to the image worker. `s3:TestEvent` (sent once when the notification is set up)
 * has no records and is dropped. Throws on S3/SQS errors so only this message is retried.
 * @returns the lane chosen for each object, in order
 */
export async function routeMessage(ports: RouterPorts, body: string): Promise<Lane[]> {
  const lanes: Lane[] = [];
  for (const object of createdObjects(JSON.parse(body))) {
    const lane = laneOf(await ports.readHead(object.bucket, object.key, SNIFF_BYTES));
    await ports.forward(lane, JSON.stringify(objectCreatedEvent(object.bucket, object.key)));
    lanes.push(lane);
  }
  return lanes;
}
