import * as z from 'zod';
import { isPublic } from '../audience';
import type { MediaItem } from '../media/item';
import { mediaKinds, outputRoles } from '../media/media';
import type { Post } from '../posts/post';
import { cleanText, oneLine } from '../security/text';

/**
 * A post as every channel renders it: a snapshot taken at publish time and stored in each channel's
 * index, so rendering a channel reads one partition and never joins.
 */
export const feedEntrySchema = z.object({
  postId: z.string(),
  schoolId: z.string(),
  caption: z.string(),
  publishedAt: z.string(),
  updatedAt: z.string(),
  /** The post page's absolute URL — only public posts have one; it is also their stable guid. */
  url: z.string().optional(),
  /** Lower-case hashtags, for tag links. */
  tags: z.array(z.string()).default([]),
  media: z.array(
    z.object({
      kind: z.enum(mediaKinds),
      alt: z.string(),
      width: z.number().optional(),
      height: z.number().optional(),
      durationSeconds: z.number().optional(),
      placeholder: z.string().optional(),
      dominantColor: z.string().optional(),
      outputs: z.array(
        z.object({
          role: z.enum(outputRoles),
          url: z.string(),
          contentType: z.string(),
          bytes: z.number(),
          width: z.number().optional(),
          height: z.number().optional(),
        }),
      ),
    }),
  ),
});
export type FeedEntry = z.infer<typeof feedEntrySchema>;
export type EntryMedia = FeedEntry['media'][number];
export type EntryOutput = EntryMedia['outputs'][number];

/** Builds the snapshot of a published post; media URLs are absolute so feeds work anywhere. */
export function toFeedEntry(publicUrl: string, post: Post, media: MediaItem[]): FeedEntry {
  return {
    postId: post.id,
    schoolId: post.schoolId,
    caption: post.caption,
    publishedAt: post.publishedAt ?? post.createdAt,
    updatedAt: post.updatedAt,
    url: isPublic(post.audience) ? `${publicUrl}/p/${post.id}` : undefined,
    tags: post.tags,
    media: media.map((m) => ({
      kind: m.kind ?? 'image',
      alt: m.alt,
      width: m.width,
      height: m.height,
      durationSeconds: m.durationSeconds,
      placeholder: m.placeholder,
      dominantColor: m.dominantColor,
      outputs: m.outputs.map(({ key, ...output }) => ({ ...output, url: `${publicUrl}/${key}` })),
    })),
  };
}

/** The widest output of a role and type, e.g. the largest JPEG for Open Graph and RSS. */
export function largestOutput(media: EntryMedia, role: EntryOutput['role'], contentType?: string): EntryOutput | undefined {
  return media.outputs
    .filter((o) => o.role === role && (!contentType || o.contentType === contentType))
    .sort((a, b) => (b.width ?? 0) - (a.width ?? 0))[0];
}

/** A short title from the caption: feed readers and link previews need one. */
export function entryTitle(entry: FeedEntry): string {
  // cleanText first: a caption stored before the boundary cleaning may still end its lines with CR.
  const firstLine = oneLine(cleanText(entry.caption).split('\n')[0] ?? '');
  if (firstLine === '') return entry.media.length > 0 ? `New ${entry.media[0]?.kind ?? 'post'}` : 'New post';
  return firstLine.length > 80 ? `${firstLine.slice(0, 77)}…` : firstLine;
}

/**
 * A title that is not just the text again: the caption's first line when more lines follow it (a
 * heading the poster wrote), else none — JSON Feed items without a title read as short posts.
 */
export function distinctTitle(entry: Pick<FeedEntry, 'caption'>): string | undefined {
  const lines = entry.caption
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const first = lines[0];
  return first !== undefined && lines.length > 1 && first.length <= 80 ? first : undefined;
}
