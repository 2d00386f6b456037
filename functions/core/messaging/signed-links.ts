import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { localeSchema } from '../i18n/locales';

/**
 * Links that act without a login: managing a family, confirming an address, unsubscribing. Each carries
 * its claim in the clear (base64url JSON) and an HMAC-SHA256 over it (truncated to 128 bits, plenty
 * against forgery), so the server stores nothing per link and a forged or edited link is refused.
 */
export const linkClaimSchema = z.discriminatedUnion('p', [
  /**
   * The family's manage page: preferences, classes, devices, erase. In every message. It works until `x`
   * (epoch seconds) and only while the family's link generation is still `n`: "Sign out everywhere"
   * bumps the generation, which ends every manage link at once without storing any of them.
   */
  z.object({ p: z.literal('manage'), f: z.string(), n: z.number().int().min(0), x: z.number().int() }),
  /**
   * Sent through a channel the family already had (one of its addresses, or its phones): approves adding
   * pending recipient `r` (a new address or phone asked for from the manage page) to family `f`.
   */
  z.object({ p: z.literal('approve'), f: z.string(), r: z.string(), n: z.number().int().min(0), x: z.number().int() }),
  /**
   * Removes one recipient (an email address or a push subscription) of a family. It never expires and no
   * "sign out" ends it: unsubscribing from an old e-mail must always work (RFC 8058, PECR), and all it
   * can do is delete the one recipient it was sent to.
   */
  z.object({ p: z.literal('unsubscribe'), f: z.string(), r: z.string() }),
  /**
   * Double opt-in: the address proves it reads its mail. Joins class `c` of school `s` (into the family
   * that already has this address, or a new one), or adds the address to family `f` from its manage page.
   */
  z.object({
    p: z.literal('confirm'),
    e: z.string(),
    s: z.string().optional(),
    c: z.string().optional(),
    f: z.string().optional(),
    /** The generation of class `c`'s join link it was asked from (absent: 0); a rotated link joins nothing. */
    g: z.number().int().min(0).optional(),
    /** Set only on a link minted after the family approved the address through a channel it already had. */
    a: z.literal(true).optional(),
    /** The language chosen on the join page: the confirmation page, and a new family, use it. */
    l: localeSchema.optional(),
    /** Expiry, epoch seconds: an old confirmation link must not resurrect an address. */
    x: z.number().int(),
  }),
]);
export type LinkClaim = z.infer<typeof linkClaimSchema>;

/** How long a confirmation link works. */
export const CONFIRM_LINK_TTL_S = 7 * 24 * 3600;
/**
 * How long a family's manage link works: 30 days. Every message carries a fresh one, so a family that
 * hears from school at all always holds a working link, while a link in an old or forwarded e-mail dies
 * within a month (a half term). The expired page offers a new link by e-mail to a confirmed address.
 */
export const MANAGE_LINK_TTL_S = 30 * 24 * 3600;
/** How long a request to add an address or phone waits for the family's approval. */
export const APPROVE_LINK_TTL_S = 2 * 24 * 3600;

const MAC_BYTES = 16;

const mac = (key: string, payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES);

/** Signs a claim into a URL-safe token. */
export function signLink(key: string, claim: LinkClaim): string {
  const payload = Buffer.from(JSON.stringify(claim)).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/**
 * The claim of a genuine, unexpired token; undefined for anything else. `anyAge` skips the expiry, for a
 * caller that proves the holder by other means (the join page: the phone is already one of the family's).
 */
export function verifyLink(key: string, token: string, now: Date, options: { anyAge?: boolean } = {}): LinkClaim | undefined {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== MAC_BYTES || !timingSafeEqual(given, mac(key, payload))) return undefined;
  try {
    const claim = linkClaimSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!options.anyAge && 'x' in claim && claim.x * 1000 < now.getTime()) return undefined;
    return claim;
  } catch {
    return undefined;
  }
}

/** A short keyed digest of an identifier (an email address): a lookup key that does not reveal it. */
export function keyedDigest(key: string, purpose: string, value: string): string {
  return createHmac('sha256', key).update(`${purpose}\0${value}`).digest().subarray(0, 18).toString('base64url');
}

/** Where each signed link leads (pages served by the API app, outside `/api`). */
const expiry = (now: Date, ttlS: number) => Math.floor(now.getTime() / 1000) + ttlS;

/** What a family link is signed for: the family, and its current link generation. */
export interface LinkFamily {
  id: string;
  linkGeneration: number;
}

export const parentLinks = {
  /** The bare token (the browser keeps it to join a second child's class from the same phone). */
  manageToken: (key: string, family: LinkFamily, now: Date) =>
    signLink(key, { p: 'manage', f: family.id, n: family.linkGeneration, x: expiry(now, MANAGE_LINK_TTL_S) }),
  manage: (publicUrl: string, key: string, family: LinkFamily, now: Date) =>
    `${publicUrl}/family/${parentLinks.manageToken(key, family, now)}`,
  approve: (publicUrl: string, key: string, family: LinkFamily, pendingId: string, now: Date) =>
    `${publicUrl}/family/approve/${signLink(key, { p: 'approve', f: family.id, r: pendingId, n: family.linkGeneration, x: expiry(now, APPROVE_LINK_TTL_S) })}`,
  unsubscribe: (publicUrl: string, key: string, familyId: string, recipient: string) =>
    `${publicUrl}/family/unsubscribe/${signLink(key, { p: 'unsubscribe', f: familyId, r: recipient })}`,
  confirm: (publicUrl: string, key: string, claim: Omit<Extract<LinkClaim, { p: 'confirm' }>, 'p' | 'x'>, now: Date) =>
    `${publicUrl}/family/confirm/${signLink(key, { p: 'confirm', ...claim, x: expiry(now, CONFIRM_LINK_TTL_S) })}`,
};
