import * as z from 'zod';

/**
 * Messages on the notifications queue: the contract between publishing (which enqueues each exactly
 * once per post and family) and delivery (web push, email, the evening digest — the parents issue).
 * A discriminated union, so a consumer's handler map must cover every kind.
 */
export const notificationSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('post_published'),
    postId: z.string(),
    schoolId: z.string(),
    familyId: z.string(),
    /**
     * `<postId>:<familyId>`. The outbox enqueues each key once; only a crash between the send and its
     * record can repeat one, so consumers derive their effects from it (a web push `Topic`, an email
     * `Message-ID`) and a repeat collapses on the device too.
     */
    key: z.string(),
  }),
]);
export type Notification = z.infer<typeof notificationSchema>;
export type NotificationKind = Notification['kind'];

/** The notification telling one family about one newly published post. */
export const postPublished = (post: { id: string; schoolId: string }, familyId: string): Notification => ({
  kind: 'post_published',
  postId: post.id,
  schoolId: post.schoolId,
  familyId,
  key: `${post.id}:${familyId}`,
});
