import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import webpush from 'web-push';
import { DomainError, type DomainErrorOptions } from '../errors';
import type { PushSubscriptionJson } from './push-subscription';

/** What the service worker shows (web/parents/sw.js reads exactly these fields). */
export interface PushPayload {
  title: string;
  body: string;
  /** Opened when the parent taps the notification. */
  url: string;
  /** The family's signed manage link, behind the notification's "Settings" button. */
  manageUrl: string;
  /** The same tag replaces a notification already shown on the device instead of adding a second one. */
  tag: string;
  image?: string;
  /** The language and direction of the words (Notification `lang`/`dir`), and the settings button's label. */
  lang?: string;
  dir?: 'ltr' | 'rtl';
  settingsLabel?: string;
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
export class PushRetryable extends DomainError {
  override name = 'PushRetryable';
  constructor(message: string, options?: DomainErrorOptions) {
    super('push_retryable', 503, message, options);
  }
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

/**
 * Pushes go out over keep-alive connections per push service (a fan-out sends thousands to a handful of
 * origins). node:http(s) with an agent costs noticeably less per request than fetch's streams.
 */
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/** POSTs a body and resolves with the status (the response body is drained and dropped). */
function post(endpoint: string, headers: Record<string, string>, body: Buffer): Promise<number> {
  const url = new URL(endpoint);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      { method: 'POST', headers, agent: agents[url.protocol as keyof typeof agents], timeout: 30_000 },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('push service timed out')));
    request.on('error', reject);
    request.end(body);
  });
}

export class PushSender {
  private readonly authorizations = new Map<string, { header: string; expiresAt: number }>();

  constructor(private readonly vapid: VapidKeys) {}

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
    let status: number;
    try {
      const headers = Object.fromEntries(Object.entries(details.headers).map(([name, value]) => [name, String(value)]));
      status = await post(subscription.endpoint, headers, details.body);
    } catch (error) {
      throw new PushRetryable(`push service unreachable: ${(error as Error).message}`);
    }
    if (status >= 200 && status < 300) return 'delivered';
    if (status === 404 || status === 410) return 'gone';
    if (status === 429 || status >= 500) throw new PushRetryable(`push service answered ${status}`);
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
