import { HeadObjectCommand, NotFound } from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../../aws/dynamo';
import { incomingKey, tableKeys } from '../../aws/keys';
import { applyRetention } from '../data-protection/retention';
import type { Deps } from '../deps';
import { outboxRecordSchema, redriveNotification } from '../notify/outbox';
import { lifecycleContext } from '../posts/settle';
import { getPostWithMedia, pendingPartitions } from '../posts/store';
import { applyEvent } from '../posts/transition';
import { resumeYearChange } from '../schools/year/apply';
import { removeDueLeavers } from '../schools/year/leavers';

/** Work younger than this is presumed in flight, not stuck. */
export const SWEEP_GRACE_MS = 2 * 60 * 1000;

export interface SweepOptions {
  graceMs?: number;
  /**
   * Treat every processing lease as expired. Only for a single-process runtime at start-up, when no
   * worker can be alive: the embedded default after a crash.
   */
  reclaimLeases?: boolean;
}

export interface SweepReport {
  fanoutRedriven: number;
  mediaRedriven: number;
  scheduledReleased: number;
  /** Posts taken down because their school's retention period passed (once a day per school). */
  retentionRetracted: number;
  /** Notification sends re-driven: a lost job, or a claim whose sender crashed. */
  notificationsRedriven: number;
  /** Changes of school year a crash left under way, finished now. */
  yearChangesFinished: number;
  /** Leaving families removed at the end of their grace period. */
  leaversRemoved: number;
}

/**
 * Re-drives anything stuck in an intermediate state: a post whose fan-out never confirmed (a lost
 * message, a crash), an upload that arrived but whose event was lost (a server killed mid-way), and a
 * notification claimed but never sent.
 * Safe to run at any time and any number of times: every consumer is idempotent.
 */
export async function sweep(deps: Deps, options: SweepOptions = {}): Promise<SweepReport> {
  const cutoff = new Date(deps.now().getTime() - (options.graceMs ?? SWEEP_GRACE_MS)).toISOString();
  const report: SweepReport = {
    fanoutRedriven: 0,
    mediaRedriven: 0,
    scheduledReleased: 0,
    retentionRetracted: 0,
    notificationsRedriven: 0,
    yearChangesFinished: 0,
    leaversRemoved: 0,
  };
  // Scheduled posts whose time has come ("publish at 15:30"): the sweeper runs every minute.
  for (const item of await stalled(deps, pendingPartitions.scheduled, deps.now().toISOString())) {
    const current = await getPostWithMedia(deps, String(item.id));
    if (current?.post.state !== 'scheduled') continue;
    if (await applyEvent(deps, current.post, { kind: 'due' }, await lifecycleContext(deps, current.post)))
      report.scheduledReleased++;
  }
  for (const item of await stalled(deps, pendingPartitions.fanout, cutoff)) {
    await deps.queues.fanout({ kind: item.state === 'retracted' ? 'retract' : 'publish', postId: String(item.id) });
    report.fanoutRedriven++;
  }
  for (const item of await stalled(deps, pendingPartitions.media, cutoff)) {
    const key = incomingKey(String(item.schoolId), String(item.postId), String(item.id));
    if (item.state === 'processing') {
      if (options.reclaimLeases) await expireLease(deps, String(item.postId), String(item.id));
      else if (String(item.leaseUntil ?? '') > deps.now().toISOString()) continue;
    }
    if (!(await exists(deps, key))) continue; // not uploaded yet: nothing to do until it is
    await deps.queues.media({ key });
    report.mediaRedriven++;
  }
  // Notifications: a plan whose job was lost, or a claim whose sender crashed before sending.
  for (const item of await stalled(deps, pendingPartitions.notify, cutoff)) {
    if (item.type === 'outbox-plan') {
      await deps.queues.fanout({ kind: 'notify', postId: String(item.postId) });
      report.notificationsRedriven++;
    } else if ((await redriveNotification(deps, outboxRecordSchema.parse(item))) !== 'lost') report.notificationsRedriven++;
  }
  for (const item of await stalled(deps, pendingPartitions.yearChange, cutoff)) {
    if (await resumeYearChange(deps, String(item.id))) report.yearChangesFinished++;
  }
  report.leaversRemoved = await removeDueLeavers(deps);
  report.retentionRetracted = await applyRetention(deps);
  return report;
}

/** Items of a pending partition whose sort key (a time) is before `cutoff`. */
function stalled(deps: Deps, partition: string, cutoff: string): Promise<Record<string, unknown>[]> {
  return queryAll(deps.clients.dynamo, {
    TableName: deps.config.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :cutoff',
    ExpressionAttributeValues: { ':pk': partition, ':cutoff': cutoff },
  });
}

async function exists(deps: Deps, key: string): Promise<boolean> {
  try {
    await deps.clients.s3.send(new HeadObjectCommand({ Bucket: deps.config.incomingBucket, Key: key }));
    return true;
  } catch (error) {
    if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return false;
    throw error;
  }
}

async function expireLease(deps: Deps, postId: string, mediaId: string): Promise<void> {
  await deps.clients.dynamo.send(
    new UpdateCommand({
      TableName: deps.config.tableName,
      Key: tableKeys.media(postId, mediaId),
      UpdateExpression: 'SET leaseUntil = :expired',
      ExpressionAttributeValues: { ':expired': new Date(0).toISOString() },
    }),
  );
}
