import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { localeSchema } from '../i18n/locales';

/**
 * Links that act without a login: managing a family, confirming an address, unsubscribing. Each carries
 * its claim in the clear (base64url JSON) and an HMAC-SHA256 over it (truncated to 128 bits, plenty
 * against forgery), so the server stores nothing per link and a forged or edited link is refused.
 */
export const linkClaimSchema = z.discriminatedUnion('p', [
  /** The family's manage page: preferences, classes, devices, erase. In every message. */
  z.object({ p: z.literal('manage'), f: z.string() }),
  /** Removes one recipient (an email address or a push subscription) of a family. */
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
    /** The language chosen on the join page: the confirmation page, and a new family, use it. */
    l: localeSchema.optional(),
    /** Expiry, epoch seconds: an old confirmation link must not resurrect an address. */
    x: z.number().int(),
  }),
]);
export type LinkClaim = z.infer<typeof linkClaimSchema>;

/** How long a confirmation link works. */
export const CONFIRM_LINK_TTL_S = 7 * 24 * 3600;

const MAC_BYTES = 16;

const mac = (key: string, payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES);

/** Signs a claim into a URL-safe token. */
export function signLink(key: string, claim: LinkClaim): string {
  const payload = Buffer.from(JSON.stringify(claim)).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/** The claim of a genuine, unexpired token; undefined for anything else. */
export function verifyLink(key: string, token: string, now: Date): LinkClaim | undefined {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== MAC_BYTES || !timingSafeEqual(given, mac(key, payload))) return undefined;
  try {
    const claim = linkClaimSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (claim.p === 'confirm' && claim.x * 1000 < now.getTime()) return undefined;
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
export const parentLinks = {
  manage: (publicUrl: string, key: string, familyId: string) =>
    `${publicUrl}/family/${signLink(key, { p: 'manage', f: familyId })}`,
  unsubscribe: (publicUrl: string, key: string, familyId: string, recipient: string) =>
    `${publicUrl}/family/unsubscribe/${signLink(key, { p: 'unsubscribe', f: familyId, r: recipient })}`,
  confirm: (publicUrl: string, key: string, claim: Omit<Extract<LinkClaim, { p: 'confirm' }>, 'p' | 'x'>, now: Date) =>
    `${publicUrl}/family/confirm/${signLink(key, { p: 'confirm', ...claim, x: Math.floor(now.getTime() / 1000) + CONFIRM_LINK_TTL_S })}`,
};
