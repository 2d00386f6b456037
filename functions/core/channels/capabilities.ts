import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../../aws/dynamo';
import type { Deps } from '../deps';

/**
 * Private channels are reached only through capability URLs: a 128-bit random token in the path.
 * Rotating the token moves the channel to a new path and deletes the old one, which stops it at once.
 */
const capabilityKey = (channelId: string) => ({ pk: `CHANNEL#${channelId}`, sk: 'CAPABILITY' });

const newToken = () => randomBytes(16).toString('base64url');

/** The channel's current token, created on first use. */
export async function capabilityToken(deps: Deps, channelId: string): Promise<string> {
  const table = deps.config.tableName;
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: table, Key: capabilityKey(channelId), ConsistentRead: true }),
  );
  if (Item?.token) return String(Item.token);
  const token = newToken();
  try {
    await deps.clients.dynamo.send(
      new PutCommand({
        TableName: table,
        Item: { ...capabilityKey(channelId), type: 'capability', channelId, token, createdAt: deps.now().toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return token;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    return capabilityToken(deps, channelId); // another writer won: use theirs
  }
}

/**
 * Replaces the channel's token; returns the old and the new one (the caller removes the old path). Two
 * rotations at once both succeed, one after the other: the loser of the conditional write tries again.
 */
export async function replaceCapabilityToken(deps: Deps, channelId: string): Promise<{ previous: string; token: string }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const previous = await capabilityToken(deps, channelId);
    const token = newToken();
    try {
      await deps.clients.dynamo.send(
        new PutCommand({
          TableName: deps.config.tableName,
          Item: {
            ...capabilityKey(channelId),
            type: 'capability',
            channelId,
            token,
            createdAt: deps.now().toISOString(),
            previous,
          },
          ConditionExpression: '#token = :previous',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':previous': previous },
        }),
      );
      return { previous, token };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
  throw new Error(`channel ${channelId} kept being rotated by others; try again`);
}
