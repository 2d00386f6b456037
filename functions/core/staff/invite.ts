import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { recordAudit } from '../audit/audit';
import { type Principal, roleSchema } from '../auth/tokens';
import type { Deps } from '../deps';
import { DomainError, type DomainErrorOptions } from '../errors';
import { getSchool } from '../schools/school';
import { INVITATION_LINK_SECONDS, issueMagicLink } from './magic-links';
import { sendStaffEmail } from './mail';
import { magicLinkUrl } from './sign-in';
import { addStaffMember, emailSchema, getStaffMember, removeStaffMember, type StaffMember, setStaffRole } from './staff';

export const inviteSchema = z.object({
  email: emailSchema,
  name: z.string().trim().min(1).max(120),
  role: roleSchema.default('staff'),
});

/** A staff change the admin can correct, with the words to show them. */
export class StaffChangeRefused extends DomainError {
  override name = 'StaffChangeRefused';
  constructor(message: string, options?: DomainErrorOptions) {
    super('refused', 409, message, options);
  }
}

/**
 * Invites a member of staff: they get an email with a link that signs them in (valid for a week).
 * Inviting an address again re-sends the invitation, without changing their role.
 */
export async function inviteStaff(
  deps: Deps,
  admin: Principal,
  raw: z.input<typeof inviteSchema>,
): Promise<{ member: StaffMember; created: boolean }> {
  const input = inviteSchema.parse(raw);
  const school = await getSchool(deps, admin.schoolId);
  if (!school) throw new StaffChangeRefused('Your school no longer exists.');
  const created = await addStaffMember(deps, {
    schoolId: school.id,
    ...input,
    memberId: randomUUID(),
    status: 'invited',
    invitedBy: admin.label,
    invitedAt: deps.now().toISOString(),
  });
  const member = await getStaffMember(deps, school.id, input.email);
  if (!member) throw new Error(`staff member ${input.email} vanished after it was written`);
  const { secret } = await issueMagicLink(deps, { schoolId: school.id, email: member.email, purpose: 'invitation' });
  await sendStaffEmail(deps, {
    to: member.email,
    subject: `${school.name} invites you to post on Corridor`,
    text: [
      `Hello ${member.name},`,
      '',
      `${admin.label} has invited you to share pupils' work from ${school.name} with families, using Corridor.`,
      'Open this link on your phone to sign in:',
      '',
      magicLinkUrl(deps, secret),
      '',
      `The link works once, within ${INVITATION_LINK_SECONDS / 86400} days. Later, sign in with just your email address.`,
    ].join('\n'),
  });
  if (created) await recordAudit(deps, school.id, admin, 'staff_invited', member.email, { role: member.role });
  return { member, created };
}

/** Changes a member's role. An admin cannot change their own role (the school would lose its last admin). */
export async function changeStaffRole(deps: Deps, admin: Principal, email: string, role: z.input<typeof roleSchema>) {
  const address = emailSchema.parse(email);
  if (address === admin.label) throw new StaffChangeRefused('You cannot change your own role; ask another admin.');
  if (!(await setStaffRole(deps, admin.schoolId, address, roleSchema.parse(role)))) return false;
  await recordAudit(deps, admin.schoolId, admin, 'staff_role_changed', address, { role });
  return true;
}

/** Removes a member; their sessions end at once. An admin cannot remove themself. */
export async function removeStaff(deps: Deps, admin: Principal, email: string): Promise<boolean> {
  const address = emailSchema.parse(email);
  if (address === admin.label) throw new StaffChangeRefused('You cannot remove yourself; ask another admin.');
  if (!(await removeStaffMember(deps, admin.schoolId, address))) return false;
  await recordAudit(deps, admin.schoolId, admin, 'staff_removed', address);
  return true;
}
