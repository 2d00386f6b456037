import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh 256-bit secret, URL-safe, with an optional recognisable prefix (e.g. `crd_`). */
export const newSecret = (prefix = '') => `${prefix}${randomBytes(32).toString('base64url')}`;

/**
 * Only hashes of bearer secrets (API tokens, sign-in links, sessions) are stored: a leaked table never
 * yields a usable one. The secrets are random, so a plain SHA-256 is enough (no password stretching).
 */
export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Compares two secrets in constant time (their hashes have equal length whatever the inputs). */
export const sameSecret = (a: string, b: string) =>
  timingSafeEqual(Buffer.from(hashSecret(a), 'hex'), Buffer.from(hashSecret(b), 'hex'));
