import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../../aws/dynamo';
import { siteKeys, sitePath, tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import type { Job, JobKind } from '../jobs/job';
import { deleteOutputs } from '../media/outputs';
import { isPublic, type Post } from '../posts/post';
import { getPostWithMedia } from '../posts/store';
import { getSchool } from '../schools/school';
import { deleteEntry, publicChannelId, putEntry } from './channel-index';
import { toFeedEntry } from './entry';
import { renderPostPage } from './render/pages';
import { renderSchoolChannel, schoolUrls } from './school-channel';
import { artifactTypes, deleteArtifact, writeArtifact } from './site';

/**
 * Runs one fan-out job. Jobs are delivered at least once and may race; each step is idempotent and the
 * job always works from the post's current state, so the channels converge on it whatever the order.
 */
export async function runJob(deps: Deps, job: Job): Promise<void> {
  await jobHandlers[job.kind](deps, job.postId);
}

/** Exhaustive over job kinds: a new kind without a handler does not compile. */
const jobHandlers: Record<JobKind, (deps: Deps, postId: string) => Promise<void>> = {
  publish: syncPost,
  retract: syncPost,
};

/** Makes every channel agree with the post's current state (published → present, otherwise → absent). */
async function syncPost(deps: Deps, postId: string): Promise<void> {
  const current = await getPostWithMedia(deps, postId);
  if (!current) return;
  const { post, media } = current;
  const visible = post.state === 'published';
  const paths: string[] = [];
  if (post.publishedAt && isPublic(post.audience)) {
    const channelId = publicChannelId(post.schoolId);
    if (visible) {
      const entry = toFeedEntry(deps.config.publicUrl, post, media);
      await putEntry(deps, channelId, entry);
      const school = await getSchool(deps, post.schoolId);
      if (!school) throw new Error(`school ${post.schoolId} does not exist`);
      await writeArtifact(
        deps,
        siteKeys.postPage(post.id),
        renderPostPage(school, schoolUrls(deps.config.publicUrl, school.id).schoolUrl, entry),
        artifactTypes.html,
      );
    } else {
      await deleteEntry(deps, channelId, post.publishedAt, post.id);
      await deleteArtifact(deps, siteKeys.postPage(post.id));
    }
    paths.push(sitePath(siteKeys.postPage(post.id)), ...(await renderSchoolChannel(deps, post.schoolId)));
  }
  if (post.state === 'retracted') {
    await deleteOutputs(
      deps,
      media.flatMap((m) => m.outputs.map((o) => o.key)),
    );
    paths.push(...media.flatMap((m) => m.outputs.map((o) => `/${o.key}`)));
  }
  if (paths.length > 0) await (visible ? deps.cdn.changed(paths) : deps.cdn.removed(paths));
  await confirmRendered(deps, post);
}

/** Records the version the channels now show; the sweeper stops re-driving the post. */
async function confirmRendered(deps: Deps, post: Post): Promise<void> {
  try {
    await deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.post(post.id),
        UpdateExpression: 'SET renderedVersion = :v REMOVE gsi1pk, gsi1sk',
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': post.version },
      }),
    );
  } catch (error) {
    // A newer version arrived meanwhile: its own job renders it and confirms.
    if (!isConditionFailed(error)) throw error;
  }
}
