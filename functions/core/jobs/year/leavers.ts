import * as z from 'zod';
import { logger } from '../../../aws/telemetry';
import { recordAudit, systemActor } from '../../audit/audit';
import { eraseFamilyAtSchool } from '../../data-protection/leave-school';
import type { Deps } from '../../deps';
import { type Family, getFamily } from '../../families/family';
import { EmailRejected, sendEmail } from '../../messaging/email';
import { pushTopic } from '../../messaging/push';
import { pushSender } from '../../messaging/push-sender';
import { getSecrets } from '../../messaging/secrets';
import { parentLinks } from '../../messaging/signed-links';
import type { School } from '../../schools/school';
import { deleteLeaver, dueLeaverItems, listLeaverItems, markLeaverTold, putLeaverOnce } from '../../schools/store';
import { html } from '../../security/html';

/** A family leaving a school at the new school year: told once, removed after the grace period. */
export const leaverSchema = z.object({
  schoolId: z.string(),
  familyId: z.string(),
  changeId: z.string(),
  /** The classes its children left, by name (for the message). */
  classNames: z.array(z.string()),
  removeAfter: z.string(),
  told: z.boolean().default(false),
});
export type Leaver = z.infer<typeof leaverSchema>;

/**
 * Records a leaving family (before its classes are moved: a crash in between leaves the record, and the
 * re-run, which no longer sees the family as leaving, keeps it). Recording it again changes nothing.
 */
export async function recordLeaver(deps: Deps, leaver: Omit<Leaver, 'told'>): Promise<void> {
  await putLeaverOnce(deps, leaver);
}

/** The school's leaving families of one change of school year. */
export async function listLeavers(deps: Deps, schoolId: string, changeId: string): Promise<Leaver[]> {
  const items = await listLeaverItems(deps, schoolId);
  return items.map((item) => leaverSchema.parse(item)).filter((l) => l.changeId === changeId);
}

/**
 * Tells a leaving family, in plain words, by email and push, when it goes and how to stay (a younger
 * child's class). Marked told only after sending: a crash in between sends again, with the same
 * Message-ID and push topic, so a mail client or phone shows it once.
 */
export async function tellLeaver(deps: Deps, school: School, leaver: Leaver, faults?: () => void): Promise<void> {
  const family = await getFamily(deps, leaver.familyId);
  if (family) await sendLeavingMessages(deps, school, leaver, family);
  faults?.();
  await markLeaverTold(deps, leaver.schoolId, leaver.familyId);
}

async function sendLeavingMessages(deps: Deps, school: School, leaver: Leaver, family: Family): Promise<void> {
  const secrets = await getSecrets(deps);
  const { publicUrl } = deps.config;
  const manageUrl = parentLinks.manage(publicUrl, secrets.linkKey, family, deps.now());
  const date = new Intl.DateTimeFormat('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    timeZone: school.timezone,
  }).format(new Date(leaver.removeAfter));
  const classes = leaver.classNames.join(' and ') || 'Your child’s class';
  const lines = [
    `${classes} has finished at ${school.name}, so the school will stop sending you its news on ${date}.`,
    'Until then nothing changes: you still hear about school-wide news.',
    `If you have a younger child at ${school.name}, join their class with its new join link before then and you stay.`,
  ];
  const identity = `leaving:${leaver.changeId}:${family.id}`;
  for (const [addressId, recipient] of Object.entries(family.emails).filter(([, r]) => !r.suppressed)) {
    const unsubscribeUrl = parentLinks.unsubscribe(publicUrl, secrets.linkKey, family.id, `email:${addressId}`);
    const text = `Hello,\n\n${lines.join('\n\n')}\n\nThank you for following ${school.name}.\n\n--\nYour settings, or erase your details now: ${manageUrl}\nUnsubscribe this address: ${unsubscribeUrl}\n`;
    try {
      await sendEmail(deps, {
        to: recipient.address,
        subject: `${school.name}: you will stop hearing from the school on ${date}`,
        text,
        html: html`<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${school.name}</title></head><body>${text
          .split('\n\n')
          .map((p) => html`<p style="white-space:pre-line">${p}</p>`)}</body></html>`.value,
        identity: `${identity}:${addressId}`,
        unsubscribeUrl,
      });
    } catch (error) {
      if (!(error instanceof EmailRejected)) throw error;
    }
  }
  const sender = pushSender(deps, secrets);
  for (const device of Object.values(family.push)) {
    try {
      await sender.send(device, {
        payload: { title: school.name, body: lines[0] ?? '', url: manageUrl, manageUrl, tag: identity },
        topic: pushTopic(identity),
        urgency: 'normal',
        ttlSeconds: 7 * 86_400,
      });
    } catch (error) {
      // The email says the same; a push service that is down does not hold up the new school year.
      logger.error('could not push the leaving message', { familyId: family.id, schoolId: school.id, error });
    }
  }
}

/**
 * The sweeper's part: removes leaving families whose grace period is over — from this school only when
 * they follow another school too, else entirely (erased, as a family's own erase does). A family that
 * joined a class again meanwhile (a younger child) stays. Audited per school. Returns how many went.
 */
export async function removeDueLeavers(deps: Deps): Promise<number> {
  const due = await dueLeaverItems(deps, deps.now().toISOString());
  const removedBySchool = new Map<string, number>();
  for (const leaver of due.map((item) => leaverSchema.parse(item))) {
    if (!leaver.told) continue; // its change of school year has not finished; it will be
    const family = await getFamily(deps, leaver.familyId);
    const stays = (family?.classes[leaver.schoolId] ?? []).length > 0;
    if (family && !stays) {
      // The school's own tie goes (its ledger and outbox too); a family with no school left is erased.
      await eraseFamilyAtSchool(deps, family, leaver.schoolId);
      removedBySchool.set(leaver.schoolId, (removedBySchool.get(leaver.schoolId) ?? 0) + 1);
    }
    await deleteLeaver(deps, leaver.schoolId, leaver.familyId);
  }
  for (const [schoolId, families] of removedBySchool) {
    await recordAudit(deps, schoolId, systemActor, 'leavers_removed', 'families', { families });
  }
  return [...removedBySchool.values()].reduce((a, b) => a + b, 0);
}
