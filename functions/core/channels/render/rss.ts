import { entryTitle, type FeedEntry, largestOutput } from '../entry';
import { type ChannelView, entryLink } from '../view';
import { escapeXml } from '../xml';

const NAMESPACES = [
  'xmlns:atom="http://www.w3.org/2005/Atom"',
  'xmlns:media="http://search.yahoo.com/mrss/"',
  'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"',
  'xmlns:fh="http://purl.org/syndication/history/1.0"',
].join(' ');

const atomLink = (rel: string, href: string) => `<atom:link rel="${rel}" href="${escapeXml(href)}" type="application/rss+xml"/>`;

/**
 * RSS 2.0 (https://www.rssboard.org/rss-specification) with Media RSS for photos
 * (https://www.rssboard.org/media-rss), an `<enclosure>` and iTunes tags for audio and video so the
 * feed plays in podcast apps, and RFC 5005 archive links. The guid never changes.
 */
export function renderRss(view: ChannelView, entries: FeedEntry[]): string {
  const items = entries.map((entry) => {
    const link = entryLink(view, entry);
    const media = entry.media.flatMap((m) => {
      const best = largestOutput(m, m.kind === 'image' ? 'image' : m.kind, m.kind === 'image' ? 'image/jpeg' : undefined);
      if (!best) return [];
      const size = best.width && best.height ? ` width="${best.width}" height="${best.height}"` : '';
      const duration = m.durationSeconds !== undefined ? ` duration="${Math.round(m.durationSeconds)}"` : '';
      const description = m.alt ? `<media:description type="plain">${escapeXml(m.alt)}</media:description>` : '';
      return [
        `<media:content url="${escapeXml(best.url)}" type="${escapeXml(best.contentType)}" medium="${m.kind}" fileSize="${best.bytes}"${size}${duration}>${description}</media:content>`,
      ];
    });
    // RSS allows one enclosure per item: the first recording, which is what podcast apps play.
    const playable = entry.media.find((m) => m.kind === 'audio' || m.kind === 'video');
    const enclosure = playable ? largestOutput(playable, playable.kind === 'audio' ? 'audio' : 'video') : undefined;
    return [
      '<item>',
      `<title>${escapeXml(entryTitle(entry))}</title>`,
      `<link>${escapeXml(link.href)}</link>`,
      `<guid isPermaLink="${entry.url ? 'true' : 'false'}">${escapeXml(link.id)}</guid>`,
      `<pubDate>${new Date(entry.publishedAt).toUTCString()}</pubDate>`,
      `<description>${escapeXml(entry.caption)}</description>`,
      ...entry.tags.map((tag) => `<category>${escapeXml(tag)}</category>`),
      ...(enclosure
        ? [
            `<enclosure url="${escapeXml(enclosure.url)}" length="${enclosure.bytes}" type="${escapeXml(enclosure.contentType)}"/>`,
          ]
        : []),
      ...(playable?.durationSeconds !== undefined
        ? [`<itunes:duration>${Math.round(playable.durationSeconds)}</itunes:duration>`]
        : []),
      ...(playable ? [`<itunes:summary>${escapeXml(entry.caption)}</itunes:summary>`] : []),
      ...media,
      '</item>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<rss version="2.0" ${NAMESPACES}>`,
    '<channel>',
    `<title>${escapeXml(view.title)}</title>`,
    `<link>${escapeXml(view.self.pageUrl)}</link>`,
    `<description>${escapeXml(view.description)}</description>`,
    '<language>en-gb</language>',
    ...(view.updatedAt ? [`<lastBuildDate>${new Date(view.updatedAt).toUTCString()}</lastBuildDate>`] : []),
    atomLink('self', view.self.rssUrl),
    ...(view.isArchive ? ['<fh:archive/>', atomLink('current', view.current.rssUrl)] : []),
    ...(view.prevArchive ? [atomLink('prev-archive', view.prevArchive.rssUrl)] : []),
    `<itunes:author>${escapeXml(view.title)}</itunes:author>`,
    '<itunes:explicit>false</itunes:explicit>',
    `<itunes:category text="Education"/>`,
    // Families' feeds are capability URLs: podcast directories must not list them.
    ...(view.private ? ['<itunes:block>Yes</itunes:block>'] : []),
    ...items,
    '</channel>',
    '</rss>',
    '',
  ].join('\n');
}
