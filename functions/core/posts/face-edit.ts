import * as z from 'zod';
import { recordAudit } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import type { Deps } from '../deps';
import { requestFaceEdit } from '../media/item-store';
import { PostInputError } from './create';
import { PostNotFound } from './edit';
import { getPostWithMedia } from './store';

/** A change of blur on one file: one flag per face, in the order the file's `faces` lists them. */
export const faceEditSchema = z
  .object({ blur: z.array(z.boolean({ error: 'each face is blurred (true) or not (false)' })).max(500) })
  .strict();
export type FaceEdit = z.input<typeof faceEditSchema>;

/**
 * The media queue carries a face edit as a key of its own (beside the uploads' incoming keys), so the
 * re-render runs in the media worker, which has the photo pipeline; the API never draws pictures.
 */
const EDIT_PREFIX = 'faces-edit/';
export const faceEditKey = (ids: { schoolId: string; postId: string; mediaId: string }) =>
  `${EDIT_PREFIX}${ids.schoolId}/${ids.postId}/${ids.mediaId}`;
export function parseFaceEditKey(key: string): { schoolId: string; postId: string; mediaId: string } | undefined {
  if (!key.startsWith(EDIT_PREFIX)) return undefined;
  const [schoolId, postId, mediaId, ...rest] = key.slice(EDIT_PREFIX.length).split('/');
  return schoolId && postId && mediaId && rest.length === 0 ? { schoolId, postId, mediaId } : undefined;
}

/**
 * Blurs more faces of a processed photo (or video poster), in a draft or a published post. The media
 * worker re-renders the file under new addresses and the old files are deleted from storage and the CDN
 * (jobs/media/reblur.ts). A blurred face cannot be shown again: its pixels were destroyed, and the original is gone.
 */
export async function editFaces(deps: Deps, principal: Principal, postId: string, mediaId: string, raw: FaceEdit): Promise<void> {
  const { blur } = faceEditSchema.parse(raw);
  const current = await getPostWithMedia(deps, postId);
  if (!current || current.post.schoolId !== principal.schoolId) throw new PostNotFound();
  if (current.post.state === 'retracted') throw new PostInputError('This post was retracted; it can no longer be edited.');
  if (current.post.state === 'processing') {
    throw new PostInputError('This post is still being processed: its faces can be changed once every file is ready.');
  }
  const item = current.media.find((m) => m.id === mediaId);
  if (!item) throw new PostNotFound();
  if (item.state !== 'ready' || !item.faces) {
    throw new PostInputError('This file is still being processed: its faces can be changed once it is ready.');
  }
  if (blur.length !== item.faces.length) {
    throw new PostInputError(`This picture has ${item.faces.length} faces; send one choice for each (${blur.length} were sent).`);
  }
  if (item.faces.some((face, i) => face.blur && !blur[i])) {
    throw new PostInputError(
      'A blurred face cannot be shown again: its pixels were destroyed when the photo was processed. ' +
        'To show it, post the photo again with faces kept clear.',
    );
  }
  const added = item.faces.filter((face, i) => !face.blur && blur[i]).length;
  if (added === 0) return;
  if (!(await requestFaceEdit(deps, { postId, mediaId }, blur))) {
    throw new PostInputError('This file changed while you were editing it; please try again.');
  }
  await recordAudit(deps, principal.schoolId, principal, 'post_edited', postId, {
    changed: ['faces'],
    facesBlurred: `${added} more in file ${item.index + 1}`,
  });
  await deps.queues.media({ key: faceEditKey({ schoolId: item.schoolId, postId, mediaId }) });
}
