import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { batchGetAll, queryAll } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import { DomainError, type DomainErrorOptions } from '../errors';

/** A trust or local authority: groups schools for a regional wall of their public posts. */
export const trustSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,40}$/, 'a trust id is 2–41 lower-case letters, digits and dashes, e.g. "north-trust"'),
  name: z.string().trim().min(1, 'give the trust a name').max(120),
});
export type Trust = z.infer<typeof trustSchema>;

/** The trust already exists: ids are for ever (they are in the wall's address, /w/<id>). */
export class TrustExists extends DomainError {
  override name = 'TrustExists';
  constructor(message: string, options?: DomainErrorOptions) {
    super('conflict', 409, message, options);
  }
}

export async function getTrust(deps: Deps, trustId: string): Promise<Trust | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: tableKeys.trust(trustId) }),
  );
  return Item ? trustSchema.parse(Item) : undefined;
}

/** Puts the trust in the operators' list. */
export async function listTrust(deps: Deps, trustId: string): Promise<void> {
  await deps.clients.dynamo.send(
    new PutCommand({ TableName: deps.config.tableName, Item: { ...tableKeys.trustPointer(trustId), trustId } }),
  );
}

/** Creates or replaces a trust (and lists it). */
export async function putTrust(deps: Deps, trust: Trust): Promise<void> {
  await listTrust(deps, trust.id);
  await deps.clients.dynamo.send(
    new PutCommand({ TableName: deps.config.tableName, Item: { ...tableKeys.trust(trust.id), type: 'trust', ...trust } }),
  );
}

/** Every trust, by id. */
export async function listTrusts(deps: Deps): Promise<Trust[]> {
  const pointers = await queryAll(deps.clients.dynamo, {
    TableName: deps.config.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': tableKeys.trustsIndex },
  });
  const keys = pointers.map((p) => tableKeys.trust(String(p.sk)));
  const items = await batchGetAll(deps.clients.dynamo, deps.config.tableName, keys);
  return items.map((item) => trustSchema.parse(item)).sort((a, b) => a.id.localeCompare(b.id));
}
