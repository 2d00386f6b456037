import * as z from 'zod';
import { hashSecret, newSecret } from '../auth/secrets';
import type { Principal } from '../auth/tokens';
import type { Deps } from '../deps';
import { getStaffMember, type StaffMember } from './staff';
import { deleteSession, getSessionItem, putSession } from './store';

/** A phone stays signed in for a month of school; a removed member is refused at their next request. */
export const SESSION_SECONDS = 30 * 24 * 60 * 60;

const sessionItemSchema = z.object({
  schoolId: z.string(),
  email: z.string(),
  /** The membership this session belongs to: a member removed and invited again starts afresh. */
  memberId: z.string(),
  /** Sent back by the client on every cookie-authenticated write (CSRF); not a credential on its own. */
  csrfToken: z.string(),
  expiresAt: z.number(),
});

export interface Session {
  principal: Principal;
  csrfToken: string;
}

/** Starts a session for a member; the secret goes into the cookie and is stored only as a hash. */
export async function startSession(deps: Deps, member: StaffMember): Promise<{ secret: string; csrfToken: string }> {
  const secret = newSecret();
  const csrfToken = newSecret();
  await putSession(deps, hashSecret(secret), {
    schoolId: member.schoolId,
    email: member.email,
    memberId: member.memberId,
    csrfToken,
    createdAt: deps.now().toISOString(),
    expiresAt: Math.floor(deps.now().getTime() / 1000) + SESSION_SECONDS,
  });
  return { secret, csrfToken };
}

/** The caller behind a session cookie, with the member's current role; undefined when it no longer holds. */
export async function authenticateSession(deps: Deps, secret: string): Promise<Session | undefined> {
  if (secret.length > 100) return undefined;
  const session = sessionItemSchema.safeParse(await getSessionItem(deps, hashSecret(secret)));
  if (!session.success || session.data.expiresAt <= deps.now().getTime() / 1000) return undefined;
  const member = await getStaffMember(deps, session.data.schoolId, session.data.email);
  if (!member || member.memberId !== session.data.memberId) return undefined;
  return {
    principal: {
      schoolId: member.schoolId,
      role: member.role,
      tokenId: `session:${hashSecret(secret).slice(0, 12)}`,
      label: member.email,
    },
    csrfToken: session.data.csrfToken,
  };
}

/** Ends a session (sign out). */
export async function endSession(deps: Deps, secret: string): Promise<void> {
  await deleteSession(deps, hashSecret(secret));
}
