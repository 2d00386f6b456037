import { sitePath } from '../../aws/keys';
import { documentKeys } from '../channels/artifacts';
import { type Channel, channel } from '../channels/channels';
import { type FeedEntry, toFeedEntry } from '../channels/entry';
import { locateChannel } from '../channels/locate';
import type { Deps } from '../deps';
import type { Family } from '../families/family';
import { removePushDevice } from '../families/recipients';
import { isPublic, type Post } from '../posts/post';
import { getPostWithMedia } from '../posts/store';
import { getSchool, type School } from '../schools/school';
import { EmailRejected, fromAddress, sendEmail } from './email';
import {
  type Claim,
  claimDelivery,
  type DeliveryOutcome,
  type DeliveryRecord,
  type LedgerItem,
  type LedgerKey,
  ledgerKeyName,
  ledgerKeyOf,
  postsOf,
  recordDeliveries,
  subjectId,
} from './ledger';
import { digestEmail, digestPush, type NotifiedPost, postEmail, postPush } from './message';
import type { NotifyChannel } from './preferences';
import { PushSender, pushTopic } from './push';
import { getSecrets, type Secrets } from './secrets';
import { parentLinks } from './signed-links';

/**
 * Sending one delivery: claim it in the ledger, build the message from the posts as the feeds show them
 * (labelled and linked for this family), send it on its channel, record the outcome (25 at a time).
 */

/** Recorded deliveries are written in batches of this many (BatchWriteItem's limit). */
const RECORD_BATCH = 25;
/** How long a push service keeps a message for an offline phone: a post a day, a digest half a day. */
const PUSH_TTL_S = { post: 24 * 3600, digest: 12 * 3600 } as const;

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
    const manageUrl = parentLinks.manage(this.deps.config.publicUrl, this.secrets.linkKey, family.id);
    const payload =
      key.subject.kind === 'post'
        ? postPush(posts[0] as NotifiedPost, manageUrl)
        : digestPush(key.subject.date, posts, manageUrl);
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
