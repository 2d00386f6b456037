import type { Deps } from '../deps';
import { fromAddress } from './email';
import { PushSender } from './push';
import type { Secrets } from './secrets';

const senders = new WeakMap<Deps['clients'], PushSender>();

/** One push sender per process: it caches VAPID signatures per push service. */
export function pushSender(deps: Deps, secrets: Secrets): PushSender {
  let sender = senders.get(deps.clients);
  if (!sender) {
    const subject = deps.config.vapidSubject ?? `mailto:${/<([^>]+)>/.exec(fromAddress(deps))?.[1] ?? fromAddress(deps)}`;
    sender = new PushSender({ publicKey: secrets.vapidPublicKey, privateKey: secrets.vapidPrivateKey, subject });
    senders.set(deps.clients, sender);
  }
  return sender;
}
