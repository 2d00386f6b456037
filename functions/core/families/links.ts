import type { Deps } from '../deps';
import { type MessageKey, t } from '../i18n/messages';
import { getSecrets } from '../messaging/secrets';
import { parentLinks } from '../messaging/signed-links';
import { claimConfirmationSlot } from './confirmation';
import { type Family, getFamily, updateFamily } from './family';
import { type FamilyMessage, messageFamily, type Reached } from './reach';
import { addressIdOf, familiesOfAddress } from './recipients';

/**
 * The family's manage links: each lives 30 days (MANAGE_LINK_TTL_S) and only while the family's link
 * generation is the one it was signed for. Ending them all is bumping the generation; the family then
 * gets a new link through the channels it already has, so whoever held an old link (a forwarded e-mail)
 * is out, and the family is not.
 */

/** Why a new link goes out: all links were ended, or someone asked for one at an expired link. */
type FreshLinkReason = Extract<MessageKey, 'safety.newLinkAfterSignOut' | 'safety.newLinkAsked'>;

const freshLinkMessage = async (deps: Deps, family: Family, why: FreshLinkReason): Promise<FamilyMessage> => {
  const { linkKey } = await getSecrets(deps);
  const locale = family.preferences.language;
  return {
    subject: t(locale, 'safety.newLinkSubject'),
    lines: [t(locale, why), t(locale, 'safety.newLinkKeep')],
    button: {
      label: t(locale, 'safety.newLinkButton'),
      url: parentLinks.manage(deps.config.publicUrl, linkKey, family, deps.now()),
    },
    identity: `manage-link:${family.id}:${family.linkGeneration}:${deps.now().toISOString()}`,
  };
};

/** "Sign out everywhere": every manage and approval link sent so far stops working; a new one goes out. */
export async function endAllLinks(deps: Deps, familyId: string): Promise<Reached | undefined> {
  const updated = await updateFamily(deps, familyId, (family) => ({ ...family, linkGeneration: family.linkGeneration + 1 }));
  if (!updated) return undefined;
  const message = await freshLinkMessage(deps, updated.after, 'safety.newLinkAfterSignOut');
  return messageFamily(deps, updated.after, message);
}

/**
 * An expired link's "send me a new one": mails a fresh manage link to this address only if a family
 * confirmed it, at most once per 10 minutes. The caller always answers the same words, so the form
 * cannot tell anyone whether an address is known.
 */
export async function mailFreshLink(deps: Deps, address: string): Promise<void> {
  const addressId = await addressIdOf(deps, address);
  for (const familyId of await familiesOfAddress(deps, addressId)) {
    const family = await getFamily(deps, familyId);
    const recipient = family?.emails[addressId];
    if (!family || !recipient || recipient.suppressed) continue;
    if (!(await claimConfirmationSlot(deps, addressId, `manage-link:${familyId}`))) continue;
    const message = await freshLinkMessage(deps, family, 'safety.newLinkAsked');
    // To this address only: whoever typed it must be able to read it.
    await messageFamily(deps, { ...family, emails: { [addressId]: recipient }, push: {} }, message);
  }
}
