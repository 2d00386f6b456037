import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../../aws/dynamo';
import { siteKeys, sitePath, tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import type { Job, JobKind } from '../jobs/job';
import { deleteOutputs } from '../media/outputs';
import { notifyFamilies } from '../notify/outbox';
import { isPublic, type Post } from '../posts/post';
import { getPostWithMedia, type PostWithMedia } from '../posts/store';
import { getSchool, type School } from '../schools/school';
import { deleteEntry, putEntry } from './channel-index';
import { type Channel, channelsForPost, parseChannelId } from './channels';
import { toFeedEntry } from './entry';
import { renderPostPage } from './render/pages';
import { renderChannel } from './render-channel';
import { artifactTypes, deleteArtifact, writeArtifact } from './site';

/** How long a fan-out worker holds a (post, version, channel) task before another may take it over. */
export const TASK_LEASE_MS = 60_000;
/** Task records are kept for a month, for the audit of where a post went; DynamoDB TTL deletes them. */
const TASK_RETENTION_S = 30 * 24 * 3600;

/** Thrown when another worker holds a task: the message is retried later, not dropped. */
export class TaskBusy extends Error {
  override name = 'TaskBusy';
}

/**
 * Runs one fan-out job. Jobs arrive at least once and may race; the work is split into tasks keyed
 * (post, version, channel), each claimed with a conditional write and marked done, and every channel
 * update is idempotent. Whatever the order or the crashes, the channels converge on the post's state.
 */
export async function runJob(deps: Deps, job: Job): Promise<void> {
  await jobHandlers[job.kind](deps, job.postId);
}

/** Exhaustive over job kinds: a new kind without a handler does not compile. */
const jobHandlers: Record<JobKind, (deps: Deps, postId: string) => Promise<void>> = {
  publish: syncPost,
  retract: syncPost,
};

/** Makes every channel agree with the post's current state: present where it belongs, absent elsewhere. */
async function syncPost(deps: Deps, postId: string): Promise<void> {
  const current = await getPostWithMedia(deps, postId);
  if (!current || current.post.renderedVersion >= current.post.version) return;
  const { post } = current;
  const school = await getSchool(deps, post.schoolId);
  if (!school) throw new Error(`school ${post.schoolId} does not exist`);
  const visible = post.state === 'published';
  const target = visible ? channelsForPost(post, school) : [];
  const targetIds = new Set(target.map((c) => c.id));
  // Everywhere the post may be: where it was confirmed, and where any earlier, unconfirmed attempt went.
  const elsewhere = [
    ...new Set([
      ...post.renderedChannels,
      ...(await taskedChannels(deps, post.id)),
      ...channelsForPost(post, school).map((c) => c.id),
    ]),
  ]
    .filter((id) => !targetIds.has(id))
    .map(parseChannelId)
    .filter((c): c is Channel => c !== undefined);
  const paths: string[] = [];
  for (const channel of [...target, ...elsewhere]) {
    paths.push(...(await syncChannel(deps, current, channel, targetIds.has(channel.id))));
  }
  paths.push(...(await syncPostPage(deps, current, school, visible)));
  if (post.state === 'retracted') {
    const keys = current.media.flatMap((m) => m.outputs.map((o) => o.key));
    await deleteOutputs(deps, keys);
    paths.push(...keys.map((key) => `/${key}`));
  }
  deps.faults?.('fanout:before-confirm');
  if (paths.length > 0) await (visible ? deps.cdn.changed(paths) : deps.cdn.removed(paths));
  // Families hear about a post once every channel shows it; the outbox makes that once per family.
  if (visible) await notifyFamilies(deps, post);
  await confirmRendered(deps, post, [...targetIds]);
  deps.faults?.('fanout:after-confirm');
}

/** One (post, version, channel) task: claim, update the channel's index, re-render it, mark done. */
async function syncChannel(deps: Deps, { post, media }: PostWithMedia, channel: Channel, present: boolean): Promise<string[]> {
  const task = { pk: tableKeys.postPartition(post.id), sk: `TASK#${String(post.version).padStart(6, '0')}#${channel.id}` };
  if (!(await claimTask(deps, task, channel.id))) return [];
  deps.faults?.('fanout:after-claim');
  let pages: number[] = [];
  if (present) {
    const { page, opened } = await putEntry(deps, channel.id, toFeedEntry(deps.config.publicUrl, post, media));
    pages = opened ? [page, page - 1] : [page];
  } else if (post.publishedAt) {
    const page = await deleteEntry(deps, channel.id, { publishedAt: post.publishedAt, postId: post.id });
    pages = page === undefined ? [] : [page];
  }
  deps.faults?.('fanout:mid-render');
  const paths = await renderChannel(deps, channel, pages);
  await deps.clients.dynamo.send(
    new UpdateCommand({
      TableName: deps.config.tableName,
      Key: task,
      UpdateExpression: 'SET #state = :done, doneAt = :now',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':done': 'done', ':now': deps.now().toISOString() },
    }),
  );
  return paths;
}

/** Claims a task; false when it is already done. Throws TaskBusy while another worker holds it. */
async function claimTask(deps: Deps, key: { pk: string; sk: string }, channelId: string): Promise<boolean> {
  const now = deps.now();
  try {
    await deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: {
          ...key,
          type: 'fanout-task',
          channelId,
          state: 'claimed',
          leaseUntil: new Date(now.getTime() + TASK_LEASE_MS).toISOString(),
          expiresAt: Math.floor(now.getTime() / 1000) + TASK_RETENTION_S,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR (#state = :claimed AND leaseUntil < :now)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':claimed': 'claimed', ':now': now.toISOString() },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk AND sk = :sk',
      ExpressionAttributeValues: { ':pk': key.pk, ':sk': key.sk },
      ConsistentRead: true,
    }),
  );
  if (Items[0]?.state === 'done') return false;
  throw new TaskBusy(`fan-out task ${key.sk} is held by another worker`);
}

/** Every channel any fan-out task of this post ever touched. */
async function taskedChannels(deps: Deps, postId: string): Promise<string[]> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :task)',
      ExpressionAttributeValues: { ':pk': tableKeys.postPartition(postId), ':task': 'TASK#' },
      ProjectionExpression: 'channelId',
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => String(item.channelId));
}

/** The public post page exists exactly while the post is published to `public`. */
async function syncPostPage(deps: Deps, { post, media }: PostWithMedia, school: School, visible: boolean): Promise<string[]> {
  const key = siteKeys.postPage(post.id);
  if (visible && isPublic(post.audience)) {
    const entry = toFeedEntry(deps.config.publicUrl, post, media);
    const view = {
      schoolName: school.name,
      schoolUrl: `${deps.config.publicUrl}/s/${school.id}`,
      timezone: school.timezone,
      publicUrl: deps.config.publicUrl,
    };
    await writeArtifact(deps, key, renderPostPage(view, entry), artifactTypes.html);
  } else {
    await deleteArtifact(deps, key);
  }
  return [sitePath(key)];
}

/** Records the version the channels now show; the sweeper stops re-driving the post. */
async function confirmRendered(deps: Deps, post: Post, channels: string[]): Promise<void> {
  try {
    await deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.post(post.id),
        UpdateExpression: 'SET renderedVersion = :v, renderedChannels = :channels, renderedAt = :now REMOVE gsi1pk, gsi1sk',
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': post.version, ':channels': channels, ':now': deps.now().toISOString() },
      }),
    );
  } catch (error) {
    // A newer version arrived meanwhile: its own job renders it and confirms.
    if (!isConditionFailed(error)) throw error;
  }
}
