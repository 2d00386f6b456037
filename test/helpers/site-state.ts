import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { listKeys } from '../../functions/aws/s3-prefix';
import type { Artifact } from '../../functions/core/channels/artifacts';
import { META_SK } from '../../functions/core/channels/channel-index-store';
import { feedOwnerEmail } from '../../functions/core/channels/locate';
import type { SiteState } from '../../functions/core/channels/rebuild';
import type { Deps } from '../../functions/core/deps';
import { type MediaItem, mediaItemSchema } from '../../functions/core/media/item';
import { type Post, postSchema } from '../../functions/core/posts/post';
import { getSchool, schoolSchema } from '../../functions/core/schools/school';
import { trustSchema } from '../../functions/core/schools/trust';

/**
 * Reads the whole table (a Scan: fine for a test's small table, never done by Corridor itself) into the
 * state a from-scratch render of the site needs.
 */
export async function readSiteState(deps: Deps): Promise<SiteState> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.clients.dynamo.send(
      new ScanCommand({ TableName: deps.config.tableName, ExclusiveStartKey: startKey, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);

  const posts: Post[] = [];
  const media: MediaItem[] = [];
  const channels = new Map<string, SiteState['channels'][number]>();
  const channelOf = (id: string) => {
    const existing = channels.get(id) ?? { id, count: 0, pages: {} };
    channels.set(id, existing);
    return existing;
  };
  const state: SiteState = {
    publicUrl: deps.config.publicUrl,
    ownerEmail: feedOwnerEmail(deps.config),
    feedPageSize: deps.config.feedPageSize,
    schools: [],
    trusts: [],
    posts: [],
    tokens: {},
    channels: [],
  };
  for (const item of items) {
    const pk = String(item.pk);
    if (item.type === 'school') state.schools.push(schoolSchema.parse(item));
    else if (item.type === 'trust') state.trusts.push(trustSchema.parse(item));
    else if (item.type === 'capability') state.tokens[String(item.channelId)] = String(item.token);
    else if (item.type === 'post') posts.push(postSchema.parse(item));
    else if (item.type === 'media') media.push(mediaItemSchema.parse(item));
    else if (item.sk === META_SK && pk.startsWith('FEED#')) channelOf(pk.slice('FEED#'.length)).count = Number(item.count ?? 0);
    else if (item.type === 'feed-entry') {
      const { postId } = item.entry as { postId: string };
      channelOf(pk.slice('FEED#'.length)).pages[postId] = Number(item.page);
    }
  }
  state.posts = posts.map((post) => ({
    post,
    media: media.filter((m) => m.postId === post.id).sort((a, b) => a.index - b.index),
  }));
  state.channels = [...channels.values()];
  return state;
}

/** Every key in the site bucket under a prefix, listed page by page with the real SDK (ListObjectsV2). */
export function listSiteKeys(deps: Deps, prefix = ''): Promise<string[]> {
  return listKeys(deps.clients.s3, deps.config.siteBucket, prefix);
}

/**
 * The posts' media in the site bucket: every `media/` key but the schools' artwork (drawn from their
 * names on the first render, not a post's file: retracting a post leaves it).
 */
export async function listPostMediaKeys(deps: Deps, schoolIds: string[] = ['demo']): Promise<string[]> {
  const artwork = new Set(
    (await Promise.all(schoolIds.map((id) => getSchool(deps, id)))).flatMap((school) =>
      school?.artwork ? [school.artwork.image.key, school.artwork.icon.key, school.artwork.favicon.key] : [],
    ),
  );
  return (await listSiteKeys(deps, 'media/')).filter((key) => !artwork.has(key));
}

/** Every rendered artifact in the site bucket (media excluded), with its body and Content-Type. */
export async function readSiteArtifacts(deps: Deps): Promise<Artifact[]> {
  const keys = (await listSiteKeys(deps)).filter((key) => !key.startsWith('media/'));
  return Promise.all(
    keys.map(async (key) => {
      const object = await deps.clients.s3.send(new GetObjectCommand({ Bucket: deps.config.siteBucket, Key: key }));
      return { key, body: (await object.Body?.transformToString()) ?? '', contentType: object.ContentType ?? '' };
    }),
  );
}
