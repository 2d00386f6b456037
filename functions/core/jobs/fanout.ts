import { sitePath } from '../../aws/keys';
import { addKeys } from '../../aws/telemetry';
import { isPublic } from '../audience';
import { postPageKeys } from '../channels/artifacts';
import { type ChannelMeta, deleteEntry, entryPage, putEntry } from '../channels/channel-index-store';
import { type Channel, channelsForPost, parseChannelId } from '../channels/channels';
import { toFeedEntry } from '../channels/entry';
import { writePostPages } from '../channels/post-pages';
import { narrowed, rekeyMedia, retireOldKeys } from '../channels/rekey';
import { renderChannel } from '../channels/render-channel';
import { deleteArtifact } from '../channels/site-store';
import { markTaskDone, rememberTaskPages, type TaskKey, takeTask, taskedChannels, taskKey } from '../channels/task-store';
import { translatePost } from '../channels/translate-job';
import type { Deps } from '../deps';
import { DomainError, type DomainErrorOptions } from '../errors';
import type { Job, JobKind } from '../job';
import { storedKeysOf } from '../media/item';
import { deleteOutputs } from '../media/outputs-store';
import { notifyFamilies, planNotifications } from '../notify/outbox';
import { confirmRenderedVersion, getPostWithMedia, type PostWithMedia } from '../posts/store';
import { withArtwork } from '../schools/artwork';
import { getSchool, type School } from '../schools/school';
import { forgetTranslations } from '../translate/post-translations';

// The lease is the task store's; re-exported where the crash tests have always read it with the job's other names.
export { TASK_LEASE_MS } from '../channels/task-store';

/** Thrown when another worker holds a task: the message is retried later, not dropped. */
export class TaskBusy extends DomainError {
  override name = 'TaskBusy';
  constructor(message: string, options?: DomainErrorOptions) {
    super('busy', 503, message, options);
  }
}

/**
 * Runs one fan-out job. Jobs arrive at least once and may race; the work is split into tasks keyed
 * (post, version, channel), each claimed with a conditional write and marked done, and every channel
 * update is idempotent. Whatever the order or the crashes, the channels converge on the post's state.
 */
export async function runJob(deps: Deps, job: Job): Promise<JobRun> {
  return jobHandlers[job.kind](deps, job.postId);
}

/**
 * What a run did that operators count: `wentLive` when this run made a post live for the first time —
 * not an edit, an approved revision, a re-blur or a wall re-render of a live post (also publish jobs),
 * nor a duplicate message or a sweeper re-drive that found the work done.
 */
export interface JobRun {
  wentLive: boolean;
}

const NOTHING_COUNTED: JobRun = { wentLive: false };

/** Exhaustive over job kinds: a new kind without a handler does not compile. */
const jobHandlers: Record<JobKind, (deps: Deps, postId: string) => Promise<JobRun>> = {
  publish: syncPost,
  retract: syncPost,
  notify: async (deps, postId) => {
    await notifyFamilies(deps, postId);
    return NOTHING_COUNTED;
  },
  translate: async (deps, postId) => {
    await translatePost(deps, postId);
    return NOTHING_COUNTED;
  },
};

/** Makes every channel agree with the post's current state: present where it belongs, absent elsewhere. */
async function syncPost(deps: Deps, postId: string): Promise<JobRun> {
  const read = await getPostWithMedia(deps, postId);
  if (!read || read.post.renderedVersion >= read.post.version) return NOTHING_COUNTED;
  const { post } = read;
  // A job names only its post; every later line of the run names the school too (aws/telemetry.ts).
  addKeys({ schoolId: post.schoolId });
  const stored = await getSchool(deps, post.schoolId);
  if (!stored) throw new Error(`school ${post.schoolId} does not exist`);
  // Drawn once here rather than by each channel's render: they all name the same artwork.
  const school = await withArtwork(deps, stored);
  const visible = post.state === 'published';
  const target = visible ? channelsForPost(post, school) : [];
  const targetIds = new Set(target.map((c) => c.id));
  // A narrowed audience gets its media at new addresses before any channel is rendered with them.
  const current = narrowed(read, targetIds) ? await rekeyMedia(deps, read) : read;
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
  // Channels are independent (own index partition, own files): they are brought up to date side by side.
  const paths = (
    await settledAll([
      ...[...target, ...elsewhere].map((channel) => syncChannel(deps, current, school, channel, targetIds.has(channel.id))),
      syncPostPage(deps, current, school, visible),
    ])
  ).flat();
  if (post.state === 'retracted') {
    // A media job that stores outputs after this deletes them itself (jobs/media/retracted.ts).
    const keys = storedKeysOf(current.media);
    await deleteOutputs(deps, keys);
    await forgetTranslations(deps, post.id);
    paths.push(...keys.map((key) => `/${key}`));
  } else {
    await retireOldKeys(deps, current); // the channels no longer show the old media addresses
  }
  deps.faults?.('fanout:before-confirm');
  if (paths.length > 0) await (visible ? deps.cdn.changed(paths) : deps.cdn.removed(wildcards(paths)));
  // Who hears about the post is fixed before it is confirmed live (a crash in between leaves the plan
  // for the sweeper); the notifications themselves go out in their own job, never delaying "live".
  const notify = visible && (await planNotifications(deps, post));
  // Records the version the channels now show (the sweeper stops re-driving the post); refused when a
  // newer version arrived meanwhile, whose own job renders it and confirms.
  const confirmed = await confirmRenderedVersion(deps, post, [...targetIds]);
  deps.faults?.('fanout:after-confirm');
  if (notify) await deps.queues.fanout({ kind: 'notify', postId: post.id });
  // The pages just written show no translation of these texts yet (an edit outdated the old ones): the
  // translate job makes them and renders the pages again. Only once live, so it renders this version.
  // (After a crash just before this line, the first message that translates the post queues it instead.)
  if (visible && school.translateCaptions) await deps.queues.fanout({ kind: 'translate', postId: post.id });
  // No version of it was confirmed before: this is the post going live, once (a refused confirm is a newer
  // version's to count, and a retried job after this confirm returns above).
  return { wentLive: visible && confirmed && post.renderedAt === undefined };
}

/**
 * Like Promise.all, but a failure is thrown only once every channel's task has settled. With Promise.all the
 * job's attempt ended at the first failure while the other tasks ran on: their leases looked held to the
 * retry, or — once expired — were taken over while their first worker still rendered, and on Lambda the
 * runtime freezes them half done. Waiting lets each task that can finish mark itself done, so every retry
 * starts from the tasks that really failed. (Found when a crash at every other claim, with twelve
 * languages' pages to render per channel, kept re-claiming the same seven tasks for 50 sweeps.)
 */
async function settledAll<T>(work: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
}

/**
 * What a retract invalidates: each path's first two segments and a wildcard — `/s/<school>*`,
 * `/c/<token>*`, `/w/<trust>*`, `/embed/<school>*`, `/p/<post>*`, `/media/<post>*` — a handful of paths
 * instead of every document and media file (CloudFront bills each path, a wildcard as one). The wildcard
 * follows the segment directly so it also covers the page itself (`/s/demo`, stored as
 * `s/demo/index.html`). Post ids and capability tokens are random and of one length, so `/media/<post>*`
 * reaches no other post's files; `/s/demo*` may also refresh a school whose id starts the same, which
 * costs a cache miss and nothing else. Media stored before per-post prefixes (`/media/<hash>.webp`)
 * become `/media/<hash>.webp*`: that file alone.
 */
export function wildcards(paths: string[]): string[] {
  const collapsed = paths.map((path) => {
    const segments = path.split('/').filter(Boolean);
    return segments.length >= 2 ? `/${segments.slice(0, 2).join('/')}*` : path;
  });
  return [...new Set(collapsed)].sort();
}

/**
 * One (post, version, channel) task: claim, update the channel's index, re-render what changed, mark
 * done. A channel the post never entered is not touched (retracting a draft rewrites no feed).
 */
async function syncChannel(
  deps: Deps,
  { post, media }: PostWithMedia,
  school: School,
  channel: Channel,
  present: boolean,
): Promise<string[]> {
  const task = taskKey(post, channel.id);
  const remembered = await claimTask(deps, task, channel.id);
  if (!remembered) return [];
  deps.faults?.('fanout:after-claim');
  const pages = new Set(remembered);
  let meta: ChannelMeta | undefined;
  if (present) {
    const put = await putEntry(deps, channel.id, toFeedEntry(deps.config.publicUrl, post, media));
    pages.add(put.page);
    meta = put.meta;
  } else if (post.publishedAt) {
    const place = { publishedAt: post.publishedAt, postId: post.id };
    const page = await entryPage(deps, channel.id, place);
    if (page !== undefined) {
      // Remembered before the entry goes: a retry after a crash no longer finds the entry, but still
      // knows which archive page to re-render.
      await rememberTaskPages(deps, task, [...pages, page]);
      meta = await deleteEntry(deps, channel.id, place, page);
      pages.add(page);
    }
  }
  deps.faults?.('fanout:mid-render');
  const paths = present || pages.size > 0 ? await renderChannel(deps, channel, { changed: [...pages] }, { meta, school }) : [];
  await markTaskDone(deps, task);
  return paths;
}

/**
 * Claims a task, or takes over one whose worker's lease ran out, and returns the archive pages an
 * earlier attempt remembered; undefined when the task is already done. Throws TaskBusy while another
 * worker holds it.
 */
async function claimTask(deps: Deps, key: TaskKey, channelId: string): Promise<number[] | undefined> {
  const answer = await takeTask(deps, key, channelId);
  if (answer.taken) return answer.pages;
  if (answer.done) return undefined;
  throw new TaskBusy(`fan-out task ${key.sk} is held by another worker`);
}

/** The public post page (one per language) exists exactly while the post is published to `public`. */
async function syncPostPage(deps: Deps, { post, media }: PostWithMedia, school: School, visible: boolean): Promise<string[]> {
  const keys = postPageKeys(post.id);
  if (visible && isPublic(post.audience)) {
    await writePostPages(deps, school, toFeedEntry(deps.config.publicUrl, post, media));
  } else {
    await Promise.all(keys.map((key) => deleteArtifact(deps, key)));
  }
  return keys.map(sitePath);
}
