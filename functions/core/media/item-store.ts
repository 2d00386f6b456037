import { PutCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { conditionalAnswer, conditionalWrite, writeOrFound } from '../../aws/dynamo';
import { pendingKey, tableKeys } from '../../aws/keys';
import { LEASE_ENDED, moveLease, takeLease } from '../../aws/lease';
import { type Deps, tableOf } from '../deps';
import type { SegmentPlan } from '../segment-job';
import type { StoredOutput } from './media';

/**
 * The one writer of media items (`POST#<post>` / `MEDIA#<media>`): the slot made at create, the upload's
 * progress, the worker's lease (through aws/lease.ts), how an item settles, and the later changes to its
 * outputs (a narrowing's new addresses, a face edit). The domain decides; this module owns the keys,
 * conditions and index entries (the media pending partition).
 */

/** How long one worker may hold a media item before another may take it over (crash recovery). */
export const MEDIA_LEASE_MS = 15 * 60 * 1000;

export interface MediaIds {
  postId: string;
  mediaId: string;
}

const keyOf = ({ postId, mediaId }: MediaIds) => tableKeys.media(postId, mediaId);
/** One update of the item: its table and key filled in. */
const update = (deps: Deps, ids: MediaIds, input: Omit<UpdateCommandInput, 'TableName' | 'Key'>) =>
  deps.clients.dynamo.send(new UpdateCommand({ TableName: deps.config.tableName, Key: keyOf(ids), ...input }));
/** Where the sweeper finds an item not yet settled: by when it was asked for (or sent back to the worker). */
const pendingMedia = (at: string, { postId, mediaId }: MediaIds) => ({
  gsi1pk: pendingKey('media', mediaId),
  gsi1sk: `${at}#${postId}#${mediaId}`,
});

/** Writes a new item's slot unless it exists (a retried create lands on the same ids); false when it did. */
export async function createMediaSlot(deps: Deps, item: { postId: string; id: string; createdAt: string }): Promise<boolean> {
  return conditionalWrite(
    deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: {
          ...keyOf({ postId: item.postId, mediaId: item.id }),
          type: 'media',
          ...pendingMedia(item.createdAt, { postId: item.postId, mediaId: item.id }),
          ...item,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

/** `awaiting_upload` → `uploaded` (the storage event proves the upload finished); a no-op in any other state. */
export async function markUploaded(deps: Deps, ids: MediaIds): Promise<void> {
  await conditionalWrite(
    update(deps, ids, {
      UpdateExpression: 'SET #state = :uploaded',
      ConditionExpression: '#state = :awaiting',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':uploaded': 'uploaded', ':awaiting': 'awaiting_upload' },
    }),
  );
}

/** Takes an uploaded item (or one whose worker's lease ran out) for processing; false when another worker holds it. */
export async function takeMediaLease(deps: Deps, ids: MediaIds): Promise<boolean> {
  const answer = await takeLease(tableOf(deps), {
    key: keyOf(ids),
    free: '#state = :uploaded',
    held: 'processing',
    now: deps.now(),
    leaseMs: MEDIA_LEASE_MS,
    set: ['attempts = attempts + :one', 'progress = :zero'],
    values: { ':uploaded': 'uploaded', ':one': 1, ':zero': 0 },
  });
  return answer.taken;
}

/** Moves the end of the lease of an item still processing: `LEASE_ENDED` to let any worker take it at once. */
export async function moveMediaLease(deps: Deps, ids: MediaIds, until: Date): Promise<void> {
  await moveLease(tableOf(deps), { key: keyOf(ids), held: 'processing', until });
}

/** Voids a media lease taken before `before` (by a process that is gone). */
export async function expireMediaLease(deps: Deps, ids: MediaIds, before: Date): Promise<void> {
  await moveLease(tableOf(deps), {
    key: keyOf(ids),
    held: 'processing',
    until: LEASE_ENDED,
    takenBefore: { at: before, leaseMs: MEDIA_LEASE_MS },
  });
}

/** Writes the fields an item settles with (ready or failed) and takes it out of the pending partition. */
export async function settleMedia(deps: Deps, postId: string, mediaId: string, fields: Record<string, unknown>): Promise<void> {
  const ids = { postId, mediaId };
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
  const names = Object.fromEntries(entries.map(([name], i) => [`#f${i}`, name]));
  const values = Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value]));
  await update(deps, ids, {
    // A long video's split plan and finished pieces go with the lease: they only mattered while processing.
    UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')} REMOVE gsi1pk, gsi1sk, leaseUntil, #segments, segmentsDone`,
    ExpressionAttributeNames: { ...names, '#segments': 'segments' },
    ExpressionAttributeValues: values,
  });
}

/** Stores a percent while the item is processing; only ever upwards (parallel pieces report out of order). */
export async function recordProgress(deps: Deps, postId: string, mediaId: string, percent: number): Promise<void> {
  const ids = { postId, mediaId };
  await conditionalWrite(
    update(deps, ids, {
      UpdateExpression: 'SET progress = :p',
      ConditionExpression: '#state = :processing AND (attribute_not_exists(progress) OR progress < :p)',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':p': Math.round(percent), ':processing': 'processing' },
    }),
  );
}

/** Fails an item still awaiting its upload; false when the upload arrived at this very moment (the worker has it). */
export async function failAwaitingItem(deps: Deps, ids: MediaIds, failure: { code: string; message: string }): Promise<boolean> {
  return conditionalWrite(
    update(deps, ids, {
      UpdateExpression: 'SET #state = :failed, failure = :failure REMOVE gsi1pk, gsi1sk',
      ConditionExpression: '#state = :awaiting',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':failed': 'failed', ':awaiting': 'awaiting_upload', ':failure': failure },
    }),
  );
}

/** Records a multipart upload's id; when a concurrent request recorded one first, returns that one. */
export async function recordUploadId(deps: Deps, ids: MediaIds, uploadId: string): Promise<string> {
  const answer = await writeOrFound(
    tableOf(deps),
    keyOf(ids),
    update(deps, ids, {
      UpdateExpression: 'SET uploadId = :id, parts = :none',
      ConditionExpression: 'attribute_not_exists(uploadId)',
      ExpressionAttributeValues: { ':id': uploadId, ':none': {} },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
  return answer.written ? uploadId : String(answer.found?.uploadId);
}

/** Records that a part arrived, with the ETag S3 gave it. Repeating it is harmless. */
export async function recordUploadPart(deps: Deps, ids: MediaIds, partNumber: number, etag: string): Promise<void> {
  await update(deps, ids, {
    UpdateExpression: 'SET parts.#n = :etag',
    ExpressionAttributeNames: { '#n': String(partNumber) },
    ExpressionAttributeValues: { ':etag': etag },
  });
}

/**
 * Records a long video's split plan on an item still processing (its pieces start afresh); false when the
 * item is no longer processing (it settled while being split).
 */
export async function recordSegmentPlan(deps: Deps, ids: MediaIds, plan: SegmentPlan): Promise<boolean> {
  return conditionalWrite(
    update(deps, ids, {
      // SEGMENTS is one of DynamoDB's reserved words, hence the name placeholder.
      UpdateExpression: 'SET #segments = :plan REMOVE segmentsDone',
      ConditionExpression: '#state = :processing',
      ExpressionAttributeNames: { '#state': 'state', '#segments': 'segments' },
      ExpressionAttributeValues: { ':plan': plan, ':processing': 'processing' },
    }),
  );
}

/** Adds a piece to the done set; undefined when the item moved on (settled, or split again) meanwhile. */
export async function markSegmentDone(
  deps: Deps,
  ids: MediaIds,
  splitId: string,
  index: number,
): Promise<Set<number> | undefined> {
  const marked = await conditionalAnswer(
    update(deps, ids, {
      UpdateExpression: 'ADD segmentsDone :piece',
      ConditionExpression: '#state = :processing AND #segments.id = :split',
      ExpressionAttributeNames: { '#state': 'state', '#segments': 'segments' },
      ExpressionAttributeValues: { ':piece': new Set([index]), ':processing': 'processing', ':split': splitId },
      ReturnValues: 'ALL_NEW',
    }),
  );
  if (!marked) return undefined;
  return (marked.Attributes?.segmentsDone as Set<number> | undefined) ?? new Set();
}

/** Records the new outputs of a narrowing (and the keys they replace) once per post version; false when already moved. */
export async function recordMovedOutputs(
  deps: Deps,
  ids: MediaIds,
  moved: { outputs: StoredOutput[]; epoch: number; retiredKeys: string[] },
): Promise<boolean> {
  return conditionalWrite(
    update(deps, ids, {
      UpdateExpression: 'SET outputs = :outputs, keyEpoch = :epoch, retiredKeys = :retired',
      ConditionExpression: 'attribute_not_exists(keyEpoch) OR keyEpoch < :epoch',
      ExpressionAttributeValues: { ':outputs': moved.outputs, ':epoch': moved.epoch, ':retired': moved.retiredKeys },
    }),
  );
}

/** Forgets an item's retired keys (they were deleted and invalidated). */
export async function forgetRetiredKeys(deps: Deps, ids: MediaIds): Promise<void> {
  await update(deps, ids, {
    UpdateExpression: 'REMOVE retiredKeys',
  });
}

/** Asks for more faces of a ready file to be blurred (the worker re-renders it); false when the file is no longer ready. */
export async function requestFaceEdit(deps: Deps, ids: MediaIds, blur: boolean[]): Promise<boolean> {
  return conditionalWrite(
    update(deps, ids, {
      UpdateExpression: 'SET faceEdit = :blur',
      ConditionExpression: '#state = :ready',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':blur': blur, ':ready': 'ready' },
    }),
  );
}

/** Records a face edit's re-render and ends the request; false when another attempt finished it. */
export async function recordFaceEdit(
  deps: Deps,
  ids: MediaIds,
  edit: { outputs: StoredOutput[]; faces: unknown; placeholder: string; dominantColor: string; retiredKeys: string[] },
): Promise<boolean> {
  return conditionalWrite(
    update(deps, ids, {
      UpdateExpression:
        'SET outputs = :outputs, faces = :faces, placeholder = :placeholder, dominantColor = :color, retiredKeys = :retired REMOVE faceEdit',
      ConditionExpression: 'attribute_exists(faceEdit)',
      ExpressionAttributeValues: {
        ':outputs': edit.outputs,
        ':faces': edit.faces,
        ':placeholder': edit.placeholder,
        ':color': edit.dominantColor,
        ':retired': edit.retiredKeys,
      },
    }),
  );
}

/**
 * Ends a photo's face review at the submit: with faces to blur it goes back to the worker (`uploaded`,
 * in the media pending partition) to be rendered as chosen, its draft renders retired; with none it
 * keeps its render. False when an earlier try of this submit got here first.
 */
export async function endFaceReview(
  deps: Deps,
  ids: MediaIds,
  review: { blurs: true; faces: unknown; draftKeys: string[] } | { blurs: false },
): Promise<boolean> {
  const now = deps.now().toISOString();
  const change = review.blurs
    ? {
        UpdateExpression:
          'SET #state = :uploaded, faces = :faces, faceChoice = :blur, outputs = :none, gsi1pk = :pending, gsi1sk = :sk, ' +
          'retiredKeys = list_append(if_not_exists(retiredKeys, :none), :draft) REMOVE faceReview, faceBlurReason, progress',
        ExpressionAttributeValues: {
          ':uploaded': 'uploaded',
          ':faces': review.faces,
          // The render uses the reviewed boxes themselves (media/review-faces.ts): no second search.
          ':blur': 'blur',
          ':none': [],
          ':draft': review.draftKeys,
          ':pending': pendingMedia(now, ids).gsi1pk,
          ':sk': pendingMedia(now, ids).gsi1sk,
        },
      }
    : {
        UpdateExpression: 'SET faceChoice = :keep REMOVE faceReview, faceBlurReason',
        ExpressionAttributeValues: { ':keep': 'keep' },
      };
  return conditionalWrite(
    update(deps, ids, {
      ...change,
      ConditionExpression: '#state = :ready AND faceReview = :yes',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ...change.ExpressionAttributeValues, ':ready': 'ready', ':yes': true },
    }),
  );
}
