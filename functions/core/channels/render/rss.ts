import type { School } from '../../schools/school';
import { entryTitle, type FeedEntry, largestOutput } from '../entry';
import { escapeXml } from '../xml';
import type { FeedLinks } from './json-feed';

/**
 * RSS 2.0 (https://www.rssboard.org/rss-specification) with Media RSS for photos
 * (https://www.rssboard.org/media-rss). The guid is the post URL, which never changes.
 */
export function renderRss(school: School, links: FeedLinks, entries: FeedEntry[], now: Date): string {
  const items = entries.map((entry) => {
    const media = entry.media.flatMap((m) => {
      const best = largestOutput(m, m.kind === 'image' ? 'image' : m.kind, m.kind === 'image' ? 'image/jpeg' : undefined);
      if (!best) return [];
      const size = best.width && best.height ? ` width="${best.width}" height="${best.height}"` : '';
      const description = m.alt ? `<media:description type="plain">${escapeXml(m.alt)}</media:description>` : '';
      return [
        `<media:content url="${escapeXml(best.url)}" type="${escapeXml(best.contentType)}" medium="${m.kind}" fileSize="${best.bytes}"${size}>${description}</media:content>`,
      ];
    });
    return [
      '<item>',
      `<title>${escapeXml(entryTitle(entry))}</title>`,
      `<link>${escapeXml(entry.url)}</link>`,
      `<guid isPermaLink="true">${escapeXml(entry.url)}</guid>`,
      `<pubDate>${new Date(entry.publishedAt).toUTCString()}</pubDate>`,
      `<description>${escapeXml(entry.caption)}</description>`,
      ...media,
      '</item>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">',
    '<channel>',
    `<title>${escapeXml(school.name)}</title>`,
    `<link>${escapeXml(links.homePageUrl)}</link>`,
    `<description>${escapeXml(`News and pupils' work from ${school.name}`)}</description>`,
    '<language>en-gb</language>',
    `<lastBuildDate>${now.toUTCString()}</lastBuildDate>`,
    `<atom:link href="${escapeXml(links.feedUrl)}" rel="self" type="application/rss+xml"/>`,
    ...items,
    '</channel>',
    '</rss>',
    '',
  ].join('\n');
}
