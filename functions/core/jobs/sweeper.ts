import { incomingKey } from '../../aws/keys';
import { leaseLive } from '../../aws/lease';
import { expireTaskLeases } from '../channels/task-store';
import { applyRetention } from '../data-protection/retention';
import type { Deps } from '../deps';
import { originalExists } from '../media/incoming-store';
import { expireMediaLease } from '../media/item-store';
import { redriveNotification } from '../notify/outbox';
import { outboxRecordSchema } from '../notify/outbox-records';
import { lifecycleContext, settlePost } from '../posts/settle';
import { getPostWithMedia } from '../posts/store';
import { applyEvent } from '../posts/transition';
import { abandonStalledUploads } from './media/abandon';
import { reconcilePendingIndex, stalled } from './pending-store';
import { resumeYearChange } from './year/apply';
import { removeDueLeavers } from './year/leavers';

/** Work younger than this is presumed in flight, not stuck. */
export const SWEEP_GRACE_MS = 2 * 60 * 1000;

export interface SweepOptions {
  graceMs?: number;
  /**
   * Leases taken before this instant are void: media leases and fan-out task leases alike. Only for a
   * single-process runtime at start-up, when no worker of the process that took them can be alive (the
   * embedded default after a crash). Leases taken since — by the queues already delivering again — stand.
   */
  reclaimLeasesBefore?: Date;
  /**
   * First rebuild the index entries of every pending item from the table (see pending-store.ts): the
   * embedded default at start-up, whose index may have missed an item when the process was killed.
   */
  reconcileIndex?: boolean;
}

export interface SweepReport {
  /** Pending items whose index entries were rewritten from the table (local start-up only). */
  indexRepaired: number;
  fanoutRedriven: number;
  /** Fan-out tasks whose lease, held by a killed process, was voided (local start-up only). */
  fanoutLeasesReclaimed: number;
  mediaRedriven: number;
  /** Processing posts whose files had all settled but the post had not (a crash in between). */
  settleRedriven: number;
  /** Processing posts failed because an upload never arrived in time (and their stray files removed). */
  uploadsAbandoned: number;
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
 * message, a crash), an upload that arrived but whose event was lost (a server killed mid-way), a post
 * whose files all settled but which was not settled itself, an upload that never arrives (its post fails
 * after `config.abandonUploadsAfterSeconds`), and a notification claimed but never sent.
 * Safe to run at any time and any number of times: every consumer is idempotent.
 */
export async function sweep(deps: Deps, options: SweepOptions = {}): Promise<SweepReport> {
  const cutoff = new Date(deps.now().getTime() - (options.graceMs ?? SWEEP_GRACE_MS)).toISOString();
  const report: SweepReport = {
    indexRepaired: options.reconcileIndex ? await reconcilePendingIndex(deps) : 0,
    fanoutRedriven: 0,
    fanoutLeasesReclaimed: 0,
    mediaRedriven: 0,
    settleRedriven: 0,
    uploadsAbandoned: 0,
    scheduledReleased: 0,
    retentionRetracted: 0,
    notificationsRedriven: 0,
    yearChangesFinished: 0,
    leaversRemoved: 0,
  };
  // Scheduled posts whose time has come ("publish at 15:30"): the sweeper runs every 5 minutes on AWS
  // (infra SWEEP_EVERY) and every minute with `npm start`, so a post goes live up to that much late.
  for (const item of await stalled(deps, 'scheduled', deps.now().toISOString())) {
    const current = await getPostWithMedia(deps, String(item.id));
    if (current?.post.state !== 'scheduled') continue;
    if (await applyEvent(deps, current.post, { kind: 'due' }, await lifecycleContext(deps, current.post)))
      report.scheduledReleased++;
  }
  for (const item of await stalled(deps, 'fanout', cutoff)) {
    if (options.reclaimLeasesBefore)
      report.fanoutLeasesReclaimed += await expireTaskLeases(deps, String(item.id), options.reclaimLeasesBefore);
    await deps.queues.fanout({ kind: item.state === 'retracted' ? 'retract' : 'publish', postId: String(item.id) });
    report.fanoutRedriven++;
  }
  for (const item of await stalled(deps, 'media', cutoff)) {
    const key = incomingKey(String(item.schoolId), String(item.postId), String(item.id));
    if (item.state === 'processing') {
      if (options.reclaimLeasesBefore)
        await expireMediaLease(deps, { postId: String(item.postId), mediaId: String(item.id) }, options.reclaimLeasesBefore);
      else if (leaseLive(item.leaseUntil, deps.now())) continue; // a live worker has it
    }
    if (!(await originalExists(deps, key))) continue; // not uploaded yet: nothing to do until it is (or it is abandoned below)
    await deps.queues.media({ key });
    report.mediaRedriven++;
  }
  // Processing posts: settle those whose files all settled, fail those whose uploads never came.
  for (const item of await stalled(deps, 'settle', cutoff)) {
    const current = await getPostWithMedia(deps, String(item.id));
    if (current?.post.state !== 'processing') continue;
    if (await abandonStalledUploads(deps, current, (key) => originalExists(deps, key))) report.uploadsAbandoned++;
    if (await settlePost(deps, current.post.id)) report.settleRedriven++;
  }
  // Notifications: a plan whose job was lost, or a claim whose sender crashed before sending.
  for (const item of await stalled(deps, 'notify', cutoff)) {
    if (item.type === 'outbox-plan') {
      await deps.queues.fanout({ kind: 'notify', postId: String(item.postId) });
      report.notificationsRedriven++;
    } else if ((await redriveNotification(deps, outboxRecordSchema.parse(item), new Date(cutoff))) !== 'lost')
      report.notificationsRedriven++;
  }
  for (const item of await stalled(deps, 'yearChange', cutoff)) {
    if (await resumeYearChange(deps, String(item.id))) report.yearChangesFinished++;
  }
  report.leaversRemoved = await removeDueLeavers(deps);
  report.retentionRetracted = await applyRetention(deps);
  return report;
}
