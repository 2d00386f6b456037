import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { isConditionFailed } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import { channel } from '../channels/channels';
import { renderChannel } from '../channels/render-channel';
import type { Deps } from '../deps';
import { listTrust, type Trust, TrustExists, trustSchema } from '../schools/trust';

/**
 * An operator creates a trust. Its wall (/w/<id>) exists from the start, empty ("no posts yet"), so the
 * address can be shared before the first school opts in.
 */
export async function createTrust(deps: Deps, raw: z.input<typeof trustSchema>): Promise<Trust> {
  const trust = trustSchema.parse(raw);
  try {
    await deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: { ...tableKeys.trust(trust.id), type: 'trust', ...trust },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    throw new TrustExists(`There is already a trust "${trust.id}". Choose another id.`);
  }
  await listTrust(deps, trust.id);
  await renderChannel(deps, channel.wall(trust.id));
  return trust;
}
