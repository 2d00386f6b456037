import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { approvalPartition, storeKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import type { Revision } from './post';

/** A post's revision (one item beside the post), listed in its school's approval queue until it goes. */

/** Stores (or replaces) the post's revision; it appears in the school's approval queue, oldest first. */
export async function putRevision(deps: Deps, revision: Revision): Promise<void> {
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: {
        ...storeKeys.revision(revision.id),
        type: 'revision',
        ...revision,
        gsi1pk: approvalPartition(revision.schoolId),
        gsi1sk: revision.requestedAt,
      },
    }),
  );
}

/** Drops a revision (applied, or sent back). */
export async function dropRevision(deps: Deps, postId: string): Promise<void> {
  await deps.clients.dynamo.send(new DeleteCommand({ TableName: deps.config.tableName, Key: storeKeys.revision(postId) }));
}
