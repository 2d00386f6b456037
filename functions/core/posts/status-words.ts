import type { MediaItem } from '../media/item';
import { declaredKind } from '../media/uploads';
import type { Post } from './post';

/**
 * What is happening to a post, in the words a teacher reads in `corridor status` and the composer:
 * "Waiting for the upload", "Making the 720p video — 40 %", "Failed: …" — never just a state name.
 */
export function postStatusWords(post: Post, media: MediaItem[]): string {
  const rendered = post.renderedVersion >= post.version;
  switch (post.state) {
    case 'draft':
      return post.sentBack ? `Sent back to you: ${post.sentBack.reason}` : 'Draft: not sent yet';
    case 'processing':
      return processingWords(media);
    case 'pending_approval':
      return 'Waiting for an admin to approve it';
    case 'scheduled':
      return `Scheduled for ${post.publishAt ?? 'later'}`;
    case 'published':
      return rendered ? 'Published on every channel' : 'Publishing to every channel';
    case 'failed':
      return `Failed: ${post.failure?.message ?? 'a file could not be processed.'}`;
    case 'retracted':
      return rendered ? 'Retracted: gone from every channel' : 'Retracting from every channel';
  }
}

/** One file's state in words, with its progress while it is being made. */
export function mediaStatusWords(item: MediaItem): string {
  const kind = item.kind ?? declaredKind(item.declaredType);
  switch (item.state) {
    case 'awaiting_upload':
      return item.uploadId && Object.keys(item.parts ?? {}).length > 0
        ? `Uploading: ${Object.keys(item.parts ?? {}).length} parts arrived`
        : 'Waiting for the upload';
    case 'uploaded':
      return 'Uploaded, waiting its turn to be processed';
    case 'processing': {
      const doing =
        kind === 'video' ? 'Making the 720p video' : kind === 'audio' ? 'Preparing the recording' : 'Resizing the photo';
      return `${doing} — ${Math.round(item.progress ?? 0)} %`;
    }
    case 'ready':
      return 'Ready';
    case 'failed':
      return `Failed: ${item.failure?.message ?? 'this file could not be processed.'}`;
  }
}

/** The first file still in the way (failed files fail the post, so they are shown by the post's state). */
function processingWords(media: MediaItem[]): string {
  const pending = media.findIndex((m) => m.state !== 'ready');
  const item = media[pending];
  if (!item) return 'Processed, publishing';
  const words = mediaStatusWords(item);
  return media.length > 1 ? `File ${pending + 1} of ${media.length}: ${words}` : words;
}
