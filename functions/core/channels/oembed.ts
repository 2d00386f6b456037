import type { School } from '../schools/school';
import { type EntryMedia, type EntryOutput, entryTitle, type FeedEntry, largestOutput } from './entry';
import { escapeXml } from './xml';

/** What the consumer asked for: the embed must fit inside these (oEmbed 1.0 §2.2). */
export interface OembedBounds {
  maxwidth?: number;
  maxheight?: number;
}

interface Sized {
  url: string;
  width: number;
  height: number;
}

/** A players' default width when the consumer gives none. */
const DEFAULT_WIDTH = 640;
/** A browser's audio player is about this tall. */
const AUDIO_HEIGHT = 54;

/** The largest size of `width`×`height` that fits the bounds, never larger than it is. */
export function fitWithin(width: number, height: number, bounds: OembedBounds): { width: number; height: number } {
  const scale = Math.min(1, (bounds.maxwidth ?? width) / width, (bounds.maxheight ?? height) / height);
  return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)) };
}

/**
 * The widest of these images that fits the bounds as it is (an oEmbed photo's or thumbnail's size is
 * the image's own); none when even the smallest is too big.
 */
function pickImage(outputs: Pick<EntryOutput, 'url' | 'width' | 'height'>[], bounds: OembedBounds): Sized | undefined {
  return outputs
    .filter((o): o is Sized => o.width !== undefined && o.height !== undefined)
    .sort((a, b) => b.width - a.width)
    .find(
      (o) => fitWithin(o.width, o.height, bounds).width === o.width && fitWithin(o.width, o.height, bounds).height === o.height,
    );
}

const jpegs = (media: EntryMedia, role: EntryOutput['role']) =>
  media.outputs.filter((o) => o.role === role && o.contentType === 'image/jpeg');

const thumbnail = (image: Sized | undefined) =>
  image ? { thumbnail_url: image.url, thumbnail_width: image.width, thumbnail_height: image.height } : {};

/**
 * oEmbed 1.0 (https://oembed.com/#section2) for a public post: `photo` for a picture, `video` (a player
 * with the poster as thumbnail) for video, `rich` (a player with the school's artwork as thumbnail) for
 * a recording, `link` otherwise — every size within `maxwidth`/`maxheight`. A picture with no rendition
 * small enough is a `link`, and a thumbnail too big is left out: their sizes are the files' own.
 */
export function oembedFor(publicUrl: string, school: School | undefined, entry: FeedEntry, bounds: OembedBounds) {
  const base = {
    version: '1.0',
    title: entryTitle(entry),
    author_name: school?.name,
    author_url: `${publicUrl}/s/${entry.schoolId}`,
    provider_name: 'Corridor',
    provider_url: publicUrl,
    cache_age: 3600,
  };
  const image = entry.media.find((m) => m.kind === 'image');
  const photo = image && pickImage(jpegs(image, 'image'), bounds);
  if (photo) return { ...base, type: 'photo' as const, ...photo };

  const playable = entry.media.find((m) => m.kind === 'video' || m.kind === 'audio');
  const source = playable && largestOutput(playable, playable.kind);
  if (playable?.kind === 'video' && source) {
    const size = fitWithin(source.width ?? DEFAULT_WIDTH, source.height ?? 360, {
      maxwidth: Math.min(bounds.maxwidth ?? DEFAULT_WIDTH, DEFAULT_WIDTH),
      maxheight: bounds.maxheight,
    });
    const poster = pickImage(jpegs(playable, 'poster'), bounds);
    // The player shows a poster whatever the thumbnail's bounds (CSS scales it to the player).
    const still = poster ?? largestOutput(playable, 'poster', 'image/jpeg');
    const html = `<video controls playsinline preload="metadata" src="${escapeXml(source.url)}"${still ? ` poster="${escapeXml(still.url)}"` : ''} width="${size.width}" height="${size.height}" style="max-width:100%;height:auto" aria-label="${escapeXml(playable.alt || 'Video')}"></video>`;
    return { ...base, type: 'video' as const, html, ...size, ...thumbnail(poster) };
  }
  if (playable?.kind === 'audio' && source) {
    const size = {
      width: Math.min(bounds.maxwidth ?? DEFAULT_WIDTH, DEFAULT_WIDTH),
      height: Math.min(bounds.maxheight ?? AUDIO_HEIGHT, AUDIO_HEIGHT),
    };
    const art = school?.artwork;
    const artwork =
      art &&
      pickImage(
        [art.image, art.icon, art.favicon].map((o) => ({ ...o, url: `${publicUrl}/${o.key}` })),
        bounds,
      );
    const html = `<audio controls preload="metadata" src="${escapeXml(source.url)}" style="width:${size.width}px;max-width:100%" aria-label="${escapeXml(playable.alt || 'Sound recording')}"></audio>`;
    return { ...base, type: 'rich' as const, html, ...size, ...thumbnail(artwork) };
  }
  return { ...base, type: 'link' as const };
}
