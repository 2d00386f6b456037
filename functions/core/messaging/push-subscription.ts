import * as z from 'zod';

/**
 * A browser's push subscription as `PushSubscription.toJSON()` gives it. Kept apart from the sender
 * (push.ts) so the API, which only stores subscriptions, does not bundle the encryption library.
 */
export const pushSubscriptionSchema = z.object({
  endpoint: z.url().refine((u) => /^https?:\/\//.test(u), 'a push endpoint is an http(s) URL'),
  keys: z.object({ p256dh: z.string().min(80).max(100), auth: z.string().min(16).max(32) }),
});
export type PushSubscriptionJson = z.infer<typeof pushSubscriptionSchema>;
