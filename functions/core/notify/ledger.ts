import * as z from 'zod';
import { type DeliverySubject, parseDeliveryKey, subjectId, tableKeys } from '../../aws/keys';
import type { NotifyChannel } from '../families/preferences';

/**
 * The delivery ledger: one item per (subject, family, channel), where the subject is a post (an instant
 * message) or a digest date. Whoever sends claims the item with a conditional write first and records
 * the outcome after, so retries, redeliveries and a digest run started twice never send twice. The one
 * window left — a crash after the push service or SES accepted a message and before the ledger recorded
 * it — resends the same message with the same push Topic / email Message-ID, which devices collapse.
 *
 * States: `scheduled` (waiting for a time: a digest collecting the day's posts, or an instant message
 * held back by quiet hours) → `claimed` (being sent; the claim is a lease) → `done` (with its outcome).
 * Scheduled and claimed items sit in the sparse `gsi1` index under their due time or lease end, so the
 * scheduler finds due digests and re-drives a sender that crashed, without scanning.
 *
 * A post's instant deliveries are not claimed here one by one: the first decision about each (post,
 * family, channel) — send now, or hold through quiet hours — is a claim of many families at once in the
 * post's claim log (claims.ts). Here they are recorded `done` after sending, or written `scheduled` when
 * held; so every item about a post is created by the claim that owns it, and `claimDelivery` (ledger-store.ts) only
 * takes over items that exist.
 */
export { type DeliverySubject, subjectId } from '../../aws/keys';

export interface LedgerKey {
  familyId: string;
  subject: DeliverySubject;
  channel: NotifyChannel;
}

/** The key of one of a post's instant deliveries. */
export interface PostDeliveryKey extends LedgerKey {
  subject: Extract<DeliverySubject, { kind: 'post' }>;
}

/** A delivery's name in logs and fault reports: `<subject>:<family>:<channel>`. */
export const ledgerKeyName = (key: LedgerKey) => `${subjectId(key.subject)}:${key.familyId}:${key.channel}`;

/** How long a sender holds a claim before the scheduler may hand it to another (a crashed sender's). */
export const DELIVERY_LEASE_MS = 60_000;
/** Ledger items are kept 30 days (DynamoDB TTL on AWS): longer than any retry or redrive. */
const LEDGER_RETENTION_S = 30 * 24 * 3600;

export const deliveryOutcomes = ['delivered', 'no-recipients', 'off', 'retracted'] as const;
export type DeliveryOutcome = (typeof deliveryOutcomes)[number];

/**
 * A ledger item as stored. What it is about — family, subject, channel — is its key (`FAMILY#<family>`,
 * `DELIVERY#<subject>#<channel>`), so claims write only what changes: the emulator parses every
 * expression, and a short one is what lets one worker claim hundreds of deliveries a second.
 */
export const ledgerItemSchema = z.object({
  pk: z.string().startsWith(tableKeys.familyPartition('')),
  sk: z.string().startsWith(tableKeys.deliveryPrefix()),
  state: z.enum(['scheduled', 'claimed', 'done']),
  /** A digest's posts (an instant item's one post is its subject). */
  postIds: z.array(z.string()).default([]),
  dueAt: z.string().optional(),
  leaseUntil: z.string().optional(),
  outcome: z.enum(deliveryOutcomes).optional(),
  gsi1pk: z.string().optional(),
  gsi1sk: z.string().optional(),
});
export type LedgerItem = z.infer<typeof ledgerItemSchema>;

/** The delivery an item is the ledger of, read back from its key. */
export function ledgerKeyOf(item: Pick<LedgerItem, 'pk' | 'sk'>): LedgerKey {
  const key = parseDeliveryKey(item);
  if (!key) throw new Error(`not a delivery ledger key: ${item.sk}`);
  return key;
}

/** The delivery a key names, or undefined when it is not a delivery ledger key (the family record). */
export const ledgerKeyIfAny = (key: Pick<LedgerItem, 'pk' | 'sk'>): LedgerKey | undefined => parseDeliveryKey(key);

/** The posts a delivery is about: its one post, or the posts its digest collected. */
export const postsOf = (item: LedgerItem): string[] => {
  const { subject } = ledgerKeyOf(item);
  return subject.kind === 'post' ? [subject.postId] : item.postIds;
};

/** When a ledger item (or a post's delivery claim) expires: DynamoDB TTL, epoch seconds. */
export const ledgerExpiry = (now: Date) => Math.floor(now.getTime() / 1000) + LEDGER_RETENTION_S;

export type Claim = { result: 'claimed'; item: LedgerItem } | { result: 'done' | 'busy' };

/** A claimed delivery and what became of it, waiting to be written. */
export interface DeliveryRecord {
  item: LedgerItem;
  outcome: DeliveryOutcome;
}
