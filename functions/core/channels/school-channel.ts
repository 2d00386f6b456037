import { siteKeys, sitePath } from '../../aws/keys';
import type { Deps } from '../deps';
import { getSchool, type School } from '../schools/school';
import { channelRevision, latestEntries, publicChannelId } from './channel-index';
import { renderJsonFeed } from './render/json-feed';
import { renderSchoolPage } from './render/pages';
import { renderRss } from './render/rss';
import { artifactTypes, writeArtifact } from './site';

/** Absolute URLs of a school's public artifacts. */
export function schoolUrls(publicUrl: string, schoolId: string) {
  return {
    schoolUrl: `${publicUrl}${sitePath(siteKeys.schoolPage(schoolId))}`,
    jsonFeedUrl: `${publicUrl}${sitePath(siteKeys.schoolFeedJson(schoolId))}`,
    rssUrl: `${publicUrl}${sitePath(siteKeys.schoolRss(schoolId))}`,
  };
}

/** Re-renders a school's public page and feeds from its channel index; returns the paths it wrote. */
export async function renderSchoolChannel(deps: Deps, schoolId: string): Promise<string[]> {
  const school = await getSchool(deps, schoolId);
  if (!school) throw new Error(`school ${schoolId} does not exist`);
  const channelId = publicChannelId(schoolId);
  for (;;) {
    const revision = await channelRevision(deps, channelId);
    const paths = await writeSchoolArtifacts(deps, school);
    if ((await channelRevision(deps, channelId)) === revision) return paths;
  }
}

async function writeSchoolArtifacts(deps: Deps, school: School): Promise<string[]> {
  const entries = await latestEntries(deps, publicChannelId(school.id));
  const urls = schoolUrls(deps.config.publicUrl, school.id);
  const artifacts = [
    {
      key: siteKeys.schoolFeedJson(school.id),
      type: artifactTypes.json,
      body: renderJsonFeed(school, { homePageUrl: urls.schoolUrl, feedUrl: urls.jsonFeedUrl }, entries),
    },
    {
      key: siteKeys.schoolRss(school.id),
      type: artifactTypes.rss,
      body: renderRss(school, { homePageUrl: urls.schoolUrl, feedUrl: urls.rssUrl }, entries, deps.now()),
    },
    { key: siteKeys.schoolPage(school.id), type: artifactTypes.html, body: renderSchoolPage(school, urls, entries) },
  ];
  await Promise.all(artifacts.map((a) => writeArtifact(deps, a.key, a.body, a.type)));
  return artifacts.map((a) => sitePath(a.key));
}
