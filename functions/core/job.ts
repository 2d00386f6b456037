import * as z from 'zod';

/**
 * Messages on the fan-out queue. A discriminated union with an exhaustive handler map (see
 * `jobs/fanout.ts`), so adding a kind without handling it is a compile error.
 */
export const jobSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('publish'), postId: z.string() }),
  z.object({ kind: z.literal('retract'), postId: z.string() }),
  /** Enqueue the notifications of a newly published post (see notify/outbox.ts). */
  z.object({ kind: z.literal('notify'), postId: z.string() }),
  /** Translate a live post's caption for its families' languages and render its pages again (channels/translate-job.ts). */
  z.object({ kind: z.literal('translate'), postId: z.string() }),
]);
export type Job = z.infer<typeof jobSchema>;
export type JobKind = Job['kind'];
