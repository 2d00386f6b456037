import { siteKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import type { MediaItem } from '../media/item';
import { forgetRetiredKeys, recordMovedOutputs } from '../media/item-store';
import { copyOutput, deleteOutputs } from '../media/outputs-store';
import { getSecrets } from '../messaging/secrets';
import { keyedDigest } from '../messaging/signed-links';
import type { PostWithMedia } from '../posts/store';

/**
 * Narrowing a post's audience (public → one class) must also take its photos and videos away from the
 * people who no longer may see them, who may have kept the addresses. Media keys are capabilities, so
 * the media move to new keys, which only the narrower channels are rendered with, and the old objects
 * are deleted and (on AWS) invalidated at the CDN: the old URLs answer 404.
 *
 * Crash-safe in steps, each idempotent: (1) copy every output to its new key — derived with a server
 * secret from the old key and the post version, so a retry copies to the same keys and nobody who knew
 * the old key can work out the new one; (2) record the new outputs and the old keys on the media item,
 * conditional on the epoch; (3) the fan-out renders the channels with the new outputs; (4) the old keys
 * are deleted and invalidated, then forgotten. A crash anywhere is re-driven by the sweeper (the post's
 * version is not confirmed before step 4), and each step finds its work done or does it again.
 */

/** Whether this render takes the post out of channels it was shown in (its audience narrowed). */
export const narrowed = ({ post }: PostWithMedia, targetIds: Set<string>) =>
  post.state === 'published' && post.renderedChannels.some((id) => !targetIds.has(id));

/** Steps 1 and 2 for every media item not yet moved for this version; returns the post with the new outputs. */
export async function rekeyMedia(deps: Deps, current: PostWithMedia): Promise<PostWithMedia> {
  const { post } = current;
  const { linkKey } = await getSecrets(deps);
  const media = await Promise.all(
    current.media.map(async (item): Promise<MediaItem> => {
      if ((item.keyEpoch ?? 0) >= post.version || item.outputs.length === 0) return item;
      const outputs = await Promise.all(
        item.outputs.map(async (output) => {
          const extension = output.key.slice(output.key.lastIndexOf('.'));
          // Under the post's own prefix like every media file, so a retract's one wildcard still covers it.
          const key = siteKeys.media(
            post.id,
            `${keyedDigest(linkKey, 'media-rekey', `${post.version}\0${output.key}`)}${extension}`,
          );
          await copyOutput(deps, output.key, key);
          return { ...output, key };
        }),
      );
      const retiredKeys = [...(item.retiredKeys ?? []), ...item.outputs.map((o) => o.key)];
      const ids = { postId: post.id, mediaId: item.id };
      if (!(await recordMovedOutputs(deps, ids, { outputs, epoch: post.version, retiredKeys }))) {
        throw new Error(`media ${item.id} was moved by another worker; retrying reads its new keys`);
      }
      return { ...item, outputs, keyEpoch: post.version, retiredKeys };
    }),
  );
  return { ...current, media };
}

/** Step 4: deletes the old keys of every moved media item and tells the CDN they are gone. */
export async function retireOldKeys(deps: Deps, { post, media }: PostWithMedia): Promise<void> {
  for (const item of media.filter((m) => (m.retiredKeys ?? []).length > 0)) {
    const keys = item.retiredKeys ?? [];
    await deleteOutputs(deps, keys);
    await deps.cdn.removed(keys.map((key) => `/${key}`));
    await forgetRetiredKeys(deps, { postId: post.id, mediaId: item.id });
  }
}
