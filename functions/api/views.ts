import { isPublic } from '../core/posts/post';
import type { PostWithMedia } from '../core/posts/store';

/** What the API shows of a post: its state (for the poster's status line), and where it lives. */
export function postView(publicUrl: string, { post, media }: PostWithMedia) {
  return {
    id: post.id,
    state: post.state,
    audience: post.audience,
    caption: post.caption,
    url: isPublic(post.audience) ? `${publicUrl}/p/${post.id}` : undefined,
    failure: post.failure,
    createdAt: post.createdAt,
    publishedAt: post.publishedAt,
    retractedAt: post.retractedAt,
    /** True once every channel shows the current version. */
    live: post.state === 'published' && post.renderedVersion >= post.version,
    media: media.map((m) => ({
      id: m.id,
      state: m.state,
      kind: m.kind,
      progress: m.progress,
      failure: m.failure,
      width: m.width,
      height: m.height,
      durationSeconds: m.durationSeconds,
    })),
  };
}
export type PostView = ReturnType<typeof postView>;
