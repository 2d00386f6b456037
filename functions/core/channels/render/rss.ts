import { type EntryMedia, type EntryOutput, entryTitle, type FeedEntry, largestOutput } from '../entry';
import { podcastGuid } from '../podcast-guid';
import { type ChannelView, entryLink } from '../view';
import { escapeXml } from '../xml';

const NAMESPACES = [
  'xmlns:atom="http://www.w3.org/2005/Atom"',
  'xmlns:media="http://search.yahoo.com/mrss/"',
  'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"',
  'xmlns:podcast="https://podcastindex.org/namespace/1.0"',
  'xmlns:fh="http://purl.org/syndication/history/1.0"',
].join(' ');

/** Text as HTML element content: only what would open a tag or an entity is escaped (quotes need not be). */
const htmlText = (text: string) => text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);

const atomLink = (rel: string, href: string) => `<atom:link rel="${rel}" href="${escapeXml(href)}" type="application/rss+xml"/>`;

/**
 * The type podcast apps expect for a file: Apple documents `audio/x-m4a` for `.m4a` (our AAC recordings,
 * stored as `audio/mp4`); everything else keeps its stored type.
 */
export function podcastMimeType(output: Pick<EntryOutput, 'url' | 'contentType'>): string {
  return output.contentType === 'audio/mp4' && output.url.endsWith('.m4a') ? 'audio/x-m4a' : output.contentType;
}

const mediaContent = (m: EntryMedia) => {
  const best = largestOutput(m, m.kind === 'image' ? 'image' : m.kind, m.kind === 'image' ? 'image/jpeg' : undefined);
  if (!best) return [];
  const size = best.width && best.height ? ` width="${best.width}" height="${best.height}"` : '';
  const duration = m.durationSeconds !== undefined ? ` duration="${Math.round(m.durationSeconds)}"` : '';
  const description = m.alt ? `<media:description type="plain">${escapeXml(m.alt)}</media:description>` : '';
  return [
    `<media:content url="${escapeXml(best.url)}" type="${escapeXml(podcastMimeType(best))}" medium="${m.kind}" fileSize="${best.bytes}"${size}${duration}>${description}</media:content>`,
  ];
};

/** What podcast apps play from an item: its first recording, with its captions as a transcript. */
function episodeTags(entry: FeedEntry): string[] {
  // RSS allows one enclosure per item: the first recording, which is what podcast apps play.
  const playable = entry.media.find((m) => m.kind === 'audio' || m.kind === 'video');
  const enclosure = playable ? largestOutput(playable, playable.kind === 'audio' ? 'audio' : 'video') : undefined;
  if (!playable || !enclosure) return [];
  const captions = largestOutput(playable, 'captions');
  return [
    `<enclosure url="${escapeXml(enclosure.url)}" length="${enclosure.bytes}" type="${escapeXml(podcastMimeType(enclosure))}"/>`,
    ...(playable.durationSeconds !== undefined
      ? [`<itunes:duration>${Math.round(playable.durationSeconds)}</itunes:duration>`]
      : []),
    '<itunes:episodeType>full</itunes:episodeType>',
    '<itunes:explicit>false</itunes:explicit>',
    `<itunes:summary>${escapeXml(entry.caption)}</itunes:summary>`,
    ...(captions ? [`<podcast:transcript url="${escapeXml(captions.url)}" type="text/vtt" language="en" rel="captions"/>`] : []),
  ];
}

/** The channel's podcast tags: Apple's (owner, artwork, type, category) and Podcasting 2.0's. */
function podcastChannelTags(view: ChannelView): string[] {
  const { publisher } = view;
  const artwork = publisher.artwork?.image;
  return [
    `<copyright>© ${escapeXml(publisher.name)}</copyright>`,
    ...(artwork
      ? [
          `<image><url>${escapeXml(artwork.url)}</url><title>${escapeXml(view.title)}</title><link>${escapeXml(view.self.pageUrl)}</link></image>`,
          `<itunes:image href="${escapeXml(artwork.url)}"/>`,
        ]
      : []),
    `<itunes:author>${escapeXml(publisher.name)}</itunes:author>`,
    `<itunes:owner><itunes:name>${escapeXml(publisher.name)}</itunes:name><itunes:email>${escapeXml(publisher.email)}</itunes:email></itunes:owner>`,
    `<itunes:summary>${escapeXml(view.description)}</itunes:summary>`,
    '<itunes:type>episodic</itunes:type>',
    '<itunes:explicit>false</itunes:explicit>',
    '<itunes:category text="Education"/>',
    // One id for the podcast whichever document of it an app reads: derived from the current feed's URL.
    `<podcast:guid>${podcastGuid(view.current.rssUrl)}</podcast:guid>`,
    // A school's feed may not be moved to another host by whoever copies its URL.
    `<podcast:locked owner="${escapeXml(publisher.email)}">yes</podcast:locked>`,
    '<podcast:medium>podcast</podcast:medium>',
    // Families' feeds are capability URLs: podcast directories must not list them.
    ...(view.private ? ['<itunes:block>Yes</itunes:block>', '<podcast:block>yes</podcast:block>'] : []),
  ];
}

/**
 * RSS 2.0 (https://www.rssboard.org/rss-specification) with Media RSS for photos
 * (https://www.rssboard.org/media-rss), an `<enclosure>` and the tags podcast apps read for audio and
 * video (Apple's, and the Podcasting 2.0 namespace), and RFC 5005 archive links. The guid never changes.
 */
export function renderRss(view: ChannelView, entries: FeedEntry[]): string {
  const items = entries.map((entry) => {
    const link = entryLink(view, entry);
    return [
      '<item>',
      `<title>${escapeXml(entryTitle(entry))}</title>`,
      `<link>${escapeXml(link.href)}</link>`,
      `<guid isPermaLink="${entry.url ? 'true' : 'false'}">${escapeXml(link.id)}</guid>`,
      `<pubDate>${new Date(entry.publishedAt).toUTCString()}</pubDate>`,
      // RSS readers treat <description> as HTML: the caption is text, so it is escaped as HTML first
      // ("<3" would otherwise open a tag), then as XML (the W3C validator's NotHtml).
      `<description>${escapeXml(htmlText(entry.caption))}</description>`,
      ...entry.tags.map((tag) => `<category>${escapeXml(tag)}</category>`),
      ...episodeTags(entry),
      ...entry.media.flatMap(mediaContent),
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
    ...podcastChannelTags(view),
    ...items,
    '</channel>',
    '</rss>',
    '',
  ].join('\n');
}
