import { isPublic } from '../core/audience';
import { mediaStatusWords, postStatusWords } from '../core/posts/status-words';
import type { PostWithMedia } from '../core/posts/store';

/** What the API shows of a post: its state (for the poster's status line), and where it lives. */
export function postView(publicUrl: string, { post, media, revision }: PostWithMedia) {
  return {
    id: post.id,
    state: post.state,
    /** What is happening, in words ("Making the 720p video — 40 %", "Failed: …"). */
    status: postStatusWords(post, media),
    audience: post.audience,
    caption: post.caption,
    url: isPublic(post.audience) ? `${publicUrl}/p/${post.id}` : undefined,
    failure: post.failure,
    createdAt: post.createdAt,
    publishedAt: post.publishedAt,
    retractedAt: post.retractedAt,
    publishAt: post.publishAt ?? undefined,
    tags: post.tags,
    sentBack: post.sentBack,
    /** A change the author made that waits for an admin's approval; the post shows as it was until then. */
    pendingChange: revision ? { caption: revision.caption, audience: revision.audience, at: revision.requestedAt } : undefined,
    /** True once every channel shows the current version. */
    live: post.state === 'published' && post.renderedVersion >= post.version,
    /** For a retracted post: true once it is gone from every channel, and how long that took. */
    gone: post.state === 'retracted' && post.renderedVersion >= post.version,
    goneAfterMs:
      post.state === 'retracted' && post.renderedVersion >= post.version && post.retractedAt && post.renderedAt
        ? new Date(post.renderedAt).getTime() - new Date(post.retractedAt).getTime()
        : undefined,
    media: media.map((m) => ({
      id: m.id,
      state: m.state,
      status: mediaStatusWords(m),
      kind: m.kind,
      progress: m.progress,
      failure: m.failure,
      width: m.width,
      height: m.height,
      durationSeconds: m.durationSeconds,
      /** The faces found (boxes as fractions of the picture) and whether each is blurred: the composer outlines them. */
      faceChoice: m.faceChoice,
      faces: m.faces,
      /** A draft's photo whose faces wait for the poster's choice, face by face (posts/face-review.ts). */
      faceReview: m.faceReview,
      faceBlurReason: m.faceBlurReason,
    })),
  };
}
export type PostView = ReturnType<typeof postView>;
