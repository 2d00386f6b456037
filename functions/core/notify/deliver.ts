import type { Deps } from '../deps';
import { type Family, getFamilies } from '../families/family';
import { DeliveryRun } from './delivery-run';
import { addToDigest, scheduleInstant } from './ledger';
import type { Notification, NotificationKind } from './notification';
import { decide, followingDigest } from './policy';
import { inPool, SEND_CONCURRENCY } from './pool';
import { type NotifyChannel, notifyChannels } from './preferences';

/**
 * Delivery to parents: turns "family F should hear about post P" (the outbox's notifications) into web
 * push, email and digest entries according to the family's preferences — sent now, held through quiet
 * hours, or added to the evening digest, per channel (policy.ts decides). Every send goes through the
 * delivery ledger (ledger.ts): claimed before, recorded after.
 */

const hasRecipients = (family: Family, channel: NotifyChannel) =>
  channel === 'push' ? Object.keys(family.push).length > 0 : Object.values(family.emails).some((e) => !e.suppressed);

/** "Family F should hear about post P": send now, hold through quiet hours, or add to the digest, per channel. */
async function postPublished(
  run: DeliveryRun,
  deps: Deps,
  notification: Notification,
  family: Family | undefined,
): Promise<void> {
  if (!family) return; // erased since the post was published
  const loaded = await run.loadPost(notification.postId);
  if (!loaded) return; // retracted before it reached the family
  const now = deps.now();
  for (const channel of notifyChannels) {
    if (!hasRecipients(family, channel)) continue;
    const decision = decide(now, family.preferences, channel, loaded.post.urgent);
    const post = { kind: 'post', postId: notification.postId } as const;
    switch (decision.kind) {
      case 'skip':
        break;
      case 'send':
        await run.send({ familyId: family.id, subject: post, channel }, family);
        break;
      case 'hold':
        await scheduleInstant(deps, { familyId: family.id, subject: post, channel }, decision.until);
        break;
      case 'digest': {
        let slot = decision;
        // A digest already on its way is closed: the post goes into the next one.
        while (
          !(await addToDigest(
            deps,
            { familyId: family.id, subject: { kind: 'digest', date: slot.date }, channel },
            notification.postId,
            slot.dueAt,
          ))
        ) {
          slot = followingDigest(slot.date, family.preferences);
        }
        break;
      }
      default:
        decision satisfies never;
    }
  }
}

type NotificationHandler = (
  run: DeliveryRun,
  deps: Deps,
  notification: Notification,
  family: Family | undefined,
) => Promise<void>;

/** One handler per notification kind; a new kind without one does not compile. */
const notificationHandlers: {
  [K in NotificationKind]: (
    run: DeliveryRun,
    deps: Deps,
    notification: Extract<Notification, { kind: K }>,
    family: Family | undefined,
  ) => Promise<void>;
} = {
  post_published: postPublished,
};

/**
 * Delivers a batch of notifications (one queue batch): families read together, records written
 * together. Returns the ones that failed, to be retried on their own (a partial batch failure).
 */
export async function deliverNotifications(deps: Deps, notifications: Notification[]): Promise<Notification[]> {
  const run = await DeliveryRun.start(deps);
  const families = await getFamilies(
    deps,
    notifications.map((n) => n.familyId),
  );
  const failed: Notification[] = [];
  await inPool(notifications, SEND_CONCURRENCY, async (n) => {
    try {
      await (notificationHandlers[n.kind] as NotificationHandler)(run, deps, n, families.get(n.familyId));
    } catch (error) {
      console.error(`delivering ${n.key} failed; it will be retried`, error);
      failed.push(n);
    }
  });
  await run.flush();
  return failed;
}
