import * as z from 'zod';
import type { Deps } from '../deps';
import { hashSecret as hashToken, newSecret } from './secrets';
import { getTokenItem, markTokenRevoked, putToken } from './store';

export const roles = ['admin', 'staff'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** Who is calling: resolved from a bearer token. */
export interface Principal {
  schoolId: string;
  role: Role;
  tokenId: string;
  label: string;
}

/**
 * The people who run a Corridor deployment (a trust's IT lead): they create schools and trusts, and act
 * inside no school. A separate type, not a third role, so no school route can take one by mistake.
 */
export interface Operator {
  role: 'operator';
  tokenId: string;
  label: string;
}

const tokenItemSchema = z.discriminatedUnion('role', [
  z.object({
    tokenId: z.string(),
    schoolId: z.string(),
    role: roleSchema,
    label: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().optional(),
  }),
  z.object({
    tokenId: z.string(),
    role: z.literal('operator'),
    label: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().optional(),
  }),
]);

const TOKEN_PREFIX = 'crd_';

/** Creates an API token; the plain token is returned once and never stored. */
export async function createToken(
  deps: Deps,
  input: { schoolId: string; role: Role; label: string } | { role: 'operator'; label: string },
): Promise<{ token: string; tokenId: string }> {
  const token = newSecret(TOKEN_PREFIX);
  const tokenHash = hashToken(token);
  const tokenId = tokenHash.slice(0, 12);
  await putToken(deps, tokenHash, { tokenId, ...input, createdAt: deps.now().toISOString() });
  return { token, tokenId };
}

/**
 * Resolves a bearer token to a school's principal or an operator; undefined when unknown, malformed or
 * revoked.
 */
export async function authenticate(deps: Deps, token: string): Promise<Principal | Operator | undefined> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
  const item = tokenItemSchema.safeParse(await getTokenItem(deps, hashToken(token)));
  if (!item.success || item.data.revokedAt) return undefined;
  const { tokenId, label } = item.data;
  if (item.data.role === 'operator') return { role: 'operator', tokenId, label };
  return { schoolId: item.data.schoolId, role: item.data.role, tokenId, label };
}

export const isOperator = (caller: Principal | Operator): caller is Operator => caller.role === 'operator';

/** Revokes a token at once; later requests with it are refused. */
export async function revokeToken(deps: Deps, token: string): Promise<boolean> {
  return markTokenRevoked(deps, hashToken(token));
}
