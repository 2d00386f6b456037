/**
 * Key schemes for the single DynamoDB table and the buckets, in one place so every reader and writer
 * agrees. Table items carry `pk`/`sk`; the site bucket's keys are the public URL paths (minus the slash),
 * so CloudFront and the local server map a request to an object without a lookup.
 */
export const tableKeys = {
  school: (schoolId: string) => ({ pk: `SCHOOL#${schoolId}`, sk: 'SCHOOL' }),
  /** Every school, one pointer item each in one partition: operators list them without a scan. */
  schoolsIndex: 'SCHOOLS',
  schoolPointer: (schoolId: string) => ({ pk: 'SCHOOLS', sk: schoolId }),
  trust: (trustId: string) => ({ pk: `TRUST#${trustId}`, sk: 'TRUST' }),
  trustsIndex: 'TRUSTS',
  trustPointer: (trustId: string) => ({ pk: 'TRUSTS', sk: trustId }),
  /**
   * A family leaving a school at the new school year: told, then removed after the grace period by the
   * sweeper (which finds it through gsi1, sorted by the removal date).
   */
  leaver: (schoolId: string, familyId: string) => ({ pk: `SCHOOL#${schoolId}#LEAVERS`, sk: `FAMILY#${familyId}` }),
  token: (tokenHash: string) => ({ pk: `TOKEN#${tokenHash}`, sk: 'TOKEN' }),
  tokensOfSchool: (schoolId: string) => `SCHOOL#${schoolId}#TOKENS`,
  post: (postId: string) => ({ pk: `POST#${postId}`, sk: 'POST' }),
  postPartition: (postId: string) => `POST#${postId}`,
  /** A post's caption and alt texts machine-translated into one language (core/translate). */
  postTranslation: (postId: string, locale: string) => ({ pk: `POST#${postId}`, sk: `TRANSLATION#${locale}` }),
  postTranslationPrefix: 'TRANSLATION#',
  /** A recent failure to translate a post into a language: kept a short while so re-driven senders do not ask again. */
  postTranslationFailure: (postId: string, locale: string) => ({ pk: `POST#${postId}`, sk: `TRANSLATION-FAILED#${locale}` }),
  /** Both of the above (a retract deletes translations and failures alike). */
  postTranslationAnyPrefix: 'TRANSLATION',
  /** Characters a school sent to the translator in one month (UTC), against its monthly budget. */
  translationSpend: (schoolId: string, month: string) => ({ pk: `SCHOOL#${schoolId}#TRANSLATION`, sk: month }),
  /** A school's posts by creation time (pointer items: sk `<createdAt>#<postId>`). */
  postsOfSchool: (schoolId: string) => `SCHOOL#${schoolId}#POSTS`,
  media: (postId: string, mediaId: string) => ({ pk: `POST#${postId}`, sk: `MEDIA#${mediaId}` }),
  mediaPrefix: 'MEDIA#',
  idempotency: (schoolId: string, key: string) => ({ pk: `IDEM#${schoolId}#${key}`, sk: 'IDEM' }),
  /** A school's families, in one partition: the outbox reads it once per published post. */
  familiesOfSchool: (schoolId: string) => `SCHOOL#${schoolId}#FAMILIES`,
  family: (schoolId: string, familyId: string) => ({ pk: `SCHOOL#${schoolId}#FAMILIES`, sk: `FAMILY#${familyId}` }),
  /**
   * A post's notification outbox: the plan made at its first publish, and one record per batch of
   * families (`outboxRecord`, one per family, is how records were kept before: still read and erased).
   */
  outboxPlan: (postId: string) => ({ pk: `OUTBOX#${postId}`, sk: 'PLAN' }),
  outboxBatch: (postId: string, batch: number) => ({ pk: `OUTBOX#${postId}`, sk: `BATCH#${String(batch).padStart(5, '0')}` }),
  outboxRecord: (postId: string, familyId: string) => ({ pk: `OUTBOX#${postId}`, sk: `FAMILY#${familyId}` }),
  /** Keys generated on first start and kept for ever (VAPID, link signing): see core/messaging/secrets.ts. */
  secrets: { pk: 'CONFIG', sk: 'SECRETS' },
  /** A family's own partition: its record (classes, preferences, recipients), and its delivery ledger. */
  familyPartition: (familyId: string) => `FAMILY#${familyId}`,
  familyRecord: (familyId: string) => ({ pk: `FAMILY#${familyId}`, sk: 'FAMILY' }),
  /**
   * Which family confirmed an email address, by a keyed digest of the address (never the address): how a
   * second child's class joins the same family, and how a bounce finds the families to suppress.
   */
  addressOwnersPartition: (addressId: string) => `ADDRESS#${addressId}`,
  addressOwner: (addressId: string, familyId: string) => ({ pk: `ADDRESS#${addressId}`, sk: `FAMILY#${familyId}` }),
  /** When a confirmation link was last mailed to an address (a join page must not become a mail cannon). */
  confirmationSent: (addressId: string, target: string) => ({ pk: `ADDRESS#${addressId}`, sk: `CONFIRMATION#${target}` }),
  confirmationSentPrefix: 'CONFIRMATION#',
  /** One delivery ledger item: (subject = post or digest date, family, channel). */
  delivery: (familyId: string, subject: string, channel: string) => ({
    pk: `FAMILY#${familyId}`,
    sk: `DELIVERY#${subject}#${channel}`,
  }),
  deliveryPrefix: (subjectPrefix = '') => `DELIVERY#${subjectPrefix}`,
  /**
   * A post's delivery claims (core/notify/claims.ts): one item per claim of many families at once, numbered
   * from 1 (zero-padded, so the partition sorts by number and the newest is read with `Limit: 1`).
   */
  deliveryClaims: (subject: string) => `CLAIMS#${subject}`,
  deliveryClaim: (subject: string, seq: number) => ({ pk: `CLAIMS#${subject}`, sk: `CLAIM#${String(seq).padStart(8, '0')}` }),
  /** A channel's index partition: entries sorted by publish time, newest last. */
  feedPartition: (channelId: string) => `FEED#${channelId}`,
  feedEntry: (channelId: string, publishedAt: string, postId: string) => ({
    pk: `FEED#${channelId}`,
    sk: `${publishedAt}#${postId}`,
  }),
} as const;

/** The language a post's translation item is in, read back from its sort key (`tableKeys.postTranslation`). */
export const parsePostTranslationSk = (sk: string) => sk.slice(tableKeys.postTranslationPrefix.length);

/**
 * What a delivery is about, as its keys spell it: a post (`post:<id>`, an instant message) or a digest
 * date (`digest:<date>`). The ledger's keys (`tableKeys.delivery`) and a post's claim log
 * (`tableKeys.deliveryClaims`) are built from it and read back to it below.
 */
export type DeliverySubject = { kind: 'post'; postId: string } | { kind: 'digest'; date: string };

export const subjectId = (subject: DeliverySubject) =>
  subject.kind === 'post' ? `post:${subject.postId}` : `digest:${subject.date}`;

const deliverySortKey = /^DELIVERY#(post|digest):([^#]+)#(push|email)$/;

/**
 * The delivery a ledger item's key names (the inverse of `tableKeys.delivery`), or undefined when the key
 * is not a delivery ledger key (the family record beside it in the family's partition).
 */
export function parseDeliveryKey(key: {
  pk: string;
  sk: string;
}): { familyId: string; subject: DeliverySubject; channel: 'push' | 'email' } | undefined {
  const match = deliverySortKey.exec(key.sk);
  if (!match) return undefined;
  const [, kind, id = '', channel] = match;
  const subject: DeliverySubject = kind === 'post' ? { kind: 'post', postId: id } : { kind: 'digest', date: id };
  return { familyId: key.pk.slice(tableKeys.familyPartition('').length), subject, channel: channel as 'push' | 'email' };
}

/** A post's claim partition and a claim's sort key, as `tableKeys.deliveryClaims`/`deliveryClaim` build them for a post. */
export const postClaimKeyPatterns = { pk: /^CLAIMS#post:(.+)$/, sk: /^CLAIM#\d+$/ } as const;

/** True when a partition key is a post's claim log (the pending index holds ledger items and claims). */
export const isPostClaimsPartition = (pk: unknown) => typeof pk === 'string' && postClaimKeyPatterns.pk.test(pk);

/** The post and number of one of its delivery claims, read back from the claim's key; undefined for any other key. */
export function parsePostClaimKey(key: { pk: string; sk: string }): { postId: string; seq: number } | undefined {
  const postId = postClaimKeyPatterns.pk.exec(key.pk)?.[1];
  if (postId === undefined || !postClaimKeyPatterns.sk.test(key.sk)) return undefined;
  return { postId, seq: Number(key.sk.slice('CLAIM#'.length)) };
}

/** Where a phone's original upload lands in the incoming bucket. The media worker parses it back. */
export const incomingKey = (schoolId: string, postId: string, mediaId: string) => `incoming/${schoolId}/${postId}/${mediaId}`;

/**
 * A long video's pieces between its split, piece and join jobs: in the incoming bucket (private, never
 * served, outside the `incoming/` prefix that notifies the media queue), removed when the item settles.
 */
export const workPrefix = (schoolId: string, postId: string, mediaId: string) => `work/${schoolId}/${postId}/${mediaId}/`;

const incomingPattern = /^incoming\/([a-z0-9-]+)\/([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)$/;

/** Parses an incoming key; undefined for keys Corridor did not hand out. */
export function parseIncomingKey(key: string): { schoolId: string; postId: string; mediaId: string } | undefined {
  const match = incomingPattern.exec(key);
  if (!match) return undefined;
  const [, schoolId, postId, mediaId] = match as unknown as [string, string, string, string];
  return { schoolId, postId, mediaId };
}

/** Site bucket keys: the URL path without its leading slash. Pages are `…/index.html`. */
export const siteKeys = {
  /**
   * A post's media live under its own prefix, so a retract removes them from CloudFront with one wildcard
   * path (`/media/<post>/*`) and cannot reach another post's files.
   */
  media: (postId: string, fileName: string) => `media/${postId}/${fileName}`,
  /** Where a channel's documents live (its page, feeds and archive), by kind of channel. */
  schoolPrefix: (schoolId: string) => `s/${schoolId}/`,
  tagPrefix: (schoolId: string, tag: string) => `s/${schoolId}/t/${tag}/`,
  wallPrefix: (trustId: string) => `w/${trustId}/`,
  /** A private channel's documents, under its capability token: a new token, a new address. */
  capabilityPrefix: (token: string) => `c/${token}/`,
  schoolPage: (schoolId: string) => `s/${schoolId}/index.html`,
  schoolFeedJson: (schoolId: string) => `s/${schoolId}/feed.json`,
  schoolRss: (schoolId: string) => `s/${schoolId}/rss.xml`,
  postPage: (postId: string) => `p/${postId}/index.html`,
  /** The widget's iframe page and the compact feed `embed.js` reads (public posts only). */
  embedPage: (schoolId: string) => `embed/${schoolId}/index.html`,
  embedFeed: (schoolId: string) => `embed/${schoolId}/feed.json`,
} as const;

/** The public URL path of a site key (pages drop `index.html`), percent-encoded (a tag may be `tägé`). */
export function sitePath(key: string): string {
  return `/${key
    .replace(/(^|\/)index\.html$/, '')
    .split('/')
    .map(encodeURIComponent)
    .join('/')}`;
}

/*
 * ── Stores of approval/, audit/, auth/, consent/, data-protection/, families/, guidelines/, limits/,
 * schools/, staff/ and translate/ (each folder's store.ts builds its keys here) ──
 */

/**
 * Staff: a member lives in the school's staff partition (listing, the source of truth) and is pointed to
 * from the address's partition (sign-in asks "which schools is this address staff at?" without a scan).
 * Sessions and sign-in links are keyed by the hash of their secret, never the secret.
 */
export const staffKeys = {
  staffOfSchool: (schoolId: string) => `SCHOOL#${schoolId}#STAFF`,
  member: (schoolId: string, email: string) => ({ pk: `SCHOOL#${schoolId}#STAFF`, sk: `STAFF#${email}` }),
  schoolsOfAddress: (email: string) => `STAFFADDRESS#${email}`,
  address: (email: string, schoolId: string) => ({ pk: `STAFFADDRESS#${email}`, sk: `SCHOOL#${schoolId}` }),
  session: (secretHash: string) => ({ pk: `SESSION#${secretHash}`, sk: 'SESSION' }),
  magicLink: (secretHash: string) => ({ pk: `MAGICLINK#${secretHash}`, sk: 'MAGICLINK' }),
} as const;

/** A school's audit log: one partition, sorted by time (ISO timestamps sort as text), newest last. */
export const auditKeys = {
  log: (schoolId: string) => `SCHOOL#${schoolId}#AUDIT`,
  /** `entryKey` is unique per entry (a sequence and random part, or a re-runnable step's own key). */
  entry: (schoolId: string, at: string, entryKey: string) => ({ pk: `SCHOOL#${schoolId}#AUDIT`, sk: `${at}#${entryKey}` }),
} as const;

/** The consent roster: one partition per school, sorted by class then pupil. */
export const rosterKeys = {
  roster: (schoolId: string) => `SCHOOL#${schoolId}#PUPILS`,
  pupil: (schoolId: string, classId: string, pupilId: string) => ({
    pk: `SCHOOL#${schoolId}#PUPILS`,
    sk: `${classId}#${pupilId}`,
  }),
} as const;

/** Schools with a retention period, so the daily run reads one small partition instead of scanning. */
export const retentionKeys = {
  register: 'RETENTION#SCHOOLS',
  registration: (schoolId: string) => ({ pk: 'RETENTION#SCHOOLS', sk: schoolId }),
} as const;

/** A school's guidelines, and who has read them (the composer shows them on first use). */
export const guidelinesKeys = {
  guidelines: (schoolId: string) => ({ pk: `SCHOOL#${schoolId}#GUIDELINES`, sk: 'GUIDELINES' }),
  read: (schoolId: string, reader: string) => ({ pk: `SCHOOL#${schoolId}#GUIDELINES`, sk: `READ#${reader}` }),
} as const;

/** One counter item per (limit, key, window start); expired by the table's TTL. */
export const rateKeys = {
  window: (limitName: string, key: string, windowStart: number) => ({ pk: `RATE#${limitName}#${key}`, sk: String(windowStart) }),
} as const;

/** A new address or phone waiting for the family's approval, in the family's own partition. */
export const familyKeys = {
  pendingRecipient: (familyId: string, pendingId: string) => ({ pk: `FAMILY#${familyId}`, sk: `PENDING#${pendingId}` }),
} as const;

/** A school's leaving families, of every change of school year (each one: `tableKeys.leaver`). */
export const leaversOfSchool = (schoolId: string) => tableKeys.leaver(schoolId, '').pk;

// ---- Stores of channels/, jobs/, media/ and posts/ (their *-store.ts modules build their keys here) ----

/** Table keys of fan-out tasks, capability tokens, revisions, school post pointers and channel index pages. */
export const storeKeys = {
  /**
   * One fan-out task (post, version, channel) in the post's partition: the version zero-padded, so a
   * post's tasks sort by version and one `begins_with(sk, 'TASK#')` finds them all.
   */
  fanoutTask: (postId: string, version: number, channelId: string) => ({
    pk: tableKeys.postPartition(postId),
    sk: `TASK#${String(version).padStart(6, '0')}#${channelId}`,
  }),
  fanoutTaskPrefix: 'TASK#',
  /** A private channel's capability token (channels/capabilities.ts). */
  capability: (channelId: string) => ({ pk: `CHANNEL#${channelId}`, sk: 'CAPABILITY' }),
  /** A change to a post waiting for an admin's approval (posts/revision.ts), beside the post. */
  revision: (postId: string) => ({ pk: tableKeys.postPartition(postId), sk: 'REVISION' }),
  revisionSk: 'REVISION',
  postSk: 'POST',
  /** A school's listing pointer to one of its posts, sorted by creation time. */
  schoolPost: (schoolId: string, createdAt: string, postId: string) => ({
    pk: tableKeys.postsOfSchool(schoolId),
    sk: `${createdAt}#${postId}`,
  }),
  /** One archive page of a channel's index (channels/channel-index-store.ts). */
  feedPagePartition: (channelId: string, page: number) => `${tableKeys.feedPartition(channelId)}#PAGE#${page}`,
  /** The channel's counters; `~META` sorts after every entry's key (entries start with an ISO date). */
  feedMeta: (channelId: string) => ({ pk: tableKeys.feedPartition(channelId), sk: '~META' }),
  feedMetaSk: '~META',
} as const;

/**
 * Sparse-index partitions where the sweeper looks for work that stalled. These are the partitions' base
 * names: an item is written under {@link pendingKey} (a shard of its partition) and a reader queries every
 * key of {@link pendingReadKeys}. Every base name starts with {@link pendingPrefix}.
 */
export const pendingPartitions = {
  media: 'PENDING#MEDIA',
  fanout: 'PENDING#FANOUT',
  /**
   * Posts still processing, by the time they started: the settle step after their last file (and the
   * wait for uploads that never come) is re-driven from here, so a crash between a file's `ready` and the
   * post's settle cannot leave the post in no partition at all.
   */
  settle: 'PENDING#SETTLE',
  /** Notification plans not yet carried out, and notifications claimed but not yet sent, by time. */
  notify: 'PENDING#NOTIFY',
  /** Scheduled posts, sorted by the time they go live. */
  scheduled: 'PENDING#SCHEDULED',
  /** Parents' deliveries waiting for a time (digests, quiet hours) or for a crashed sender's lease to end. */
  delivery: 'PENDING#DELIVERY',
  /** Schools whose change of school year started and has not finished (a crash): the sweeper finishes it. */
  yearChange: 'PENDING#YEAR',
  /** Families leaving a school at the new year, by the date they are removed. */
  leavers: 'PENDING#LEAVERS',
} as const;

export type PendingPartition = keyof typeof pendingPartitions;

/** What every pending partition's key starts with (the local start-up's index repair scans for it). */
export const pendingPrefix = 'PENDING#';

/**
 * How many shards each pending partition is split into (docs/scale.md, *Hot partitions*). A partition key
 * value of an index takes at most 1,000 write units a second, and these partitions take the whole fleet's
 * writes with time-ordered sort keys, which DynamoDB cannot split for heat: 8 shards lift the ceiling of
 * each to 8,000 units/s — past the 100× figures there (~600 units/s for media and fan-out, ~1,500 for the
 * outbox) with room to spare — for 9 queries a partition per sweep instead of 1. The change of school
 * year and its leavers stay single: one school's once-a-year work, a handful of writes, never hot.
 */
export const pendingShards: Record<PendingPartition, number> = {
  media: 8,
  fanout: 8,
  settle: 8,
  notify: 8,
  scheduled: 8,
  delivery: 8,
  yearChange: 1,
  leavers: 1,
};

/**
 * FNV-1a (32 bits) of a string's UTF-16 code units: stable across processes, releases and runtimes (an
 * item must land on the same shard when rewritten by another worker), cheap, and spread well enough for
 * ids that are themselves random. Not for anything secret.
 */
function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The pending-index key an item waits under: its partition's shard chosen by a stable id of the item (a
 * post's, a media item's, a family's, a record's), so rewriting the same item keeps it on the same shard.
 * A partition of one shard is its base name, as before sharding.
 */
export function pendingKey(partition: PendingPartition, id: string): string {
  const shards = pendingShards[partition];
  const base = pendingPartitions[partition];
  return shards === 1 ? base : `${base}#${stableHash(id) % shards}`;
}

/**
 * Every key a reader of a partition must query: its shards and, for a sharded partition, the unsharded
 * base name. Items written before the partitions were sharded (a deployment with work in flight, a local
 * data folder) still wait under the base name until they move on, so nothing in flight is lost across
 * the upgrade. The base name can leave this list once every deployment has run the sharded release for
 * longer than the oldest pending work lives (a scheduled post: up to its publish date; the ledger's
 * digests: a day) — and no data folder from before it is still started.
 */
export function pendingReadKeys(partition: PendingPartition): string[] {
  const shards = pendingShards[partition];
  const base = pendingPartitions[partition];
  if (shards === 1) return [base];
  return [...Array.from({ length: shards }, (_, shard) => `${base}#${shard}`), base];
}

/**
 * A school's posts and revisions waiting for an admin's approval, oldest first (the admin's queue). Per
 * school already, and written at one school's posting rate: never sharded.
 */
export const approvalPartition = (schoolId: string) => `${pendingPrefix}APPROVAL#${schoolId}`;
