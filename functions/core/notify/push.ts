import { createHash } from 'node:crypto';
import webpush from 'web-push';
import * as z from 'zod';

/** A browser's push subscription as `PushSubscription.toJSON()` gives it. */
export const pushSubscriptionSchema = z.object({
  endpoint: z.url().refine((u) => /^https?:\/\//.test(u), 'a push endpoint is an http(s) URL'),
  keys: z.object({ p256dh: z.string().min(80).max(100), auth: z.string().min(16).max(32) }),
});
export type PushSubscriptionJson = z.infer<typeof pushSubscriptionSchema>;

/** What the service worker shows (web/parents/sw.js reads exactly these fields). */
export interface PushPayload {
  title: string;
  body: string;
  /** Opened when the parent taps the notification. */
  url: string;
  /** The same tag replaces a notification already shown on the device instead of adding a second one. */
  tag: string;
  image?: string;
}

export interface PushMessage {
  payload: PushPayload;
  /**
   * RFC 8030 §5.4: a queued message with the same Topic is replaced, so a resend after a crash collapses
   * at the push service (and the payload's `tag` collapses it on the device if it was already delivered).
   */
  topic: string;
  urgency: 'low' | 'normal' | 'high';
  /** Seconds the push service keeps the message for a phone that is offline. */
  ttlSeconds: number;
}

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** `mailto:` or `https:` contact for push services (RFC 8292 §2.1). */
  subject: string;
}

/** `delivered`; `gone` = the subscription no longer exists (404/410: remove it); `rejected` = never retry. */
export type PushOutcome = 'delivered' | 'gone' | 'rejected';

/** A push service failed in a way worth retrying (429, 5xx, network). */
export class PushRetryable extends Error {
  override name = 'PushRetryable';
}

/** A Topic (≤ 32 URL-safe base64 characters) derived from what the message is about. */
export function pushTopic(subject: string): string {
  return createHash('sha256').update(subject).digest('base64url').slice(0, 32);
}

/** Message bodies are small; the push service limit is 4 kB of ciphertext (RFC 8030 §7.2). */
export const MAX_PUSH_PAYLOAD_BYTES = 3000;

/**
 * VAPID JWTs (an ECDSA signature each) are cached per push service origin: signing one per message
 * would cost more than encrypting it. They live 12 hours and are renewed an hour before they end.
 * Expiry uses the real clock, not the domain clock: push services check it against theirs.
 */
const VAPID_JWT_LIFETIME_S = 12 * 3600;
const VAPID_JWT_RENEW_S = 3600;

export class PushSender {
  private readonly authorizations = new Map<string, { header: string; expiresAt: number }>();

  constructor(
    private readonly vapid: VapidKeys,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /**
   * Encrypts (RFC 8291 aes128gcm, by `web-push`) and posts one message. Resolves with the outcome the
   * caller records; throws {@link PushRetryable} when trying again later may succeed.
   */
  async send(subscription: PushSubscriptionJson, message: PushMessage): Promise<PushOutcome> {
    const payload = JSON.stringify(message.payload);
    if (Buffer.byteLength(payload) > MAX_PUSH_PAYLOAD_BYTES) throw new Error('push payload too large');
    const details = webpush.generateRequestDetails(subscription, payload, {
      TTL: message.ttlSeconds,
      urgency: message.urgency,
      topic: message.topic,
      contentEncoding: 'aes128gcm',
      headers: { Authorization: this.authorization(subscription.endpoint) },
    });
    let response: Response;
    try {
      response = await this.fetchImpl(subscription.endpoint, {
        method: 'POST',
        headers: Object.fromEntries(Object.entries(details.headers).map(([name, value]) => [name, String(value)])),
        body: new Uint8Array(details.body),
      });
    } catch (error) {
      throw new PushRetryable(`push service unreachable: ${(error as Error).message}`);
    }
    await response.arrayBuffer().catch(() => undefined); // drain, so the connection is reused
    if (response.ok) return 'delivered';
    if (response.status === 404 || response.status === 410) return 'gone';
    if (response.status === 429 || response.status >= 500) throw new PushRetryable(`push service answered ${response.status}`);
    return 'rejected';
  }

  private authorization(endpoint: string): string {
    const audience = new URL(endpoint).origin;
    const nowS = Math.floor(Date.now() / 1000);
    const cached = this.authorizations.get(audience);
    if (cached && cached.expiresAt - VAPID_JWT_RENEW_S > nowS) return cached.header;
    const expiresAt = nowS + VAPID_JWT_LIFETIME_S;
    const { Authorization } = webpush.getVapidHeaders(
      audience,
      this.vapid.subject,
      this.vapid.publicKey,
      this.vapid.privateKey,
      'aes128gcm',
      expiresAt,
    );
    this.authorizations.set(audience, { header: Authorization, expiresAt });
    return Authorization;
  }
}
