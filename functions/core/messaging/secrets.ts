import { createECDH, randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { Deps } from '../deps';
import { createSecretsItem, readSecretsItem } from './secrets-store';

/**
 * The keys parents' notifications depend on, generated once on first start and then kept for ever:
 * - the VAPID key pair (RFC 8292). Browsers bind each push subscription to the public key, so a new pair
 *   would silently orphan every subscribed phone: it is never regenerated.
 * - the key that signs manage, confirm and unsubscribe links (HMAC-SHA256). A new one would break the
 *   link in every message already sent.
 * They live in the table (encrypted at rest on AWS), created with a conditional write so two processes
 * starting at once agree on one set.
 */
export const secretsSchema = z.object({
  vapidPublicKey: z.string().min(80),
  vapidPrivateKey: z.string().min(40),
  linkKey: z.string().min(40),
  createdAt: z.string(),
});
export type Secrets = z.infer<typeof secretsSchema>;

const cache = new WeakMap<Deps['clients'], Promise<Secrets>>();

/** The secrets, created on first use; cached per process (they never change). */
export function getSecrets(deps: Deps): Promise<Secrets> {
  let secrets = cache.get(deps.clients);
  if (!secrets) {
    secrets = loadOrCreate(deps);
    cache.set(deps.clients, secrets);
    secrets.catch(() => cache.delete(deps.clients));
  }
  return secrets;
}

async function loadOrCreate(deps: Deps): Promise<Secrets> {
  const read = async () => {
    const item = await readSecretsItem(deps);
    return item ? secretsSchema.parse(item) : undefined;
  };
  const existing = await read();
  if (existing) return existing;
  // A P-256 key pair in the form web-push and browsers take: the uncompressed public point and the
  // private scalar, base64url (what webpush.generateVAPIDKeys makes, without bundling web-push into the API).
  const vapid = createECDH('prime256v1');
  vapid.generateKeys();
  const created: Secrets = {
    vapidPublicKey: vapid.getPublicKey().toString('base64url'),
    // The scalar is 32 bytes; Node may drop leading zero bytes, which VAPID signers refuse.
    vapidPrivateKey: Buffer.concat([Buffer.alloc(32), vapid.getPrivateKey()])
      .subarray(-32)
      .toString('base64url'),
    linkKey: randomBytes(32).toString('base64url'),
    createdAt: deps.now().toISOString(),
  };
  const put = await createSecretsItem(deps, created);
  if (put.created) return created;
  const winner = put.existing ? secretsSchema.parse(put.existing) : undefined; // another process created them first: use theirs
  if (!winner) throw new Error('the notification secrets were created by another process but cannot be read back');
  return winner;
}
