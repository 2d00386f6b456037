import * as z from 'zod';
import { isPostClaimsPartition, parsePostClaimKey, postClaimKeyPatterns } from '../../aws/keys';
import type { NotifyChannel } from '../families/preferences';
import { DELIVERY_LEASE_MS, type PostDeliveryKey, subjectId } from './ledger';

/** A post's claim log (claims.ts tells the protocol): what a claim is, its names, and how an item reads. */

/** What a post claim owns: deliveries of that post to send now, and deliveries held through quiet hours. */
export interface PostClaim {
  postId: string;
  /** Its number in the post's log (from 1). */
  seq: number;
  state: 'claimed' | 'done';
  send: PostDeliveryKey[];
  hold: PostDeliveryKey[];
  /** Numbers of the claims of this post still open when this one was written. */
  openBefore: number[];
  /** While claimed: when its sender's lease ends. */
  leaseUntil?: string;
}

/** The deliveries of a post a sender would like to claim. */
export interface WantedDeliveries {
  send: PostDeliveryKey[];
  hold: PostDeliveryKey[];
}

export const postSubject = (postId: string) => subjectId({ kind: 'post', postId });

/** A delivery's name inside a claim: `<family>#<channel>` (the claim's key names the post). */
export const deliveryName = (key: Pick<PostDeliveryKey, 'familyId' | 'channel'>) => `${key.familyId}#${key.channel}`;

/** A claim's name in logs and fault reports: `claims:post:<id>#<seq>`. */
export const claimName = (claim: Pick<PostClaim, 'postId' | 'seq'>) => `claims:${postSubject(claim.postId)}#${claim.seq}`;

const deliveryPattern = /^([^#]+)#(push|email)$/;

/**
 * A claim as stored. Deliveries are string sets (absent when empty: DynamoDB has no empty sets), so an
 * erasure can take one family out with a single `DELETE`.
 */
const claimItemSchema = z
  .object({
    pk: z.string().regex(postClaimKeyPatterns.pk),
    sk: z.string().regex(postClaimKeyPatterns.sk),
    state: z.enum(['claimed', 'done']),
    send: z.set(z.string().regex(deliveryPattern)).optional(),
    hold: z.set(z.string().regex(deliveryPattern)).optional(),
    openBefore: z.array(z.number().int().positive()).default([]),
    leaseUntil: z.string().optional(),
  })
  .transform((item): PostClaim => {
    // The schema has checked both keys' patterns: they parse.
    const { postId, seq } = parsePostClaimKey(item) as { postId: string; seq: number };
    const keys = (names: Set<string> | undefined) =>
      [...(names ?? [])].map((name) => {
        const [, familyId = '', channel] = deliveryPattern.exec(name) as RegExpExecArray;
        return {
          familyId,
          channel: channel as NotifyChannel,
          subject: { kind: 'post' as const, postId },
        } satisfies PostDeliveryKey;
      });
    return {
      postId,
      seq,
      state: item.state,
      send: keys(item.send),
      hold: keys(item.hold),
      openBefore: item.openBefore,
      leaseUntil: item.leaseUntil,
    };
  });

/** True for a post claim's item (the pending index holds ledger items and claims). */
export const isClaimItem = (item: Record<string, unknown>) => isPostClaimsPartition(item.pk);

/** Reads a post claim's item. */
export const parseClaim = (item: Record<string, unknown>): PostClaim => claimItemSchema.parse(item);

/**
 * The last moment a claim's sender may start one of its messages: half-way through its lease. One claim
 * covers a whole batch, and a slow push service could stretch sending it past the lease, when the
 * scheduler may take the claim over and send what is not recorded yet — twice. A message started by
 * then ends before the lease does (a push gives up after 30 s); what is left waits for the take-over.
 */
export const startSendingBy = (claim: PostClaim): Date => new Date(Date.parse(claim.leaseUntil ?? '') - DELIVERY_LEASE_MS / 2);
