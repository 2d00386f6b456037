import type { Clients } from '../aws/clients';
import type { Config } from '../aws/config';
import type { Table } from '../aws/table';
import type { Job } from './job';
import type { Notification } from './notification';
import type { SegmentJob } from './segment-job';
import type { Translator } from './translator';

/** The worker queues (SQS on AWS, in-process queues locally). Delivery is at-least-once. */
export interface Queues {
  /** Sends a fan-out job. */
  fanout(job: Job): Promise<void>;
  /** Asks the media worker to (re)process an uploaded original, as its S3 event would. */
  media(incoming: { key: string }): Promise<void>;
  /** Hands a notification to delivery (web push, email, digest); the outbox sends each exactly once. */
  notifications(message: Notification): Promise<void>;
  /** Sends a long video's piece or join job (segment-parallel encoding). */
  segments(job: SegmentJob): Promise<void>;
}

/** Tells the CDN about changed site paths (CloudFront on AWS, the local server's cache locally). */
export interface Cdn {
  /** Content changed: short-lived index files may stay stale for their max-age. */
  changed(paths: string[]): Promise<void>;
  /** Content must vanish now (retract): CloudFront gets an invalidation. */
  removed(paths: string[]): Promise<void>;
}

/** Named points where a worker can be crashed in tests (`startLocal({ faults })`). */
export const faultPoints = [
  'fanout:after-claim',
  'fanout:mid-render',
  'fanout:before-confirm',
  'fanout:after-confirm',
  /** Between claiming a (post, family) notification and sending it. */
  'notify:after-claim',
  /** Delivery to parents: after the ledger claim, after the push/email went out, after the record. */
  'deliver:after-claim',
  'deliver:after-send',
  'deliver:after-record',
  'media:after-claim',
  'media:after-store',
  /** Between a file's `ready` and its post's settle (the post must not be left processing). */
  'media:before-settle',
  /**
   * A change of school year (core/jobs/year/apply.ts): after the school's one write, after the first
   * family moved, after a leaver was told but before that was recorded, before it is marked applied.
   */
  'year:after-start',
  'year:mid-families',
  'year:mid-tell',
  'year:before-applied',
  /** A long video: after its pieces are stored, before they are recorded and queued. */
  'segments:after-split',
  /** After a piece is encoded and stored, before it is marked done (`detail`: the piece's number). */
  'segments:after-piece',
  /** After the joined video's outputs are stored, before the item is marked ready. */
  'segments:after-join',
  /** A staff correction of a translation: stored, not yet audit-logged (`detail`: post and language). */
  'correction:after-store',
  /**
   * A school's look (core/schools/look/): saved on the school, before the artwork and pages are made
   * again. The admin sees a failure and saves again: the same look renders everything.
   */
  'look:after-save',
  /** The translate job (channels/translate-job.ts): translations stored, the pages not yet rendered again. */
  'translate:before-render',
] as const;
export type FaultPoint = (typeof faultPoints)[number];

/** Everything the domain needs from the outside world, built once per process and passed in. */
export interface Deps {
  config: Config;
  clients: Clients;
  queues: Queues;
  cdn: Cdn;
  now: () => Date;
  /** Machine translation of captions for schools that turn it on; absent: captions stay as written. */
  translator?: Translator;
  /**
   * Test-only fault injection: throws to simulate a crash at that point. `detail` names what was being
   * done (a delivery's ledger key), so a test can tell which effects a crash interrupted. Absent in
   * production. Two points await the hook, so a test can change the world there and then let the worker go
   * on: `segments:after-split` (the split in hand) and `media:after-claim` (a retract while the file is
   * processed). Every other point calls it and moves on.
   */
  faults?: (point: FaultPoint, detail?: string) => void | Promise<void>;
}

/** The table and its client, as the lease primitive (aws/lease.ts) takes them. */
export const tableOf = (deps: Deps): Table => ({ client: deps.clients.dynamo, name: deps.config.tableName });
