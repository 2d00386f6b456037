import { sitePath } from '../../aws/keys';
import { channelMeta, newestPage, pageEntries } from '../channels/channel-index-store';
import { channel } from '../channels/channels';
import { writePostPages } from '../channels/post-pages';
import { renderChannel } from '../channels/render-channel';
import type { Deps } from '../deps';
import { withArtwork } from '../schools/artwork';
import type { School } from '../schools/school';

/**
 * Shows a changed look everywhere at once: the artwork is drawn again (it carries the accent and logo),
 * then every document of the school's channels — archive pages too, as they carry the header — and every
 * public post page is rendered again, so the site stays what a rebuild from the table would make.
 */
export async function showLook(deps: Deps, stored: School): Promise<School> {
  const school = await withArtwork(deps, stored);
  const channels = [
    channel.public(school.id),
    channel.families(school.id),
    ...school.classes.map((k) => channel.class(school.id, k.id)),
  ];
  const written: string[] = [];
  for (const target of channels) {
    const newest = newestPage((await channelMeta(deps, target.id)).count, deps.config.feedPageSize);
    written.push(...(await renderChannel(deps, target, pages(newest), { school })));
  }
  const publicId = channel.public(school.id).id;
  const newest = newestPage((await channelMeta(deps, publicId)).count, deps.config.feedPageSize);
  for (const page of [...pages(newest), newest]) {
    const entries = page < 0 ? [] : await pageEntries(deps, publicId, page);
    for (const entry of entries) {
      if (!entry.url) continue;
      // One page per language (channels/artifacts.ts postPage), with its translations.
      const pages = await writePostPages(deps, school, entry);
      written.push(...pages.map((artifact) => sitePath(artifact.key)));
    }
  }
  // The local server's cache (CloudFront's stand-in) serves the new bytes at once.
  await deps.cdn.changed(written);
  return school;
}

/** Archive pages 0 … newest − 1. */
const pages = (newest: number) => Array.from({ length: Math.max(0, newest) }, (_, i) => i);
