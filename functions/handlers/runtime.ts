import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { TranslateClient } from '@aws-sdk/client-translate';
import { buildClients } from '../aws/clients';
import { type Config, configFromEnv } from '../aws/config';
import { type AppQueueName, queueUrlField } from '../aws/queues';
import { gatheringSender, sqsBatchSend } from '../aws/sqs-batch';
import { amazonTranslateText } from '../aws/translate';
import type { Deps } from '../core/deps';
import { objectCreatedEvent } from '../core/media/s3-event';
import { amazonTranslator } from '../core/translate/amazon';

let cached: Deps | undefined;

/** The dependencies of a Lambda, built once per container from its environment. */
export function awsDeps(): Deps {
  cached ??= buildAwsDeps(configFromEnv());
  return cached;
}

/** The same, from a given configuration (tests check its wiring against a local SQS endpoint). */
export function buildAwsDeps(config: Config): Deps {
  const clients = buildClients(config);
  const cloudfront = new CloudFrontClient({ region: config.region });
  // Each queue's URL is in the configuration field the registry names (aws/queues.ts).
  const urlOf = (name: AppQueueName) => config[queueUrlField(name)];
  const sendTo = (name: AppQueueName, body: unknown) =>
    clients.sqs.send(new SendMessageCommand({ QueueUrl: urlOf(name), MessageBody: JSON.stringify(body) })).then(() => undefined);
  // The outbox starts a batch of families' notifications at once: they go ten to a request.
  const notify = gatheringSender(sqsBatchSend(clients.sqs, urlOf('notifications')));
  return {
    config,
    clients,
    now: () => new Date(),
    ...(config.translator === 'amazon'
      ? { translator: amazonTranslator(amazonTranslateText(new TranslateClient({ region: config.region }))) }
      : {}),
    queues: {
      fanout: (job) => sendTo('fanout', job),
      media: ({ key }) => sendTo('media', objectCreatedEvent(config.incomingBucket, key)),
      notifications: (message) => notify(JSON.stringify(message)),
      segments: (job) => sendTo('segments', job),
    },
    cdn: {
      // Index files carry max-age=60; paying for an invalidation on every publish buys nothing.
      changed: async () => {},
      removed: async (paths) => {
        if (!config.cdnDistributionId || paths.length === 0) return;
        await cloudfront.send(
          new CreateInvalidationCommand({
            DistributionId: config.cdnDistributionId,
            InvalidationBatch: {
              CallerReference: `${Date.now()}-${paths.length}`,
              Paths: { Quantity: paths.length, Items: paths },
            },
          }),
        );
      },
    },
  };
}
