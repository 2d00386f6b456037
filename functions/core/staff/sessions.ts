import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { hashSecret, newSecret } from '../auth/secrets';
import type { Principal } from '../auth/tokens';
import type { Deps } from '../deps';
import { getStaffMember, type StaffMember } from './staff';

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

const sessionKey = (secret: string) => ({ pk: `SESSION#${hashSecret(secret)}`, sk: 'SESSION' });

export interface Session {
  principal: Principal;
  csrfToken: string;
}

/** Starts a session for a member; the secret goes into the cookie and is stored only as a hash. */
export async function startSession(deps: Deps, member: StaffMember): Promise<{ secret: string; csrfToken: string }> {
  const secret = newSecret();
  const csrfToken = newSecret();
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: {
        ...sessionKey(secret),
        type: 'session',
        schoolId: member.schoolId,
        email: member.email,
        memberId: member.memberId,
        csrfToken,
        createdAt: deps.now().toISOString(),
        expiresAt: Math.floor(deps.now().getTime() / 1000) + SESSION_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return { secret, csrfToken };
}

/** The caller behind a session cookie, with the member's current role; undefined when it no longer holds. */
export async function authenticateSession(deps: Deps, secret: string): Promise<Session | undefined> {
  if (secret.length > 100) return undefined;
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: sessionKey(secret), ConsistentRead: true }),
  );
  const session = sessionItemSchema.safeParse(Item);
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
  await deps.clients.dynamo.send(new DeleteCommand({ TableName: deps.config.tableName, Key: sessionKey(secret) }));
}
