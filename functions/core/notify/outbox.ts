import { addKeys } from '../../aws/telemetry';
import type { Deps } from '../deps';
import { listFamilies, reachesFamily } from '../families/family';
import { postPublished } from '../notification';
import type { Post } from '../posts/post';
import { getPostWithMedia } from '../posts/store';
import { BATCH_FAMILIES, type OutboxRecord } from './outbox-records';
import { claimBatch, completePlan, createPlan, markSent, readPlan, readRecords, settleRecord, takeOver } from './outbox-store';

/**
 * The notification outbox. When a post is first published, one notification per family it is meant for
 * is enqueued — exactly once per (post, family), whatever crashes and retries happen:
 *
 * 1. A **plan** per post, written once (conditional put) by the fan-out before it confirms the post
 *    live, fixes the audience at first publish: an edit never notifies anyone again. While open, the
 *    plan sits in the sweeper's index, so a lost `notify` job is re-sent.
 * 2. The `notify` job (after the post is live, so a slow outbox never delays "live") claims a **record**
 *    per batch of up to 40 families (outbox-records.ts, outbox-store.ts) with a take of the lease that
 *    creates the batch's number *before* sending, and marks it sent after (or, when some sends failed,
 *    notes which went). Families already in a batch are skipped, so only one
 *    claimant ever sends to a family. Then the plan is complete.
 * 3. A claimant that dies (or whose send fails) between claim and "sent" leaves a claimed record in the
 *    sweeper's index; once it is older than the sweeper's grace, the sweeper takes it over (the lease of
 *    functions/aws/lease.ts: one sweeper wins) and sends the batch — or cancels it when the post was
 *    retracted meanwhile.
 *
 * A crash after a send but before "sent" is recorded is the one case that repeats messages (up to the
 * batch's families); each carries its `key`, so delivery collapses the repeat (see notification.ts).
 */

/**
 * Fixes who hears about a post: called by the fan-out each time the channels show it; only the first
 * call (its first publish) writes the plan. Returns true while the plan is open (a `notify` job is due).
 */
export async function planNotifications(deps: Deps, post: Post): Promise<boolean> {
  const plan = await createPlan(deps, post);
  return plan.created || plan.existing?.state === 'open';
}

/**
 * The `notify` job: enqueues "a new post" for every family in the post's plan, each exactly once, then
 * completes the plan. A post retracted before this runs notifies nobody. Safe to run any number of times.
 */
export async function notifyFamilies(deps: Deps, postId: string): Promise<void> {
  const plan = await readPlan(deps, postId);
  if (plan?.state !== 'open') return;
  addKeys({ schoolId: plan.schoolId });
  const current = await getPostWithMedia(deps, postId);
  if (current?.post.state === 'published') {
    const families = (await listFamilies(deps, plan.schoolId)).filter((family) => reachesFamily(plan.audience, family));
    await claimAndSend(deps, current.post, families.map((family) => family.id).sort());
  }
  await completePlan(deps, postId);
}

/**
 * Sends to the families no batch of the post names yet, in batches numbered on from the last one. A
 * batch number someone else claimed first (a concurrent run of the job) means the records changed: read
 * them again, so no family lands in two batches. A batch claimed by a run that crashed or whose send
 * failed is the sweeper's (`redriveNotification`): this job never sends another claimant's batch.
 */
async function claimAndSend(deps: Deps, post: Post, familyIds: string[]): Promise<void> {
  for (;;) {
    const records = await readRecords(deps, post.id);
    const named = new Set(records.flatMap((record) => record.familyIds));
    const rest = familyIds.filter((id) => !named.has(id));
    let next = Math.max(-1, ...records.map((record) => record.batch ?? -1)) + 1;
    let overtaken = false;
    for (let start = 0; start < rest.length && !overtaken; start += BATCH_FAMILIES) {
      const record = await claimBatch(deps, post, next++, rest.slice(start, start + BATCH_FAMILIES));
      if (!record) overtaken = true;
      else await sendBatch(deps, post, record);
    }
    if (!overtaken) return;
  }
}

/**
 * Sends a claimed batch's notifications (those not sent by an earlier try), then records it sent. When a
 * send fails, the ones that went are noted and the batch stays claimed: the sweeper sends the rest. A
 * process killed before the note leaves the whole batch to the sweeper, and delivery's ledger keeps a
 * family that got it the first time from hearing twice (the window notification.ts describes).
 */
async function sendBatch(deps: Deps, post: Post, record: OutboxRecord): Promise<void> {
  const due = record.familyIds.filter((id) => !record.sentIds.includes(id));
  const outcomes = await Promise.allSettled(
    due.map(async (familyId) => {
      deps.faults?.('notify:after-claim', `${post.id}#${familyId}`);
      await deps.queues.notifications(postPublished(post, familyId));
    }),
  );
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) {
    await markSent(
      deps,
      record,
      due.filter((_, i) => outcomes[i]?.status === 'fulfilled'),
    );
    throw failure.reason;
  }
  await settleRecord(deps, record, 'sent');
}

/**
 * Finishes a record whose claimant died before settling it: takes the claim over (only one sweeper wins),
 * then sends its batch, or cancels it when the post is no longer published. Returns what happened.
 */
export async function redriveNotification(
  deps: Deps,
  record: OutboxRecord,
  staleBefore: Date,
): Promise<'sent' | 'cancelled' | 'lost'> {
  const taken = await takeOver(deps, record, staleBefore);
  if (!taken) return 'lost';
  const current = await getPostWithMedia(deps, record.postId);
  if (current?.post.state !== 'published') {
    await settleRecord(deps, taken, 'cancelled');
    return 'cancelled';
  }
  await sendBatch(deps, current.post, taken);
  return 'sent';
}
