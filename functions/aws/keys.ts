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
