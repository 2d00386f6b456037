import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import { isPublic } from '../posts/post';
import { classSchema, getSchool, schoolIdSchema } from '../schools/school';

/**
 * A family: the parents of one or more children at a school, following the classes their children are
 * in. One family, several children, several classes, one notification per post. (How parents join and
 * choose push or email is the parents issue; this is the part publishing needs: who should hear.)
 */
export const familySchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  schoolId: schoolIdSchema,
  classIds: z.array(classSchema.shape.id).max(20),
  createdAt: z.string(),
});
export type Family = z.infer<typeof familySchema>;

export const newFamilySchema = z.object({
  schoolId: schoolIdSchema,
  classIds: z
    .array(classSchema.shape.id)
    .max(20)
    .default([])
    .transform((ids) => [...new Set(ids)]),
});

/** Creates a family following the given classes of its school; refuses classes the school does not have. */
export async function createFamily(deps: Deps, input: z.input<typeof newFamilySchema>): Promise<Family> {
  const { schoolId, classIds } = newFamilySchema.parse(input);
  const school = await getSchool(deps, schoolId);
  if (!school) throw new Error(`school ${schoolId} does not exist`);
  const unknown = classIds.filter((id) => !school.classes.some((c) => c.id === id));
  if (unknown.length > 0) throw new Error(`unknown class: ${unknown.join(', ')}`);
  const family = familySchema.parse({
    id: randomBytes(12).toString('base64url'),
    schoolId,
    classIds,
    createdAt: deps.now().toISOString(),
  });
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: { ...tableKeys.family(schoolId, family.id), type: 'family', ...family },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return family;
}

/** Every family of a school (one partition, read page by page). */
export async function listFamilies(deps: Deps, schoolId: string): Promise<Family[]> {
  const families: Family[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.clients.dynamo.send(
      new QueryCommand({
        TableName: deps.config.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': tableKeys.familiesOfSchool(schoolId) },
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }),
    );
    families.push(...(page.Items ?? []).map((item) => familySchema.parse(item)));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return families;
}

/** Whether a post for `audience` is meant for this family: public and school posts reach every family. */
export function reachesFamily(audience: readonly string[], family: Pick<Family, 'classIds'>): boolean {
  if (isPublic(audience) || audience.includes('school')) return true;
  return family.classIds.some((id) => audience.includes(`class:${id}`));
}
