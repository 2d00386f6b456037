import { type Actor, recordAudit } from '../audit/audit';
import { hashSecret } from '../auth/secrets';
import type { Deps } from '../deps';
import { consumeRateLimit, SIGN_IN_PER_ADDRESS } from '../limits/rate-limit';
import { getSchool } from '../schools/school';
import { issueMagicLink, type LinkRefusal, redeemMagicLink, SIGN_IN_LINK_SECONDS } from './magic-links';
import { sendStaffEmail } from './mail';
import { startSession } from './sessions';
import { emailSchema, getStaffMember, markSignedIn, membershipsOf, type StaffMember } from './staff';

/** Where a link in an email leads: a page that asks for one tap, so mail scanners that open links do not use them. */
export const MAGIC_LINK_PATH = '/api/auth/magic';

export const magicLinkUrl = (deps: Deps, secret: string) =>
  `${deps.config.publicUrl}${MAGIC_LINK_PATH}?token=${encodeURIComponent(secret)}`;

/**
 * Emails a sign-in link for each school where the address is staff. Nothing is sent to an address that
 * is not staff anywhere, and the caller hears the same either way (no list of staff addresses leaks).
 * Rate-limited per address, so nobody can flood a teacher's inbox.
 */
export async function requestSignIn(deps: Deps, rawEmail: string): Promise<void> {
  const email = emailSchema.parse(rawEmail);
  await consumeRateLimit(
    deps,
    SIGN_IN_PER_ADDRESS,
    hashSecret(email).slice(0, 32),
    'Too many sign-in links were asked for this address. Please wait a few minutes, then try again.',
  );
  const memberships = await membershipsOf(deps, email);
  if (memberships.length === 0) return;
  const lines: string[] = [];
  for (const member of memberships) {
    const school = await getSchool(deps, member.schoolId);
    const { secret } = await issueMagicLink(deps, { schoolId: member.schoolId, email, purpose: 'sign-in' });
    lines.push(`${school?.name ?? member.schoolId}:\n${magicLinkUrl(deps, secret)}`);
  }
  await sendStaffEmail(deps, {
    to: email,
    subject: 'Your Corridor sign-in link',
    text: [
      'Open this link on the phone or computer you want to post from:',
      '',
      ...lines,
      '',
      `The link works once, within ${SIGN_IN_LINK_SECONDS / 60} minutes.`,
      'If you did not ask to sign in, you can ignore this email: nobody can sign in without it.',
    ].join('\n'),
  });
}

/** A completed sign-in: the session secret (for the cookie), its CSRF token, and who signed in. */
export interface SignedIn {
  secret: string;
  csrfToken: string;
  member: StaffMember;
}

/** Uses a link and starts a session, or says why not (used, expired, unknown, or no longer staff). */
export async function completeSignIn(deps: Deps, secret: string): Promise<SignedIn | LinkRefusal> {
  const link = await redeemMagicLink(deps, secret);
  if (typeof link === 'string') return link;
  const member = await getStaffMember(deps, link.schoolId, link.email);
  if (!member) return 'unknown';
  await markSignedIn(deps, member.schoolId, member.email);
  const session = await startSession(deps, member);
  const actor: Actor = { label: member.email, tokenId: 'sign-in' };
  await recordAudit(deps, member.schoolId, actor, 'signed_in', member.email, { via: link.purpose });
  return { ...session, member };
}
