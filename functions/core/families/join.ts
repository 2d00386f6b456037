import type { Deps } from '../deps';
import type { Locale } from '../i18n/locales';
import type { PushSubscriptionJson } from '../messaging/push-subscription';
import { addClass, createFamily, type Family, getFamily } from './family';
import { addEmail, addPushDevice, addressIdOf, familiesOfAddress, pushDeviceId } from './recipients';

/**
 * Joining, without an account: a parent arrives through a class's join link and leaves with a family
 * that follows that class. A second child's class joins the *same* family — through the family's manage
 * link (the browser remembers it after subscribing to push), or by confirming an address the family
 * already has — so one family gets one digest whatever number of children and schools.
 */
export interface ClassRef {
  schoolId: string;
  classId: string;
}

/**
 * A confirmed address joins a class: the family that already has this address follows the class too
 * (keeping the language it chose); otherwise a new family is made with it, in the language chosen on the join page. With `familyId` (from a manage page), the address joins that
 * family instead.
 */
export async function joinWithEmail(
  deps: Deps,
  input: { address: string; join?: ClassRef; familyId?: string; language?: Locale },
): Promise<Family | undefined> {
  const existing = input.familyId ?? (await familiesOfAddress(deps, await addressIdOf(deps, input.address)))[0];
  let family = existing ? await getFamily(deps, existing) : undefined;
  if (existing && !family) return undefined; // the family was erased since the link was sent
  if (!family) {
    if (!input.join) return undefined;
    family = await createFamily(deps, {
      schoolId: input.join.schoolId,
      classIds: [input.join.classId],
      language: input.language,
    });
  } else if (input.join) {
    family = await addClass(deps, family.id, input.join.schoolId, input.join.classId);
  }
  return family && addEmail(deps, family.id, input.address);
}

/**
 * A browser subscribed to web push on a class's join page: into the family whose manage link it holds if
 * this very phone is already one of that family's (a second child's class, from the same phone), or else
 * a new family. A manage link alone (copied from a forwarded e-mail into a stranger's browser) never adds
 * a phone to a family: that needs the family's approval (pending-recipients.ts).
 */
export async function joinWithPush(
  deps: Deps,
  input: { subscription: PushSubscriptionJson; join: ClassRef; familyId?: string; language?: Locale },
): Promise<{ family: Family; deviceId: string } | undefined> {
  const { join } = input;
  const held = input.familyId ? await getFamily(deps, input.familyId) : undefined;
  const samePhone = held?.push[pushDeviceId(input.subscription.endpoint)] !== undefined;
  let family = held && samePhone ? await addClass(deps, held.id, join.schoolId, join.classId) : undefined;
  family ??= await createFamily(deps, { schoolId: join.schoolId, classIds: [join.classId], language: input.language });
  const deviceId = await addPushDevice(deps, family.id, input.subscription);
  const current = deviceId ? await getFamily(deps, family.id) : undefined;
  return current && deviceId ? { family: current, deviceId } : undefined;
}
