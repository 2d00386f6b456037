import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import { storeOutputs } from '../media/outputs';
import { renderArtwork } from './artwork-image';
import { type Artwork, getSchool, type School } from './school';

/** Bump when the drawing changes: every school's artwork is then made again on its next publish. */
const ARTWORK_VERSION = 1;

/** What the artwork is drawn from. (A logo joins the fingerprint when schools can upload one.) */
export const artworkSource = (school: Pick<School, 'name'>) =>
  createHash('sha256').update(`${ARTWORK_VERSION}\u0000${school.name}`).digest('base64url').slice(0, 22);

/**
 * The school with current artwork: drawn and stored on first use and whenever the name changes, under
 * content-addressed media keys like every processed file. Two workers drawing at once both store the
 * same bytes; one conditional write wins and the other uses the winner's record, so every document
 * names the same files.
 */
export async function withArtwork(deps: Deps, school: School): Promise<School> {
  const source = artworkSource(school);
  if (school.artwork?.source === source) return school;
  const [image, icon, favicon] = await storeOutputs(
    deps,
    // Under media/school-<id>/: no post's id (22 characters, no '/') can be a prefix of it, so no retract's wildcard reaches it.
    { postId: `school-${school.id}`, mediaId: `artwork:${school.id}` },
    await renderArtwork(school.name),
  );
  if (!image || !icon || !favicon) throw new Error('artwork rendering gave fewer files than expected');
  const artwork: Artwork = { source, image, icon, favicon };
  try {
    await deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.school(school.id),
        UpdateExpression: 'SET artwork = :artwork',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(artwork) OR artwork.#source <> :source)',
        ExpressionAttributeNames: { '#source': 'source' },
        ExpressionAttributeValues: { ':artwork': artwork, ':source': source },
      }),
    );
    return { ...school, artwork };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    return (await getSchool(deps, school.id)) ?? school;
  }
}
