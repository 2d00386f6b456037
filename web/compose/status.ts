import type { Api, PostView } from './api';

export type Tone = 'busy' | 'done' | 'problem' | 'quiet';

export interface StatusLine {
  label: string;
  tone: Tone;
  /** Settled: no further change will come without the teacher doing something. */
  final: boolean;
  /** Processing percentage across the post's files, while processing. */
  percent?: number;
}

const timeFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'short', hour: '2-digit', minute: '2-digit' });

/** The post's state machine as the teacher reads it (see functions/core/posts/post.ts). */
export function describe(post: PostView): StatusLine {
  switch (post.state) {
    case 'published':
      return post.live
        ? { label: post.url ? 'Live' : 'Live for families', tone: 'done', final: true }
        : { label: 'Publishing…', tone: 'busy', final: false };
    case 'failed':
      return { label: `Not published: ${failureOf(post)}`, tone: 'problem', final: true };
    case 'retracted':
      return { label: 'Retracted', tone: 'quiet', final: true };
    case 'pending_approval':
      return { label: 'Waiting for approval', tone: 'quiet', final: true };
    case 'scheduled':
      return {
        label: post.publishAt ? `Scheduled for ${timeFormat.format(new Date(post.publishAt))}` : 'Scheduled',
        tone: 'quiet',
        final: true,
      };
    case 'draft':
      return describeDraft(post);
    default: {
      if (post.media.some((m) => m.state === 'awaiting_upload')) return { label: 'Uploading…', tone: 'busy', final: false };
      const percent = post.media.length
        ? Math.round(post.media.reduce((sum, m) => sum + (m.state === 'ready' ? 100 : (m.progress ?? 0)), 0) / post.media.length)
        : 100;
      return { label: `Processing ${percent}%`, tone: 'busy', final: false, percent };
    }
  }
}

/** A draft whose photos' faces wait for the teacher's choice (every file in, none refused). */
export const waitsForFaces = (post: PostView) =>
  post.state === 'draft' && post.media.every((m) => m.state === 'ready') && post.media.some((m) => m.faceReview);

/** A draft of the composer's face review: looking for faces, then waiting for the teacher's choice. */
function describeDraft(post: PostView): StatusLine {
  const review = post.media.filter((m) => m.faceReview);
  if (review.length === 0) return { label: 'Draft', tone: 'quiet', final: true };
  const failed = post.media.find((m) => m.state === 'failed');
  if (failed) return { label: `Not published: ${failureOf(post)}`, tone: 'problem', final: true };
  if (post.media.some((m) => m.state === 'awaiting_upload')) return { label: 'Uploading…', tone: 'busy', final: false };
  if (review.some((m) => m.state !== 'ready')) return { label: 'Looking for faces in your photos…', tone: 'busy', final: false };
  return { label: 'Not sent yet: check the faces, then send', tone: 'quiet', final: true };
}

function failureOf(post: PostView): string {
  return post.failure?.message ?? post.media.find((m) => m.failure)?.failure?.message ?? 'something went wrong.';
}

/**
 * Polls a post until its status settles, calling `onUpdate` with every answer. Returns a stop function.
 * Polling (not push) because the API is plain HTTP on Lambda; it backs off after the first minute.
 */
export function track(
  api: Api,
  postId: string,
  onUpdate: (post: PostView) => void,
  onError: (error: unknown) => void,
): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const started = Date.now();
  const tick = async () => {
    if (stopped) return;
    try {
      const post = await api.getPost(postId);
      if (stopped) return;
      onUpdate(post);
      if (describe(post).final) return;
    } catch (error) {
      onError(error);
    }
    timer = setTimeout(tick, Date.now() - started < 60_000 ? 800 : 5_000);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
