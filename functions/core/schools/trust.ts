import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Deps } from '../deps';

/** A trust or local authority: groups schools for a regional wall of their public posts. */
export const trustSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,40}$/),
  name: z.string().min(1).max(120),
});
export type Trust = z.infer<typeof trustSchema>;

const trustKey = (trustId: string) => ({ pk: `TRUST#${trustId}`, sk: 'TRUST' });

export async function getTrust(deps: Deps, trustId: string): Promise<Trust | undefined> {
  const { Item } = await deps.clients.dynamo.send(new GetCommand({ TableName: deps.config.tableName, Key: trustKey(trustId) }));
  return Item ? trustSchema.parse(Item) : undefined;
}

export async function putTrust(deps: Deps, trust: Trust): Promise<void> {
  await deps.clients.dynamo.send(
    new PutCommand({ TableName: deps.config.tableName, Item: { ...trustKey(trust.id), type: 'trust', ...trust } }),
  );
}
