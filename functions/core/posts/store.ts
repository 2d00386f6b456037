import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite } from '../../aws/dynamo';
import { approvalPartition, pendingKey, storeKeys, tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import { type MediaItem, mediaItemSchema } from '../media/item';
import { type Post, type PostState, postSchema, type Revision, revisionSchema } from './post';

/** A post and its media (in the order the poster gave), read in one query of the post's partition. */
export interface PostWithMedia {
  post: Post;
  media: MediaItem[];
  /** A change to the post waiting for an admin's approval (revision.ts). */
  revision?: Revision;
}

/** Loads a post with its media; undefined when there is no such post. */
export async function getPostWithMedia(deps: Deps, postId: string): Promise<PostWithMedia | undefined> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': tableKeys.postPartition(postId) },
      ConsistentRead: true,
    }),
  );
  const postItem = Items.find((item) => item.sk === storeKeys.postSk);
  if (!postItem) return undefined;
  const media = Items.filter((item) => String(item.sk).startsWith(tableKeys.mediaPrefix))
    .map((item) => mediaItemSchema.parse(item))
    .sort((a, b) => a.index - b.index);
  const revisionItem = Items.find((item) => item.sk === storeKeys.revisionSk);
  return { post: postSchema.parse(postItem), media, ...(revisionItem ? { revision: revisionSchema.parse(revisionItem) } : {}) };
}

/** The school's posts, newest first (any state), for "my posts" and the admin's lists. */
export async function listSchoolPosts(deps: Deps, schoolId: string, limit = 50): Promise<Post[]> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': tableKeys.postsOfSchool(schoolId) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  const posts = await Promise.all(Items.map((item) => getPostWithMedia(deps, String(item.postId))));
  return posts.filter((p): p is PostWithMedia => p !== undefined).map((p) => p.post);
}

/** Records the version the channels now show (the sweeper stops re-driving the post); false when a newer version arrived. */
export async function confirmRenderedVersion(deps: Deps, post: Post, channels: string[]): Promise<boolean> {
  return conditionalWrite(
    deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.post(post.id),
        UpdateExpression: 'SET renderedVersion = :v, renderedChannels = :channels, renderedAt = :now REMOVE gsi1pk, gsi1sk',
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': post.version, ':channels': channels, ':now': deps.now().toISOString() },
      }),
    ),
  );
}

/**
 * Writes a new post unless it exists (a retried create lands on the same id); false when it did. A post
 * created processing waits in the settle partition until it settles: a crash before its settle (or after
 * its last file's `ready`) cannot leave it processing for ever.
 */
export async function createPostItem(
  deps: Deps,
  post: Record<string, unknown> & { id: string; state: PostState; createdAt: string },
): Promise<boolean> {
  const pending = post.state === 'processing' ? { gsi1pk: pendingKey('settle', post.id), gsi1sk: post.createdAt } : {};
  return conditionalWrite(
    deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: { ...tableKeys.post(post.id), type: 'post', ...post, ...pending },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

/** The school's listing pointer to a post (by its stored creation time, so a retried create rewrites the same item). */
export async function putSchoolPostPointer(deps: Deps, post: Pick<Post, 'id' | 'schoolId' | 'createdAt'>): Promise<void> {
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: { ...storeKeys.schoolPost(post.schoolId, post.createdAt, post.id), type: 'school-post', postId: post.id },
    }),
  );
}

/** A new version of a post for the fan-out to render (in the fan-out pending partition until it confirms). */
export async function bumpPostVersion(deps: Deps, postId: string): Promise<void> {
  const now = deps.now().toISOString();
  await deps.clients.dynamo.send(
    new UpdateCommand({
      TableName: deps.config.tableName,
      Key: tableKeys.post(postId),
      UpdateExpression: 'SET version = version + :one, updatedAt = :now, gsi1pk = :pending, gsi1sk = :now',
      ExpressionAttributeValues: { ':one': 1, ':now': now, ':pending': pendingKey('fanout', postId) },
    }),
  );
}

/** Where a post in this state waits in the sparse index (`remove`: in none), with the fields it is given. */
function indexFor(post: Pick<Post, 'id' | 'schoolId' | 'publishAt'>, state: PostState, now: string) {
  switch (state) {
    case 'published':
    case 'retracted':
      return { partition: pendingKey('fanout', post.id), sortKey: now, newVersion: true };
    case 'scheduled':
      return { partition: pendingKey('scheduled', post.id), sortKey: post.publishAt };
    // A submitted draft waits for its files in the settle partition, like a new post.
    case 'processing':
      return { partition: pendingKey('settle', post.id), sortKey: now };
    case 'pending_approval':
      return { partition: approvalPartition(post.schoolId), sortKey: now };
    default:
      return undefined;
  }
}

/**
 * Moves a post to another state, with `fields`, if it is still at the state and version it was read at
 * (of two racing callers exactly one wins); false when it moved on. A post going live or away gets a new
 * version for the fan-out; each state's partition of the sparse index is set here.
 */
export async function transitionPost(
  deps: Deps,
  post: Pick<Post, 'id' | 'schoolId' | 'state' | 'version' | 'renderedVersion' | 'publishAt'>,
  to: PostState,
  fields: Record<string, unknown> & { updatedAt: string },
): Promise<boolean> {
  const index = indexFor(post, to, fields.updatedAt);
  const entry = index ? { gsi1pk: index.partition, gsi1sk: index.sortKey } : {};
  // Out of every partition, unless a version still waits for the fan-out to confirm it.
  const remove = !index && post.renderedVersion >= post.version;
  return writePost(deps, post, { ...fields, state: to, ...entry }, { newVersion: index?.newVersion ?? false, remove });
}

/**
 * Sets fields of a post still at the state and version it was read at; false when it moved on. `rerender`
 * makes a new version for the fan-out, in its pending partition until confirmed; a scheduled post given a
 * new time is sorted by it.
 */
export async function updatePost(
  deps: Deps,
  post: Pick<Post, 'id' | 'state' | 'version'>,
  fields: Record<string, unknown> & { updatedAt: string },
  rerender: boolean,
): Promise<boolean> {
  const entry = rerender
    ? { gsi1pk: pendingKey('fanout', post.id), gsi1sk: fields.updatedAt }
    : post.state === 'scheduled' && fields.publishAt
      ? { gsi1sk: fields.publishAt }
      : {};
  return writePost(deps, post, { ...fields, ...entry }, { newVersion: rerender, remove: false });
}

async function writePost(
  deps: Deps,
  post: Pick<Post, 'id' | 'state' | 'version'>,
  fields: Record<string, unknown>,
  options: { newVersion: boolean; remove: boolean },
): Promise<boolean> {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
  const sets = entries.map((_, i) => `#f${i} = :v${i}`);
  if (options.newVersion) sets.push('version = version + :one');
  return conditionalWrite(
    deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.post(post.id),
        UpdateExpression: `SET ${sets.join(', ')}${options.remove ? ' REMOVE gsi1pk, gsi1sk' : ''}`,
        ConditionExpression: 'version = :version AND #state = :state',
        ExpressionAttributeNames: { ...Object.fromEntries(entries.map(([name], i) => [`#f${i}`, name])), '#state': 'state' },
        ExpressionAttributeValues: {
          ...Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
          ':version': post.version,
          ':state': post.state,
          ...(options.newVersion ? { ':one': 1 } : {}),
        },
      }),
    ),
  );
}
