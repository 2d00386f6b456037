import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { Deps } from '../deps';
import { t } from '../i18n/messages';
import { consumeRateLimit, type RateLimit, RateLimited } from '../limits/rate-limit';
import { pushSubscriptionSchema } from '../messaging/push-subscription';
import { getSecrets } from '../messaging/secrets';
import { APPROVE_LINK_TTL_S, keyedDigest, parentLinks } from '../messaging/signed-links';
import { sendConfirmation } from './confirmation';
import { type Family, getFamily } from './family';
import { messageFamily, type Reached } from './reach';
import { addPushDevice, normalizeAddress, pushDeviceId } from './recipients';
import { deletePendingRecipient, getPendingRecipientItem, putPendingRecipient } from './store';

/**
 * A new address or phone asked for from the family's manage page. Whoever holds a manage link (perhaps a
 * stranger with a forwarded e-mail) may ask, but nothing is added until someone approves it through a
 * channel the family already had: the approval link goes to the family's confirmed addresses and
 * subscribed phones, never to the new recipient. An approved address then still confirms it reads its
 * mail (double opt-in); an approved phone is added at once (subscribing proved the browser).
 *
 * The request waits in the family's own partition (erasing the family erases it) for 2 days.
 */
export const pendingRecipientSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('email'), address: z.email() }),
  z.object({ kind: z.literal('push'), subscription: pushSubscriptionSchema }),
]);
export type PendingRecipient = z.infer<typeof pendingRecipientSchema>;

/** A few requests an hour: two parents adding phones are fine; a held link cannot flood the family's inbox. */
const ADD_RECIPIENT_PER_FAMILY: RateLimit = { name: 'add-recipient', limit: 5, windowSeconds: 3600 };

export type RecipientRequest =
  | { result: 'asked'; reached: Reached }
  /** The family has no address or phone left to ask through: join again from a class link instead. */
  | { result: 'no-channel' }
  /** Several requests went to the family in the last hour; they should use those. */
  | { result: 'recently-asked' }
  /** The phone already belongs to the family: nothing to approve. */
  | { result: 'already-added' };

/** Stores the request and sends the approval link through the family's existing channels. */
export async function requestRecipient(deps: Deps, family: Family, recipient: PendingRecipient): Promise<RecipientRequest> {
  if (recipient.kind === 'push' && family.push[pushDeviceId(recipient.subscription.endpoint)]) {
    await addPushDevice(deps, family.id, recipient.subscription); // the same phone again: refresh its keys
    return { result: 'already-added' };
  }
  const hasChannel = Object.values(family.emails).some((e) => !e.suppressed) || Object.keys(family.push).length > 0;
  if (!hasChannel) return { result: 'no-channel' };
  const { linkKey } = await getSecrets(deps);
  try {
    // Keyed by a digest: once the family is erased, nothing left in the table names it.
    await consumeRateLimit(deps, ADD_RECIPIENT_PER_FAMILY, keyedDigest(linkKey, 'family', family.id), 'asked too often');
  } catch (error) {
    if (error instanceof RateLimited) return { result: 'recently-asked' };
    throw error;
  }
  const pendingId = randomBytes(12).toString('base64url');
  const now = deps.now();
  const stored = recipient.kind === 'email' ? { ...recipient, address: normalizeAddress(recipient.address) } : recipient;
  await putPendingRecipient(deps, family.id, pendingId, {
    recipient: stored,
    requestedAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + APPROVE_LINK_TTL_S,
  });
  const locale = family.preferences.language;
  const address = stored.kind === 'email' ? stored.address : '';
  const reached = await messageFamily(deps, family, {
    subject: t(locale, stored.kind === 'email' ? 'safety.approveSubjectEmail' : 'safety.approveSubjectPhone', { address }),
    lines: [
      t(locale, stored.kind === 'email' ? 'safety.approveAskedEmail' : 'safety.approveAskedPhone', { address }),
      t(locale, 'safety.approveIfYou'),
    ],
    button: {
      label: t(locale, 'safety.approveButton'),
      url: parentLinks.approve(deps.config.publicUrl, linkKey, family, pendingId, now),
    },
    identity: `approve:${family.id}:${pendingId}`,
  });
  return { result: 'asked', reached };
}

/** What a pending request asks to add (to show on the approval page); undefined once used or expired. */
export async function pendingRecipient(deps: Deps, familyId: string, pendingId: string): Promise<PendingRecipient | undefined> {
  const Item = await getPendingRecipientItem(deps, familyId, pendingId);
  if (!Item || Number(Item.expiresAt) * 1000 < deps.now().getTime()) return undefined;
  return pendingRecipientSchema.parse(Item.recipient);
}

/**
 * The family approved: a phone is added now; an address gets its own confirmation link (it must still
 * show it reads its mail). The request is used up either way. Undefined when there was nothing to approve.
 */
export async function approveRecipient(
  deps: Deps,
  familyId: string,
  pendingId: string,
): Promise<{ added: PendingRecipient; confirmationSent: boolean } | undefined> {
  const recipient = await pendingRecipient(deps, familyId, pendingId);
  const family = recipient && (await getFamily(deps, familyId));
  if (!recipient || !family) return undefined;
  let confirmationSent = false;
  if (recipient.kind === 'push') await addPushDevice(deps, familyId, recipient.subscription);
  else confirmationSent = await sendConfirmation(deps, { address: recipient.address, familyId });
  await deletePendingRecipient(deps, familyId, pendingId);
  return { added: recipient, confirmationSent };
}
