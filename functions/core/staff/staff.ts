import * as z from 'zod';
import { type Role, roleSchema } from '../auth/tokens';
import type { Deps } from '../deps';
import {
  deleteStaffMember,
  getStaffItem,
  listStaffItems,
  putNewStaffMember,
  staffSchoolsOfAddress,
  updateStaffItem,
} from './store';

/** Addresses compare case-insensitively; stored lower-case and trimmed. */
export const emailSchema = z.string().trim().toLowerCase().pipe(z.email('that is not an email address').max(254));

export const staffMemberSchema = z.object({
  schoolId: z.string(),
  /** New for every membership: a member removed and invited again does not get old sessions back. */
  memberId: z.string(),
  email: emailSchema,
  name: z.string().trim().min(1).max(120),
  role: roleSchema,
  /** `invited` until the first sign-in. */
  status: z.enum(['invited', 'active']),
  invitedBy: z.string(),
  invitedAt: z.string(),
  lastSignInAt: z.string().optional(),
});
export type StaffMember = z.infer<typeof staffMemberSchema>;

export async function getStaffMember(deps: Deps, schoolId: string, email: string): Promise<StaffMember | undefined> {
  const item = await getStaffItem(deps, schoolId, email);
  return item ? staffMemberSchema.parse(item) : undefined;
}

export async function listStaff(deps: Deps, schoolId: string): Promise<StaffMember[]> {
  return (await listStaffItems(deps, schoolId)).map((item) => staffMemberSchema.parse(item));
}

/** The schools where this address is staff (verified against each school's own record). */
export async function membershipsOf(deps: Deps, email: string): Promise<StaffMember[]> {
  const schoolIds = await staffSchoolsOfAddress(deps, email);
  const members = await Promise.all(schoolIds.map((schoolId) => getStaffMember(deps, schoolId, email)));
  return members.filter((m): m is StaffMember => m !== undefined);
}

/** Adds a member; returns false (and changes nothing) when the address is already staff at that school. */
export async function addStaffMember(deps: Deps, member: StaffMember): Promise<boolean> {
  return putNewStaffMember(deps, member);
}

/** Changes a member's role; false when there is no such member. */
export async function setStaffRole(deps: Deps, schoolId: string, email: string, role: Role): Promise<boolean> {
  return updateStaffItem(deps, schoolId, email, { role });
}

/** Records a sign-in (and that an invitation was taken up). */
export async function markSignedIn(deps: Deps, schoolId: string, email: string): Promise<boolean> {
  return updateStaffItem(deps, schoolId, email, { status: 'active', lastSignInAt: deps.now().toISOString() });
}

/** Removes a member: their sessions stop working at their next request (sessions check membership). */
export async function removeStaffMember(deps: Deps, schoolId: string, email: string): Promise<boolean> {
  return deleteStaffMember(deps, schoolId, email);
}
