import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { incomingKey, workPrefix } from '../../../aws/keys';
import { deleteKeys, listKeys } from '../../../aws/s3-prefix';
import type { Deps } from '../../deps';
import { PIECE_EXTENSION } from '../../media/av/segment-profile';
import { deleteOriginal } from '../../media/incoming-store';
import type { MediaItem } from '../../media/item';
import { settleUnlessRetracted } from '../media/retracted';

/**
 * A long video's temporary objects in the incoming bucket (`work/…`, see `workPrefix`): the source pieces,
 * the encoded pieces and the sound, between the split, piece and join jobs. They are as private as the
 * original (never served) and go when the item settles; the bucket's one-day expiry is the backstop.
 */

type Owner = Pick<MediaItem, 'schoolId' | 'postId' | 'id'>;

const prefixOf = (item: Owner) => workPrefix(item.schoolId, item.postId, item.id);

export const workKeys = {
  source: (item: Owner, splitId: string, index: number) => `${prefixOf(item)}${splitId}/source-${index}.${PIECE_EXTENSION}`,
  encoded: (item: Owner, splitId: string, index: number) => `${prefixOf(item)}${splitId}/encoded-${index}.${PIECE_EXTENSION}`,
  audio: (item: Owner, splitId: string) => `${prefixOf(item)}${splitId}/audio.m4a`,
};

/** Streams a local file to a temporary object (a piece can be a hundred megabytes: never a Buffer). */
export async function putWorkFile(deps: Deps, key: string, path: string): Promise<void> {
  const { size } = await stat(path);
  await deps.clients.s3.send(
    new PutObjectCommand({ Bucket: deps.config.incomingBucket, Key: key, Body: createReadStream(path), ContentLength: size }),
  );
}

/** Streams a temporary object to a local file. */
export async function getWorkFile(deps: Deps, key: string, path: string): Promise<void> {
  const object = await deps.clients.s3.send(new GetObjectCommand({ Bucket: deps.config.incomingBucket, Key: key }));
  await pipeline(object.Body as Readable, createWriteStream(path));
}

/**
 * What follows a long video's item settling (ready or failed), safe to repeat: its temporary objects and
 * the original go, then the post settles — so by the time a post is live or failed, nothing of the split
 * is left in storage.
 */
export async function finishSettled(deps: Deps, item: Owner): Promise<void> {
  await deleteUnder(deps, prefixOf(item));
  await deleteOriginal(deps, incomingKey(item.schoolId, item.postId, item.id));
  await settleUnlessRetracted(deps, item.postId);
}

/** Deletes what one split stored (its pieces and sound), leaving any other split of the item alone. */
export async function deleteSplit(deps: Deps, item: Owner, splitId: string): Promise<void> {
  await deleteUnder(deps, `${prefixOf(item)}${splitId}/`);
}

async function deleteUnder(deps: Deps, prefix: string): Promise<void> {
  const bucket = deps.config.incomingBucket;
  await deleteKeys(deps.clients.s3, bucket, await listKeys(deps.clients.s3, bucket, prefix));
}
