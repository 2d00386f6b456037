import type { Deps } from '../deps';
import type { MediaItem } from './item';
import { MULTIPART_THRESHOLD_BYTES, type MultipartInstruction, multipartInstruction } from './multipart';
import { presignUpload, type SingleUploadInstruction } from './uploads';

/** How a client sends one file: one presigned PUT, or presigned parts it can resume after a drop. */
export type UploadInstruction = SingleUploadInstruction | MultipartInstruction;

/** The instruction for a media slot still awaiting its file, by its declared size. */
export function uploadInstruction(deps: Deps, item: MediaItem): Promise<UploadInstruction> {
  if (item.declaredBytes > MULTIPART_THRESHOLD_BYTES) return multipartInstruction(deps, item);
  return presignUpload(deps, {
    schoolId: item.schoolId,
    postId: item.postId,
    mediaId: item.id,
    contentType: item.declaredType,
    bytes: item.declaredBytes,
  });
}
