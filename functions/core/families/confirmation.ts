import type { Deps } from '../deps';
import { DEFAULT_LOCALE, type Locale } from '../i18n/locales';
import { langAttributes, t } from '../i18n/messages';
import { sendEmail } from '../messaging/email';
import { getSecrets } from '../messaging/secrets';
import { parentLinks } from '../messaging/signed-links';
import { html } from '../security/html';
import { recordConfirmationSent } from './confirmation-store';
import { addressIdOf, normalizeAddress } from './recipients';

/**
 * Double opt-in: nothing is sent to an address, and it is not even stored, until its owner follows the
 * link we mail to it. The link itself carries the address (signed, expiring), so an unconfirmed address
 * never reaches the table. A join page could be used to mail strangers, so each address gets at most
 * one confirmation per {@link CONFIRMATION_INTERVAL_MS} for the same class or family, tracked by the
 * address's digest (a second child's class, a minute later, still gets its own).
 */
export const CONFIRMATION_INTERVAL_MS = 10 * 60 * 1000;

export interface ConfirmationRequest {
  address: string;
  /** What confirming does: join this class, and/or add the address to this family. */
  join?: { schoolId: string; classId: string; className: string; schoolName: string; joinGeneration: number };
  /** Adds the address to this family: only ever asked once the family approved it (core/families/pending-recipients.ts). */
  familyId?: string;
  /** The language of the mail, its confirmation page, and (if confirming makes one) the new family. */
  language?: Locale;
}

/** Mails the confirmation link; false when one went to this address moments ago (nothing sent). */
export async function sendConfirmation(deps: Deps, request: ConfirmationRequest): Promise<boolean> {
  const address = normalizeAddress(request.address);
  const target = request.join ? `class:${request.join.schoolId}/${request.join.classId}` : `family:${request.familyId}`;
  if (!(await claimConfirmationSlot(deps, await addressIdOf(deps, address), target))) return false;
  const { linkKey } = await getSecrets(deps);
  const link = parentLinks.confirm(
    deps.config.publicUrl,
    linkKey,
    {
      e: address,
      s: request.join?.schoolId,
      c: request.join?.classId,
      g: request.join?.joinGeneration,
      f: request.familyId,
      a: request.familyId ? true : undefined,
      l: request.language,
    },
    deps.now(),
  );
  const locale = request.language ?? DEFAULT_LOCALE;
  const names: Record<string, string> = request.join
    ? { className: request.join.className, schoolName: request.join.schoolName }
    : {};
  const asked = t(locale, request.join ? 'confirmMail.classAsked' : 'confirmMail.familyAsked', names);
  const ignore = t(locale, 'confirmMail.ignore');
  const subject = t(locale, request.join ? 'confirmMail.classSubject' : 'confirmMail.familySubject', names);
  const { lang, dir } = langAttributes(locale);
  await sendEmail(deps, {
    to: address,
    subject,
    identity: `confirm:${link}`,
    text: `${asked}\n\n${t(locale, 'confirmMail.open')}\n${link}\n\n${ignore}\n`,
    html: `<!doctype html>\n${
      html`<html lang="${lang}" dir="${dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${subject}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;padding:16px">
<div lang="${lang}" dir="${dir}" style="text-align:start">
<p>${asked}</p>
<p><a href="${link}" style="display:inline-block;padding:12px 20px;background:#1d5fa8;color:#fff;border-radius:6px;text-decoration:none">${t(locale, 'confirmMail.button')}</a></p>
<p style="color:#555;font-size:14px">${ignore}</p>
</div>
</body></html>`.value
    }`,
  });
  return true;
}

/**
 * At most one mail per {@link CONFIRMATION_INTERVAL_MS} to one address (or family) for one purpose:
 * pages reached by link must not become a way to flood someone's inbox.
 */
export async function claimConfirmationSlot(deps: Deps, addressId: string, target: string): Promise<boolean> {
  const now = deps.now();
  return recordConfirmationSent(deps, addressId, target, now, new Date(now.getTime() - CONFIRMATION_INTERVAL_MS));
}
