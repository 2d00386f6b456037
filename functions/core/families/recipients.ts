import { createHash } from 'node:crypto';
import type { Deps } from '../deps';
import type { PushSubscriptionJson } from '../messaging/push-subscription';
import { getSecrets } from '../messaging/secrets';
import { keyedDigest } from '../messaging/signed-links';
import { type Family, updateFamily } from './family';
import { addressOwners, deleteAddressOwner, putAddressOwner } from './store';

/**
 * A family's recipients: the phones subscribed to web push and the confirmed email addresses. They are
 * used only to deliver, and deleted — not flagged — when a parent unsubscribes, when a push service says
 * the subscription is gone (404/410), or when the family is erased.
 */

/** A stable id for a push subscription: subscribing the same browser twice is one device. */
export const pushDeviceId = (endpoint: string) => createHash('sha256').update(endpoint).digest('base64url').slice(0, 22);

/** Mailbox names are matched case-insensitively in practice; surrounding spaces come from typing. */
export const normalizeAddress = (address: string) => address.trim().toLowerCase();

/** A keyed digest of an address: a table key that does not reveal the address. */
export async function addressIdOf(deps: Deps, address: string): Promise<string> {
  return keyedDigest((await getSecrets(deps)).linkKey, 'email', normalizeAddress(address));
}

/** Adds (or refreshes) a push subscription; returns its device id, or undefined if the family is gone. */
export async function addPushDevice(
  deps: Deps,
  familyId: string,
  subscription: PushSubscriptionJson,
): Promise<string | undefined> {
  const deviceId = pushDeviceId(subscription.endpoint);
  const updated = await updateFamily(deps, familyId, (family) => ({
    ...family,
    push: { ...family.push, [deviceId]: { ...subscription, addedAt: deps.now().toISOString() } },
  }));
  return updated ? deviceId : undefined;
}

/** Deletes a push subscription (unsubscribed, or gone at its push service). */
export async function removePushDevice(deps: Deps, familyId: string, deviceId: string): Promise<void> {
  await updateFamily(deps, familyId, (family) => {
    const { [deviceId]: _removed, ...push } = family.push;
    return { ...family, push };
  });
}

/**
 * Adds a confirmed address to a family and indexes it (by digest) to the family. Confirming proves the
 * mailbox works now, so an earlier bounce or complaint of this address in this family is forgiven.
 */
export async function addEmail(deps: Deps, familyId: string, address: string): Promise<Family | undefined> {
  const addressId = await addressIdOf(deps, address);
  const updated = await updateFamily(deps, familyId, (family) => ({
    ...family,
    emails: { ...family.emails, [addressId]: { address: normalizeAddress(address), confirmedAt: deps.now().toISOString() } },
  }));
  if (!updated) return undefined;
  await putAddressOwner(deps, addressId, familyId);
  return updated.after;
}

/** Deletes an address from a family, and its index entry. */
export async function removeEmail(deps: Deps, familyId: string, addressId: string): Promise<void> {
  await updateFamily(deps, familyId, (family) => {
    const { [addressId]: _removed, ...emails } = family.emails;
    return { ...family, emails };
  });
  await deleteAddressOwner(deps, addressId, familyId);
}

/** The families that confirmed this address (normally one). */
export async function familiesOfAddress(deps: Deps, addressId: string): Promise<string[]> {
  return addressOwners(deps, addressId);
}

export type SuppressionReason = 'bounce' | 'complaint';

/**
 * A permanent bounce or a complaint: nothing more is sent to this address. Every family holding it marks
 * it suppressed (and shows the parents it is undeliverable); only confirming it again lifts that.
 * Returns how many families held it.
 */
export async function suppressAddress(deps: Deps, address: string, reason: SuppressionReason): Promise<number> {
  const addressId = await addressIdOf(deps, address);
  const at = deps.now().toISOString();
  const families = await familiesOfAddress(deps, addressId);
  for (const familyId of families) {
    await updateFamily(deps, familyId, (family) => {
      const recipient = family.emails[addressId];
      return recipient
        ? { ...family, emails: { ...family.emails, [addressId]: { ...recipient, suppressed: { reason, at } } } }
        : family;
    });
  }
  return families.length;
}
