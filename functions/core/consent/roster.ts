import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { queryAll } from '../../aws/dynamo';
import type { Deps } from '../deps';

/**
 * Photo consent as schools record it: `none` (no photos at all), `school` (seen by the school's own
 * families only) or `public` (website, feeds, social media). Ordered from narrowest to widest.
 */
export const consentLevels = ['none', 'school', 'public'] as const;
export const consentLevelSchema = z.enum(consentLevels);
export type ConsentLevel = z.infer<typeof consentLevelSchema>;

export const consentLevelNames: Record<ConsentLevel, string> = {
  none: 'no photos',
  school: 'school only',
  public: 'public',
};

export const pupilSchema = z.object({
  schoolId: z.string(),
  pupilId: z.string().min(1).max(64),
  classId: z.string(),
  firstName: z.string().min(1).max(80),
  lastName: z.string().max(80),
  consent: consentLevelSchema,
});
export type Pupil = z.infer<typeof pupilSchema>;

export const pupilName = (p: Pick<Pupil, 'firstName' | 'lastName'>) => `${p.firstName} ${p.lastName}`.trim();

const rosterPartition = (schoolId: string) => `SCHOOL#${schoolId}#PUPILS`;
const pupilKey = (p: Pick<Pupil, 'schoolId' | 'classId' | 'pupilId'>) => ({
  pk: rosterPartition(p.schoolId),
  sk: `${p.classId}#${p.pupilId}`,
});

/** The school's roster (every class), sorted by class then pupil. */
export async function listRoster(deps: Deps, schoolId: string): Promise<Pupil[]> {
  const items = await queryAll(deps.clients.dynamo, {
    TableName: deps.config.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': rosterPartition(schoolId) },
  });
  return items.map((item) => pupilSchema.parse(item));
}

/**
 * Replaces the school's roster with `pupils` (an import is the whole school's current list). New and
 * changed pupils are written before leavers are deleted, so a pupil moving class is never missing.
 */
export async function replaceRoster(deps: Deps, schoolId: string, pupils: Pupil[]): Promise<void> {
  const before = await listRoster(deps, schoolId);
  const keep = new Set(pupils.map((p) => pupilKey(p).sk));
  const puts = pupils.map((p) => ({ PutRequest: { Item: { ...pupilKey(p), type: 'pupil', ...p } } }));
  const deletes = before.filter((p) => !keep.has(pupilKey(p).sk)).map((p) => ({ DeleteRequest: { Key: pupilKey(p) } }));
  await batchWrite(deps, puts);
  await batchWrite(deps, deletes);
}

type WriteRequest = NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string][number];

/** BatchWrite in chunks of 25 (DynamoDB's limit), re-sending anything it left unprocessed. */
async function batchWrite(deps: Deps, requests: WriteRequest[]): Promise<void> {
  for (let i = 0; i < requests.length; i += 25) {
    let pending: WriteRequest[] = requests.slice(i, i + 25);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === 8) throw new Error('the table kept refusing roster writes; please try the import again');
      const { UnprocessedItems } = await deps.clients.dynamo.send(
        new BatchWriteCommand({ RequestItems: { [deps.config.tableName]: pending } }),
      );
      pending = UnprocessedItems?.[deps.config.tableName] ?? [];
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}
