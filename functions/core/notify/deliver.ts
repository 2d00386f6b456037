import { sitePath } from '../../aws/keys';
import { documentKeys } from '../channels/artifacts';
import { type Channel, channel } from '../channels/channels';
import { type FeedEntry, toFeedEntry } from '../channels/entry';
import { locateChannel } from '../channels/locate';
import type { Deps } from '../deps';
import { type Family, getFamilies } from '../families/family';
import { removePushDevice } from '../families/recipients';
import { isPublic, type Post } from '../posts/post';
import { getPostWithMedia } from '../posts/store';
import { getSchool, type School } from '../schools/school';
import { EmailRejected, fromAddress, sendEmail } from './email';
import {
  addToDigest,
  type Claim,
  claimDelivery,
  type DeliveryOutcome,
  type DeliveryRecord,
  dropDelivery,
  dueDeliveries,
  type LedgerItem,
  type LedgerKey,
  ledgerKeyName,
  ledgerKeyOf,
  postsOf,
  recordDeliveries,
  scheduleInstant,
  subjectId,
} from './ledger';
import { digestEmail, digestPush, type NotifiedPost, postEmail, postPush } from './message';
import type { Notification, NotificationKind } from './notification';
import { decide, followingDigest } from './policy';
import { type NotifyChannel, notifyChannels } from './preferences';
import { PushSender, pushTopic } from './push';
import { getSecrets, type Secrets } from './secrets';
import { parentLinks } from './signed-links';

/**
 * Delivery to parents: turns "family F should hear about post P" (the outbox's notifications) into web
 * push, email and digest entries according to the family's preferences, and sends what the scheduler
 * finds due (evening digests, messages held through quiet hours, claims whose sender crashed). Every
 * send goes through the delivery ledger (ledger.ts): claimed before, recorded after.
 */

/** Messages in flight at once per worker: enough to hide push-service and SES latency. */
const SEND_CONCURRENCY = 32;
/** Recorded deliveries are written in batches of this many (BatchWriteItem's limit). */
const RECORD_BATCH = 25;
/** How long a push service keeps a message for an offline phone: a post a day, a digest half a day. */
const PUSH_TTL_S = { post: 24 * 3600, digest: 12 * 3600 } as const;

/** Runs `work` over `items`, at most `limit` at once. */
async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

interface LoadedPost {
  post: Post;
  entry: FeedEntry;
  school: School;
}

const senders = new WeakMap<Deps['clients'], PushSender>();

/** One push sender per process: it caches VAPID signatures per push service. */
function pushSender(deps: Deps, secrets: Secrets): PushSender {
  let sender = senders.get(deps.clients);
  if (!sender) {
    const subject = deps.config.vapidSubject ?? `mailto:${/<([^>]+)>/.exec(fromAddress(deps))?.[1] ?? fromAddress(deps)}`;
    sender = new PushSender({ publicKey: secrets.vapidPublicKey, privateKey: secrets.vapidPrivateKey, subject });
    senders.set(deps.clients, sender);
  }
  return sender;
}

/**
 * One batch of delivery work: caches what many messages share (posts, schools, private page addresses)
 * and batches ledger records. Call {@link flush} before acknowledging the batch.
 */
export class DeliveryRun {
  private readonly posts = new Map<string, Promise<LoadedPost | undefined>>();
  private readonly pageUrls = new Map<string, Promise<string>>();
  private records: DeliveryRecord[] = [];

  private constructor(
    private readonly deps: Deps,
    private readonly secrets: Secrets,
    private readonly sender: PushSender,
  ) {}

  static async start(deps: Deps): Promise<DeliveryRun> {
    const secrets = await getSecrets(deps);
    return new DeliveryRun(deps, secrets, pushSender(deps, secrets));
  }

  /** The post as the feeds show it, when it is still published. */
  loadPost(postId: string): Promise<LoadedPost | undefined> {
    let loaded = this.posts.get(postId);
    if (!loaded) {
      loaded = (async () => {
        const current = await getPostWithMedia(this.deps, postId);
        if (current?.post.state !== 'published') return undefined;
        const school = await getSchool(this.deps, current.post.schoolId);
        if (!school) return undefined;
        return { post: current.post, entry: toFeedEntry(this.deps.config.publicUrl, current.post, current.media), school };
      })();
      this.posts.set(postId, loaded);
    }
    return loaded;
  }

  /**
   * Claims, sends and (in a batch, soon) records one delivery. Nothing happens if it is not ours to send.
   * `seen` is the ledger item as the scheduler found it (a digest's posts), saving a read.
   */
  async send(key: LedgerKey, family: Family, seen?: LedgerItem): Promise<Claim['result']> {
    const claim = await claimDelivery(this.deps, key, seen);
    if (claim.result !== 'claimed') return claim.result;
    this.deps.faults?.('deliver:after-claim', ledgerKeyName(key));
    const outcome = await this.transmit(claim.item, family);
    this.deps.faults?.('deliver:after-send', ledgerKeyName(key));
    this.records.push({ item: claim.item, outcome });
    if (this.records.length >= RECORD_BATCH) await this.flush();
    return 'claimed';
  }

  /** Writes the outcomes of everything sent so far to the ledger. */
  async flush(): Promise<void> {
    const records = this.records;
    this.records = [];
    if (records.length === 0) return;
    await recordDeliveries(this.deps, records);
    this.deps.faults?.('deliver:after-record');
  }

  private async transmit(item: LedgerItem, family: Family): Promise<DeliveryOutcome> {
    const key = ledgerKeyOf(item);
    if (family.preferences[key.channel] === 'off') return 'off'; // turned off since it was scheduled
    const loaded = (await Promise.all(postsOf(item).map((id) => this.loadPost(id)))).filter((p) => p !== undefined);
    if (loaded.length === 0) return 'retracted';
    const posts = await Promise.all(loaded.map((p) => this.notified(p, family)));
    // The same subject, family and channel always give the same Topic and Message-ID, so a resend after
    // a crash replaces or collapses with the first instead of showing twice.
    const identity = `${subjectId(key.subject)}:${family.id}`;
    const sent = await channelSenders[key.channel](this, { key, family, posts, identity });
    return sent ? 'delivered' : 'no-recipients';
  }

  /** Sends to every push device of the family; a device whose push service says it is gone is removed. */
  async sendPush({ key, family, posts, identity }: Outgoing): Promise<boolean> {
    const devices = Object.entries(family.push);
    if (devices.length === 0) return false;
    const payload = key.subject.kind === 'post' ? postPush(posts[0] as NotifiedPost) : digestPush(key.subject.date, posts);
    const urgent = posts.some((p) => p.urgent);
    for (const [deviceId, device] of devices) {
      const outcome = await this.sender.send(device, {
        payload,
        topic: pushTopic(identity),
        urgency: urgent ? 'high' : 'normal',
        ttlSeconds: PUSH_TTL_S[key.subject.kind],
      });
      if (outcome === 'gone') await removePushDevice(this.deps, family.id, deviceId);
      if (outcome === 'rejected') console.error(`push service rejected a message for family ${family.id}`);
    }
    return true;
  }

  /** Sends to every confirmed, unsuppressed address of the family, each with its own unsubscribe link. */
  async sendEmail({ key, family, posts, identity }: Outgoing): Promise<boolean> {
    const addresses = Object.entries(family.emails).filter(([, recipient]) => !recipient.suppressed);
    if (addresses.length === 0) return false;
    const { publicUrl } = this.deps.config;
    const { linkKey } = this.secrets;
    const manageUrl = parentLinks.manage(publicUrl, linkKey, family.id);
    const { timezone } = family.preferences;
    for (const [addressId, recipient] of addresses) {
      const links = { manageUrl, unsubscribeUrl: parentLinks.unsubscribe(publicUrl, linkKey, family.id, `email:${addressId}`) };
      const rendered =
        key.subject.kind === 'post'
          ? postEmail(posts[0] as NotifiedPost, links, timezone)
          : digestEmail(key.subject.date, posts, links, timezone);
      try {
        await sendEmail(this.deps, {
          ...rendered,
          to: recipient.address,
          identity: `${identity}:${addressId}`,
          unsubscribeUrl: links.unsubscribeUrl,
        });
      } catch (error) {
        if (!(error instanceof EmailRejected)) throw error;
        console.error(`SES refused a message for family ${family.id}: ${error.message}`);
      }
    }
    return true;
  }

  /** A post as this family sees it: labelled with its own classes, linked where it can read it. */
  private async notified({ post, entry, school }: LoadedPost, family: Family): Promise<NotifiedPost> {
    const followed = family.classes[school.id] ?? [];
    const classes = school.classes.filter((c) => followed.includes(c.id) && post.audience.includes(`class:${c.id}`));
    const label = classes.length > 0 ? `${classes.map((c) => c.name).join(' & ')} · ${school.name}` : school.name;
    const place = isPublic(post.audience)
      ? undefined
      : classes[0]
        ? channel.class(school.id, classes[0].id)
        : channel.families(school.id);
    const url = place ? `${await this.pageUrl(place)}#post-${post.id}` : (entry.url ?? this.deps.config.publicUrl);
    return { entry, url, label, urgent: post.urgent };
  }

  /** The private page of a class or of a school's families (a capability URL). */
  private pageUrl(place: Channel): Promise<string> {
    let url = this.pageUrls.get(place.id);
    if (!url) {
      url = locateChannel(this.deps, place).then((p) => `${this.deps.config.publicUrl}${sitePath(documentKeys(p.prefix).page)}`);
      this.pageUrls.set(place.id, url);
    }
    return url;
  }
}

interface Outgoing {
  key: LedgerKey;
  family: Family;
  posts: NotifiedPost[];
  identity: string;
}

/** One sender per channel; a new channel without one does not compile. */
const channelSenders: Record<NotifyChannel, (run: DeliveryRun, outgoing: Outgoing) => Promise<boolean>> = {
  push: (run, outgoing) => run.sendPush(outgoing),
  email: (run, outgoing) => run.sendEmail(outgoing),
};

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

export interface DueReport {
  /** Deliveries this run sent. */
  sent: number;
  /** Due deliveries another sender holds, or that were already done. */
  skipped: number;
  /** Deliveries that failed; each stays claimed until its lease ends, and a later run retries it. */
  failed: number;
}

/**
 * Sends everything due by `now`: evening digests, messages held through quiet hours, and claims whose
 * sender crashed. Safe to run twice, at once or one after the other: the ledger lets each delivery
 * through once.
 */
export async function sendDueDeliveries(deps: Deps, now: Date = deps.now()): Promise<DueReport> {
  const run = await DeliveryRun.start(deps);
  const report: DueReport = { sent: 0, skipped: 0, failed: 0 };
  for await (const page of dueDeliveries(deps, now)) {
    const due = page.map((item) => ({ item, key: ledgerKeyOf(item) }));
    const families = await getFamilies(
      deps,
      due.map(({ key }) => key.familyId),
    );
    await inPool(due, SEND_CONCURRENCY, async ({ item, key }) => {
      const family = families.get(key.familyId);
      try {
        if (!family)
          await dropDelivery(deps, key); // the family was erased
        else if ((await run.send(key, family, item)) === 'claimed') report.sent++;
        else report.skipped++;
      } catch (error) {
        console.error(`delivering ${ledgerKeyName(key)} failed; a later run retries it`, error);
        report.failed++;
      }
    });
    await run.flush();
  }
  return report;
}
