import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The single table's shape, shared by the CDK stack and the embedded default so they cannot drift.
 * `gsi1` is sparse: only items waiting for work (media to process, posts to fan out) carry its keys,
 * which is how the sweeper finds anything stuck without scanning.
 */
export const tableShape = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  /** Epoch seconds; DynamoDB TTL deletes on AWS, code checks expiry everywhere (dynalite has no TTL). */
  ttlAttribute: 'expiresAt',
} as const;

/**
 * The stack output naming the deployed table: `corridor operator token create --stage <stage>` reads it to
 * write the first operator credential (the table's name is generated, so nothing else knows it).
 */
export const TABLE_OUTPUT = 'CorridorTableName';

/** The table and the client that reaches it (what the storage helpers of dynamo.ts and lease.ts take). */
export interface Table {
  client: DynamoDBDocumentClient;
  name: string;
}
