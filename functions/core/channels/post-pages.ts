import type { Deps } from '../deps';
import type { School } from '../schools/school';
import { type Artifact, postPage } from './artifacts';
import type { FeedEntry } from './entry';
import { pageTranslations } from './entry-translations';
import { writeArtifact } from './site-store';

/**
 * A public post's own pages (one per language), with its translations; returns what was written. Apart
 * from entry-translations.ts, which the pure renderers import for its types: that module must not import
 * them back through here.
 */
export async function writePostPages(deps: Deps, school: School, entry: FeedEntry): Promise<Artifact[]> {
  const pages = postPage(deps.config.publicUrl, school, entry, await pageTranslations(deps, [entry], school));
  await Promise.all(pages.map((page) => writeArtifact(deps, page)));
  return pages;
}
