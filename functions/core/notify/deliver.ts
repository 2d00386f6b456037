import { logger } from '../../aws/telemetry';
import type { Deps } from '../deps';
import { type Family, getFamilies } from '../families/family';
import { type NotifyChannel, notifyChannels } from '../families/preferences';
import type { Notification, NotificationKind } from '../notification';
import { claimPostDeliveries } from './claims';
import { DeliveryRun } from './delivery-run';
import { ledgerKeyName, type PostDeliveryKey } from './ledger';
import { addToDigest } from './ledger-store';
import { decide, eveningByEmail, followingDigest } from './policy';
import { inPool, SEND_CONCURRENCY } from './pool';

/**
 * Delivery to parents: turns "family F should hear about post P" (the outbox's notifications) into web
 * push, email and digest entries according to the family's preferences — sent now, held through quiet
 * hours, or added to the evening digest, per channel (policy.ts decides). Every send goes through the
 * delivery ledger (ledger.ts): claimed before, recorded after. A batch's instant deliveries of a post are
 * claimed together, in one conditional write to the post's claim log (claims.ts).
 */

const hasRecipients = (family: Family, channel: NotifyChannel) =>
  channel === 'push' ? Object.keys(family.push).length > 0 : Object.values(family.emails).some((e) => !e.suppressed);

/** An instant delivery a notification asks for: sent now, or held until quiet hours end. */
interface InstantDelivery {
  notification: Notification;
  key: PostDeliveryKey;
  fate: 'send' | 'hold';
}

/**
 * "Family F should hear about post P", per channel: add it to the digest, or ask for an instant
 * delivery (sent now or held; claimed for the whole batch at once, in {@link deliverNotifications}).
 */
async function postPublished(
  run: DeliveryRun,
  deps: Deps,
  notification: Notification,
  family: Family | undefined,
  instant: InstantDelivery[],
): Promise<void> {
  if (!family) return; // erased since the post was published
  const loaded = await run.loadPost(notification.postId);
  if (!loaded) return; // retracted before it reached the family
  const now = deps.now();
  for (const channel of notifyChannels) {
    if (!hasRecipients(family, channel)) continue;
    const decision = decide(now, family.preferences, channel, loaded.post.urgent);
    switch (decision.kind) {
      case 'skip':
        break;
      case 'send':
      case 'hold':
        instant.push({
          notification,
          key: { familyId: family.id, subject: { kind: 'post', postId: notification.postId }, channel },
          fate: decision.kind,
        });
        break;
      case 'digest': {
        // Push-first families get the evening message as a push only (unless they asked for both).
        if (channel === 'email' && !eveningByEmail(family.preferences, Object.keys(family.push).length)) break;
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
  instant: InstantDelivery[],
) => Promise<void>;

/** One handler per notification kind; a new kind without one does not compile. */
const notificationHandlers: {
  [K in NotificationKind]: (
    run: DeliveryRun,
    deps: Deps,
    notification: Extract<Notification, { kind: K }>,
    family: Family | undefined,
    instant: InstantDelivery[],
  ) => Promise<void>;
} = {
  post_published: postPublished,
};

/**
 * Delivers a batch of notifications (one queue batch): families read together, each post's instant
 * deliveries claimed together, records written together. Returns the ones that failed, to be retried on
 * their own (a partial batch failure).
 */
export async function deliverNotifications(deps: Deps, notifications: Notification[]): Promise<Notification[]> {
  const run = await DeliveryRun.start(deps);
  const families = await getFamilies(
    deps,
    notifications.map((n) => n.familyId),
  );
  const failed = new Set<Notification>();
  const instant: InstantDelivery[] = [];
  await inPool(notifications, SEND_CONCURRENCY, async (n) => {
    try {
      await (notificationHandlers[n.kind] as NotificationHandler)(run, deps, n, families.get(n.familyId), instant);
    } catch (error) {
      logger.error('delivery failed; it will be retried', { delivery: n.key, error });
      failed.add(n);
    }
  });
  for (const deliveries of byPost(instant)) {
    const [first] = deliveries;
    if (!first) continue;
    const ofFate = (fate: InstantDelivery['fate']) => deliveries.filter((d) => d.fate === fate).map((d) => d.key);
    const notificationOf = new Map(deliveries.map((d) => [ledgerKeyName(d.key), d.notification]));
    try {
      const claim = await claimPostDeliveries(deps, first.key.subject.postId, { send: ofFate('send'), hold: ofFate('hold') });
      // Nothing claimed: every delivery asked for was claimed before (a redelivered message).
      if (!claim) continue;
      for (const key of await run.deliverClaim(claim, families))
        failed.add(notificationOf.get(ledgerKeyName(key)) as Notification);
    } catch (error) {
      logger.error('delivering a post failed; it will be retried', { postId: first.key.subject.postId, error });
      for (const { notification } of deliveries) failed.add(notification);
    }
  }
  await run.finish();
  return [...failed];
}

/** Instant deliveries grouped by post: one claim each. */
function byPost(deliveries: InstantDelivery[]): InstantDelivery[][] {
  const groups = new Map<string, InstantDelivery[]>();
  for (const delivery of deliveries) {
    const group = groups.get(delivery.key.subject.postId);
    if (group) group.push(delivery);
    else groups.set(delivery.key.subject.postId, [delivery]);
  }
  return [...groups.values()];
}
