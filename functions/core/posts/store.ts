import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import { type MediaItem, mediaItemSchema } from '../media/item';
import { type Post, postSchema } from './post';
import { type Revision, revisionSchema } from './revision';

/** Sparse-index partitions where the sweeper looks for work that stalled. */
export const pendingPartitions = {
  media: 'PENDING#MEDIA',
  fanout: 'PENDING#FANOUT',
  /**
   * Posts still processing, by the time they started: the settle step after their last file (and the
   * wait for uploads that never come) is re-driven from here, so a crash between a file's `ready` and the
   * post's settle cannot leave the post in no partition at all.
   */
  settle: 'PENDING#SETTLE',
  /** Notification plans not yet carried out, and notifications claimed but not yet sent, by time. */
  notify: 'PENDING#NOTIFY',
  /** Scheduled posts, sorted by the time they go live. */
  scheduled: 'PENDING#SCHEDULED',
  /** Parents' deliveries waiting for a time (digests, quiet hours) or for a crashed sender's lease to end. */
  delivery: 'PENDING#DELIVERY',
  /** Schools whose change of school year started and has not finished (a crash): the sweeper finishes it. */
  yearChange: 'PENDING#YEAR',
  /** Families leaving a school at the new year, by the date they are removed. */
  leavers: 'PENDING#LEAVERS',
} as const;

/** A school's posts waiting for an admin's approval, oldest first (the admin's queue). */
export const approvalPartition = (schoolId: string) => `PENDING#APPROVAL#${schoolId}`;

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
  const postItem = Items.find((item) => item.sk === 'POST');
  if (!postItem) return undefined;
  const media = Items.filter((item) => String(item.sk).startsWith(tableKeys.mediaPrefix))
    .map((item) => mediaItemSchema.parse(item))
    .sort((a, b) => a.index - b.index);
  const revisionItem = Items.find((item) => item.sk === 'REVISION');
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
