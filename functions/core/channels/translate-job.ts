import { sitePath } from '../../aws/keys';
import { addKeys } from '../../aws/telemetry';
import { isPublic } from '../audience';
import type { Deps } from '../deps';
import { getPostWithMedia, type PostWithMedia } from '../posts/store';
import { withArtwork } from '../schools/artwork';
import { getSchool, type School } from '../schools/school';
import { translationPlan } from '../translate/languages';
import { translationFor } from '../translate/post-translations';
import { entryPage } from './channel-index-store';
import { channelsForPost } from './channels';
import { toFeedEntry } from './entry';
import { entryText } from './entry-translations';
import { writePostPages } from './post-pages';
import { renderChannel } from './render-channel';

/**
 * The `translate` job: a published post's caption and alt texts translated into the languages its
 * families chose (each once: a stored translation is read, not asked for again), then the post's pages
 * rendered again so they show them. Queued by the fan-out once a version of a school that translates is
 * live (the pages were rendered before any translation of its texts existed), by a message that made a
 * new translation, and by a staff correction. Any number of runs converge: translations are stored once
 * per (post, language, texts) and a render shows what is stored.
 */
export async function translatePost(deps: Deps, postId: string): Promise<void> {
  const read = await getPostWithMedia(deps, postId);
  // A version still being rendered: its own fan-out queues this job again once it is live.
  if (read?.post.state !== 'published' || read.post.renderedVersion < read.post.version) return;
  addKeys({ schoolId: read.post.schoolId });
  const stored = await getSchool(deps, read.post.schoolId);
  if (!stored?.translateCaptions) return;
  const school = await withArtwork(deps, stored);
  const text = entryText(toFeedEntry(deps.config.publicUrl, read.post, read.media));
  const plan = await translationPlan(deps, school, read.post.audience);
  // A failure is remembered and the page keeps the original; the message that later succeeds queues this again.
  await Promise.all(plan.languages.map(({ locale }) => translationFor(deps, school, text, locale, { rerenderPages: false })));
  // A crash here: the job is retried, reads the stored translations (no second request) and renders.
  deps.faults?.('translate:before-render', postId);
  await renderPostAgain(deps, read, school);
}

/** Renders again every page that shows the post (its place in each channel, and its own page), and tells the CDN. */
async function renderPostAgain(deps: Deps, { post, media }: PostWithMedia, school: School): Promise<void> {
  const paths: string[] = [];
  if (post.publishedAt) {
    const place = { publishedAt: post.publishedAt, postId: post.id };
    for (const target of channelsForPost(post, school)) {
      const page = await entryPage(deps, target.id, place);
      if (page !== undefined) paths.push(...(await renderChannel(deps, target, [page], { school })));
    }
  }
  if (isPublic(post.audience)) {
    const written = await writePostPages(deps, school, toFeedEntry(deps.config.publicUrl, post, media));
    paths.push(...written.map((a) => sitePath(a.key)));
  }
  if (paths.length > 0) await deps.cdn.changed(paths);
}
