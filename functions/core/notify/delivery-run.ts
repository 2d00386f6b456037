import { sitePath } from '../../aws/keys';
import { logger } from '../../aws/telemetry';
import { isPublic } from '../audience';
import { documentKeys } from '../channels/artifacts';
import { type Channel, channel } from '../channels/channels';
import { type FeedEntry, toFeedEntry } from '../channels/entry';
import { entryText } from '../channels/entry-translations';
import { locateChannel } from '../channels/locate';
import type { Deps } from '../deps';
import type { Family } from '../families/family';
import type { NotifyChannel } from '../families/preferences';
import { removePushDevice } from '../families/recipients';
import type { Locale } from '../i18n/locales';
import { EmailRejected, sendEmail } from '../messaging/email';
import { type PushSender, pushTopic } from '../messaging/push';
import { pushSender } from '../messaging/push-sender';
import { getSecrets, type Secrets } from '../messaging/secrets';
import { parentLinks } from '../messaging/signed-links';
import type { Post } from '../posts/post';
import { getPostWithMedia } from '../posts/store';
import { getSchool, type School } from '../schools/school';
import { type TranslationOutcome, translationFor } from '../translate/post-translations';
import { claimName, type PostClaim, startSendingBy } from './claim-log';
import { completeClaim, takeOverClaim } from './claims-store';
import {
  type Claim,
  type DeliveryOutcome,
  type DeliveryRecord,
  type LedgerItem,
  type LedgerKey,
  ledgerKeyName,
  ledgerKeyOf,
  type PostDeliveryKey,
  postsOf,
  subjectId,
} from './ledger';
import { claimDelivery, claimedPostItem, ledgerItems, recordDeliveries, scheduleInstant } from './ledger-store';
import { digestEmail, digestPush, type NotifiedPost, postEmail, postPush } from './message';
import { decide } from './policy';
import { inPool, SEND_CONCURRENCY } from './pool';

/**
 * Sending deliveries: claim them (one waiting ledger item, or a post claim of many families at once),
 * build each message from the posts as the feeds show them (labelled and linked for the family), send
 * it on its channel, record the outcome (25 at a time), and then close the post claims whose
 * deliveries are all recorded.
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

/** A post claim this run is delivering: it is closed once all it sends are recorded, unless one failed. */
interface ClaimInHand {
  claim: PostClaim;
  unrecorded: number;
  failed: boolean;
}

/** A record waiting to be written, and the post claim it counts towards. */
type PendingRecord = DeliveryRecord & { claim?: ClaimInHand };

/**
 * One batch of delivery work: caches what many messages share (posts, schools, private page addresses)
 * and batches ledger records. Call {@link finish} before acknowledging the batch.
 */
export class DeliveryRun {
  private readonly posts = new Map<string, Promise<LoadedPost | undefined>>();
  private readonly pageUrls = new Map<string, Promise<string>>();
  private readonly translations = new Map<string, Promise<TranslationOutcome>>();
  private records: PendingRecord[] = [];
  private claims: ClaimInHand[] = [];

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
   * Claims, sends and (in a batch, soon) records one waiting delivery (a due digest, a message held
   * through quiet hours, a crashed sender's). Nothing happens if it is not ours to send. `seen`: the item
   * as the pending index showed it (see `claimDelivery`).
   */
  async send(key: LedgerKey, family: Family, seen?: LedgerItem): Promise<Claim['result']> {
    const claim = await claimDelivery(this.deps, key, seen);
    if (claim.result !== 'claimed') return claim.result;
    this.deps.faults?.('deliver:after-claim', ledgerKeyName(key));
    const outcome = await this.transmit(claim.item, family);
    this.deps.faults?.('deliver:after-send', ledgerKeyName(key));
    await this.record({ item: claim.item, outcome });
    return 'claimed';
  }

  /**
   * Delivers what a post claim owns, just claimed: sends each message now, or writes it to the ledger
   * as held until quiet hours end. Returns the deliveries that failed; the claim then stays open, and the
   * scheduler takes it over when its lease ends. Families missing from `families` were erased: skipped.
   */
  async deliverClaim(claim: PostClaim, families: ReadonlyMap<string, Family>): Promise<PostDeliveryKey[]> {
    this.deps.faults?.('deliver:after-claim', claimName(claim));
    const inHand: ClaimInHand = { claim, unrecorded: 0, failed: false };
    this.claims.push(inHand);
    const failed: PostDeliveryKey[] = [];
    const deadline = startSendingBy(claim);
    const attempt = (work: (key: PostDeliveryKey, family: Family) => Promise<void>) => {
      return async (key: PostDeliveryKey) => {
        const family = families.get(key.familyId);
        if (!family) return;
        if (this.deps.now() > deadline) {
          // Too late to start: left for the scheduler, which takes the claim over when its lease ends.
          inHand.failed = true;
          failed.push(key);
          return;
        }
        try {
          await work(key, family);
        } catch (error) {
          inHand.failed = true;
          failed.push(key);
          logger.error('delivery failed; the scheduler retries it', { delivery: ledgerKeyName(key), error });
        }
      };
    };
    await inPool(
      claim.hold,
      SEND_CONCURRENCY,
      attempt(async (key, family) => {
        await scheduleInstant(this.deps, key, await this.quietHoursEnd(key, family));
      }),
    );
    await inPool(
      claim.send,
      SEND_CONCURRENCY,
      attempt(async (key, family) => {
        const item = claimedPostItem(key);
        const outcome = await this.transmit(item, family);
        this.deps.faults?.('deliver:after-send', ledgerKeyName(key));
        inHand.unrecorded++;
        await this.record({ item, outcome, claim: inHand });
      }),
    );
    return failed;
  }

  /**
   * Finishes a post claim whose sender's lease ended (the scheduler found it): takes it over, and
   * delivers what the ledger does not have yet. `busy` when another sender took it or finished it.
   */
  async redriveClaim(
    claim: PostClaim,
    families: ReadonlyMap<string, Family>,
  ): Promise<{ result: 'busy' } | { result: 'claimed'; sent: number; failed: number }> {
    const taken = await takeOverClaim(this.deps, claim);
    if (!taken) return { result: 'busy' };
    const recorded = await ledgerItems(this.deps, taken.send);
    const unsent = taken.send.filter((key) => !recorded.has(ledgerKeyName(key)));
    const failed = (await this.deliverClaim({ ...taken, send: unsent }, families)).length;
    return { result: 'claimed', sent: unsent.length - failed, failed };
  }

  /** When a held message may go: the end of the family's quiet hours (now, if they are over). */
  private async quietHoursEnd(key: PostDeliveryKey, family: Family): Promise<Date> {
    const urgent = (await this.loadPost(key.subject.postId))?.post.urgent ?? false;
    const decision = decide(this.deps.now(), family.preferences, key.channel, urgent);
    return decision.kind === 'hold' ? decision.until : this.deps.now();
  }

  private async record(record: PendingRecord): Promise<void> {
    this.records.push(record);
    if (this.records.length >= RECORD_BATCH) await this.flush();
  }

  /** Writes the outcomes of everything sent so far to the ledger. */
  private async flush(): Promise<void> {
    const records = this.records;
    this.records = [];
    if (records.length === 0) return;
    await recordDeliveries(this.deps, records);
    for (const { claim } of records) if (claim) claim.unrecorded--;
    this.deps.faults?.('deliver:after-record');
  }

  /**
   * Writes the outcomes of everything sent so far to the ledger, then closes the post claims whose
   * deliveries all went out and are recorded (only then: closing one is what lets later claims rely on
   * the ledger alone). Call before acknowledging the work.
   */
  async finish(): Promise<void> {
    await this.flush();
    const claims = this.claims;
    this.claims = [];
    for (const { claim, unrecorded, failed } of claims) if (!failed && unrecorded === 0) await completeClaim(this.deps, claim);
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
    const manageUrl = parentLinks.manage(this.deps.config.publicUrl, this.secrets.linkKey, family, this.deps.now());
    const payload =
      key.subject.kind === 'post'
        ? postPush(posts[0] as NotifiedPost, manageUrl, family.preferences.language)
        : digestPush(posts, manageUrl, family.preferences.language, key.subject.date);
    const urgent = posts.some((p) => p.urgent);
    for (const [deviceId, device] of devices) {
      const outcome = await this.sender.send(device, {
        payload,
        topic: pushTopic(identity),
        urgency: urgent ? 'high' : 'normal',
        ttlSeconds: PUSH_TTL_S[key.subject.kind],
      });
      if (outcome === 'gone') await removePushDevice(this.deps, family.id, deviceId);
      if (outcome === 'rejected') logger.error('the push service rejected a message', { familyId: family.id });
    }
    return true;
  }

  /** Sends to every confirmed, unsuppressed address of the family, each with its own unsubscribe link. */
  async sendEmail({ key, family, posts, identity }: Outgoing): Promise<boolean> {
    const addresses = Object.entries(family.emails).filter(([, recipient]) => !recipient.suppressed);
    if (addresses.length === 0) return false;
    const { publicUrl } = this.deps.config;
    const { linkKey } = this.secrets;
    const manageUrl = parentLinks.manage(publicUrl, linkKey, family, this.deps.now());
    const reader = { locale: family.preferences.language, timezone: family.preferences.timezone };
    for (const [addressId, recipient] of addresses) {
      const links = { manageUrl, unsubscribeUrl: parentLinks.unsubscribe(publicUrl, linkKey, family.id, `email:${addressId}`) };
      const rendered =
        key.subject.kind === 'post'
          ? postEmail(posts[0] as NotifiedPost, links, reader)
          : digestEmail(key.subject.date, posts, links, reader);
      try {
        await sendEmail(this.deps, {
          ...rendered,
          to: recipient.address,
          identity: `${identity}:${addressId}`,
          unsubscribeUrl: links.unsubscribeUrl,
        });
      } catch (error) {
        if (!(error instanceof EmailRejected)) throw error;
        logger.error('SES refused a message', { familyId: family.id, reason: error.message });
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
    const url = place ? `${await this.pageUrl(place, school)}#post-${post.id}` : (entry.url ?? this.deps.config.publicUrl);
    const translation = await this.translation({ post, entry, school }, family.preferences.language);
    return {
      entry,
      url,
      label,
      urgent: post.urgent,
      school: { name: school.name, ...(school.accent ? { accent: school.accent } : {}) },
      ...(translation ? { translation } : {}),
    };
  }

  /** The post's caption and alt texts in a language (stored once per post and language; see core/translate). */
  private translation({ post, entry, school }: LoadedPost, locale: Locale): Promise<TranslationOutcome> {
    const key = `${post.id}\0${locale}`;
    let translation = this.translations.get(key);
    if (!translation) {
      translation = translationFor(this.deps, school, entryText(entry), locale);
      this.translations.set(key, translation);
    }
    return translation;
  }

  /** The private page of a class or of a school's families (a capability URL). */
  private pageUrl(place: Channel, school: School): Promise<string> {
    let url = this.pageUrls.get(place.id);
    if (!url) {
      url = locateChannel(this.deps, place, { school }).then(
        (p) => `${this.deps.config.publicUrl}${sitePath(documentKeys(p.prefix).page)}`,
      );
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
