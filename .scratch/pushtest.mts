import webpush from 'web-push';
import { PushSender, pushTopic } from '/work/wt-parents/functions/core/notify/push';
import { startPushService } from '/work/wt-parents/test/helpers/push-service';

const svc = await startPushService();
const keys = webpush.generateVAPIDKeys();
const sender = new PushSender({ ...keys, subject: 'mailto:a@b.c' });
const b = svc.browser();
console.log(
  await sender.send(b.subscription, {
    payload: { title: 't', body: 'héllo', url: 'http://x/p/1', tag: 'post-1' },
    topic: pushTopic('post:1'),
    urgency: 'normal',
    ttlSeconds: 3600,
  }),
);
console.log(svc.received, svc.problems);
const bs = Array.from({ length: 2000 }, () => svc.browser());
const t = performance.now();
let i = 0;
await Promise.all(
  Array.from({ length: 32 }, async () => {
    while (i < bs.length) {
      const x = bs[i++]!;
      await sender.send(x.subscription, {
        payload: { title: 't', body: 'hello', url: 'http://x/p/1', tag: 'post-1' },
        topic: pushTopic('post:1'),
        urgency: 'normal',
        ttlSeconds: 3600,
      });
    }
  }),
);
console.log('2000 in', performance.now() - t, 'ms', svc.received.length, svc.problems.length);
svc.answer(b.id, 410);
console.log(
  await sender.send(b.subscription, {
    payload: { title: 't', body: 'x', url: 'u', tag: 't' },
    topic: 'abc',
    urgency: 'high',
    ttlSeconds: 60,
  }),
);
await svc.stop();
