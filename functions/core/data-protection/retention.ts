import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, queryPages } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import { recordAudit, systemActor } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import type { Deps } from '../deps';
import { retractPost } from '../posts/retract';
import { getPostWithMedia } from '../posts/store';
import { getSchool } from '../schools/school';

/** Schools with a retention period, so the daily run reads one small partition instead of scanning. */
const RETENTION_PARTITION = 'RETENTION#SCHOOLS';
const registrationKey = (schoolId: string) => ({ pk: RETENTION_PARTITION, sk: schoolId });

/** Keeps the register in step with a school's setting (called when an admin changes it). */
export async function registerRetention(deps: Deps, schoolId: string, retentionDays: number | null): Promise<void> {
  const table = deps.config.tableName;
  if (retentionDays === null) {
    await deps.clients.dynamo.send(new DeleteCommand({ TableName: table, Key: registrationKey(schoolId) }));
    return;
  }
  await deps.clients.dynamo.send(
    new PutCommand({ TableName: table, Item: { ...registrationKey(schoolId), type: 'retention', schoolId, lastRunOn: '' } }),
  );
}

/**
 * Takes down posts older than each school's retention period: they are retracted like any post
 * (gone from every channel, files deleted) by "Corridor (automatic)", and the run is audited. Runs at
 * most once a day per school however often it is called (the sweeper calls it every few minutes): the
 * first caller of the day claims the school with a conditional write. Returns how many posts went.
 */
export async function applyRetention(deps: Deps): Promise<number> {
  const today = deps.now().toISOString().slice(0, 10);
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': RETENTION_PARTITION },
    }),
  );
  let retracted = 0;
  for (const item of Items) {
    const schoolId = String(item.schoolId);
    if (String(item.lastRunOn) >= today || !(await claimDay(deps, schoolId, today))) continue;
    retracted += await applySchoolRetention(deps, schoolId);
  }
  return retracted;
}

async function claimDay(deps: Deps, schoolId: string, today: string): Promise<boolean> {
  try {
    await deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: registrationKey(schoolId),
        UpdateExpression: 'SET lastRunOn = :today',
        ConditionExpression: 'attribute_exists(pk) AND lastRunOn < :today',
        ExpressionAttributeValues: { ':today': today },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Retracts one school's posts that went out (or were made) before its retention cutoff. */
export async function applySchoolRetention(deps: Deps, schoolId: string): Promise<number> {
  const school = await getSchool(deps, schoolId);
  if (!school?.retentionDays) return 0;
  const cutoff = new Date(deps.now().getTime() - school.retentionDays * 86_400_000).toISOString();
  const system: Principal = { schoolId, role: 'admin', tokenId: systemActor.tokenId, label: systemActor.label };
  let retracted = 0;
  // Pointers sort by creation time, and a post goes out after it is made: only those made before the
  // cutoff can have gone out before it.
  const pages = queryPages(deps.clients.dynamo, {
    TableName: deps.config.tableName,
    KeyConditionExpression: 'pk = :pk AND sk < :cutoff',
    ExpressionAttributeValues: { ':pk': tableKeys.postsOfSchool(schoolId), ':cutoff': cutoff },
  });
  for await (const page of pages) {
    for (const pointer of page) {
      const current = await getPostWithMedia(deps, String(pointer.postId));
      if (!current || current.post.state === 'retracted') continue;
      if ((current.post.publishedAt ?? current.post.createdAt) >= cutoff) continue;
      if (await retractPost(deps, system, current.post.id)) retracted++;
    }
  }
  if (retracted > 0) {
    await recordAudit(deps, schoolId, systemActor, 'retention_applied', 'posts', {
      retracted,
      retentionDays: school.retentionDays,
    });
  }
  return retracted;
}
