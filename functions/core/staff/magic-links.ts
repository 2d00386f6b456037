import * as z from 'zod';
import { hashSecret, newSecret } from '../auth/secrets';
import type { Deps } from '../deps';
import { getMagicLinkItem, putMagicLink, useMagicLink } from './store';

/** A sign-in link works once, for a short time: long enough to switch to the mail app and back. */
export const SIGN_IN_LINK_SECONDS = 15 * 60;
/** An invitation waits longer (a head invites on Sunday, the teacher opens it on Monday). */
export const INVITATION_LINK_SECONDS = 7 * 24 * 60 * 60;

export type LinkPurpose = 'sign-in' | 'invitation';

const linkItemSchema = z.object({
  schoolId: z.string(),
  email: z.string(),
  purpose: z.enum(['sign-in', 'invitation']),
  /** Epoch seconds: the table's TTL attribute (DynamoDB deletes it eventually; code checks it always). */
  expiresAt: z.number(),
  usedAt: z.string().optional(),
});
export type MagicLink = z.infer<typeof linkItemSchema>;

/** Why a link was refused; each has words for the person holding it. */
export type LinkRefusal = 'unknown' | 'used' | 'expired';

export const linkRefusalMessages: Record<LinkRefusal, string> = {
  unknown: 'This sign-in link is not valid. Ask for a new one.',
  used: 'This sign-in link has already been used. Links work once; ask for a new one.',
  expired: 'This sign-in link has expired. Links work for 15 minutes; ask for a new one.',
};

const MAX_SECRET_LENGTH = 100;

/** Issues a link for one address at one school; only its hash is stored. Returns the secret, once. */
export async function issueMagicLink(
  deps: Deps,
  input: { schoolId: string; email: string; purpose: LinkPurpose },
): Promise<{ secret: string; expiresAt: Date }> {
  const secret = newSecret();
  const seconds = input.purpose === 'invitation' ? INVITATION_LINK_SECONDS : SIGN_IN_LINK_SECONDS;
  const expiresAt = Math.floor(deps.now().getTime() / 1000) + seconds;
  await putMagicLink(deps, hashSecret(secret), { ...input, expiresAt });
  return { secret, expiresAt: new Date(expiresAt * 1000) };
}

/** Reads a link without using it (the confirmation page), or says why it would be refused. */
export async function peekMagicLink(deps: Deps, secret: string): Promise<MagicLink | LinkRefusal> {
  if (secret.length > MAX_SECRET_LENGTH) return 'unknown';
  const link = linkItemSchema.safeParse(await getMagicLinkItem(deps, hashSecret(secret)));
  if (!link.success) return 'unknown';
  if (link.data.usedAt) return 'used';
  if (link.data.expiresAt <= deps.now().getTime() / 1000) return 'expired';
  return link.data;
}

/**
 * Uses a link: one conditional write marks it used only if it is unused and unexpired, so of two
 * simultaneous clicks (or a replay) exactly one signs in.
 */
export async function redeemMagicLink(deps: Deps, secret: string): Promise<MagicLink | LinkRefusal> {
  if (secret.length > MAX_SECRET_LENGTH) return 'unknown';
  const used = await useMagicLink(deps, hashSecret(secret));
  if (used) return linkItemSchema.parse(used);
  // Refused: say why (unknown, used or expired) from the link as it stands.
  const refusal = await peekMagicLink(deps, secret);
  return typeof refusal === 'string' ? refusal : 'used';
}
