import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { isConditionFailed } from '../../aws/dynamo';
import { type Role, roleSchema } from '../auth/tokens';
import type { Deps } from '../deps';

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

/**
 * A member is stored in the school's staff partition (listing, the source of truth) and pointed to from
 * the address's partition (sign-in asks "which schools is this address staff at?" without a scan).
 */
const memberKey = (schoolId: string, email: string) => ({ pk: `SCHOOL#${schoolId}#STAFF`, sk: `STAFF#${email}` });
const addressKey = (email: string, schoolId: string) => ({ pk: `STAFFADDRESS#${email}`, sk: `SCHOOL#${schoolId}` });

export async function getStaffMember(deps: Deps, schoolId: string, email: string): Promise<StaffMember | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: memberKey(schoolId, email), ConsistentRead: true }),
  );
  return Item ? staffMemberSchema.parse(Item) : undefined;
}

export async function listStaff(deps: Deps, schoolId: string): Promise<StaffMember[]> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': memberKey(schoolId, '').pk },
    }),
  );
  return Items.map((item) => staffMemberSchema.parse(item));
}

/** The schools where this address is staff (verified against each school's own record). */
export async function membershipsOf(deps: Deps, email: string): Promise<StaffMember[]> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': addressKey(email, '').pk },
    }),
  );
  const members = await Promise.all(Items.map((item) => getStaffMember(deps, String(item.schoolId), email)));
  return members.filter((m): m is StaffMember => m !== undefined);
}

/** Adds a member; returns false (and changes nothing) when the address is already staff at that school. */
export async function addStaffMember(deps: Deps, member: StaffMember): Promise<boolean> {
  // The pointer first: a crash between the writes leaves a pointer to nothing, which readers skip.
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: { ...addressKey(member.email, member.schoolId), type: 'staff-address', schoolId: member.schoolId },
    }),
  );
  try {
    await deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: { ...memberKey(member.schoolId, member.email), type: 'staff', ...member },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Changes a member's role; false when there is no such member. */
export async function setStaffRole(deps: Deps, schoolId: string, email: string, role: Role): Promise<boolean> {
  return updateMember(deps, schoolId, email, 'SET #role = :role', { '#role': 'role' }, { ':role': role });
}

/** Records a sign-in (and that an invitation was taken up). */
export async function markSignedIn(deps: Deps, schoolId: string, email: string): Promise<boolean> {
  return updateMember(
    deps,
    schoolId,
    email,
    'SET #status = :active, lastSignInAt = :now',
    { '#status': 'status' },
    { ':active': 'active', ':now': deps.now().toISOString() },
  );
}

/** Removes a member: their sessions stop working at their next request (sessions check membership). */
export async function removeStaffMember(deps: Deps, schoolId: string, email: string): Promise<boolean> {
  const { Attributes } = await deps.clients.dynamo.send(
    new DeleteCommand({ TableName: deps.config.tableName, Key: memberKey(schoolId, email), ReturnValues: 'ALL_OLD' }),
  );
  await deps.clients.dynamo.send(new DeleteCommand({ TableName: deps.config.tableName, Key: addressKey(email, schoolId) }));
  return Attributes !== undefined;
}

async function updateMember(
  deps: Deps,
  schoolId: string,
  email: string,
  expression: string,
  names: Record<string, string>,
  values: Record<string, unknown>,
): Promise<boolean> {
  try {
    await deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: memberKey(schoolId, email),
        UpdateExpression: expression,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
