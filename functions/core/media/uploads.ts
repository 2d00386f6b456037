import * as z from 'zod';
import type { Deps } from '../deps';
import { MAX_AUDIO_BYTES, MAX_VIDEO_BYTES } from './av/limits';
import { faceChoices } from './faces/box';
import { presignSingleUpload } from './incoming-store';
import type { MediaKind } from './media';

/**
 * Largest upload accepted per kind, checked when the URL is requested, by S3 against the signed size,
 * and again by the worker. Sound and video take the processors' own limits (av/limits.ts), so the API
 * never hands out a URL for a file the processor would refuse: a 60-minute assembly recorded as WAV
 * (≈ 635 MB) is accepted, as the 60-minute limit promises.
 */
export const MAX_UPLOAD_BYTES: Record<MediaKind, number> = {
  image: 50 * 1024 * 1024,
  video: MAX_VIDEO_BYTES,
  audio: MAX_AUDIO_BYTES,
};

/** WebVTT captions travel inside the create request (they are small text, not media). */
export const MAX_CAPTIONS_BYTES = 64 * 1024;

/**
 * The declared type only routes the request and its size limit; the worker sniffs the real bytes.
 * Phones report HEIC as image/heic or image/heif, and some browsers send no type at all.
 */
export function declaredKind(contentType: string): MediaKind | undefined {
  const type = contentType.toLowerCase().split(';')[0]?.trim() ?? '';
  if (type === 'image/svg+xml') return undefined;
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return undefined;
}

export const uploadRequestSchema = z
  .object({
    contentType: z.string().min(3).max(100),
    bytes: z.number().int().positive(),
    alt: z.string().max(1000).default(''),
    /** Optional WebVTT captions for a video, served with it as a `<track>`. */
    captions: z
      .string()
      .max(MAX_CAPTIONS_BYTES)
      // https://www.w3.org/TR/webvtt1/#file-structure: an optional BOM, then "WEBVTT" and a space, tab or line end.
      .regex(/^\uFEFF?WEBVTT(?:[ \t\r\n]|$)/, 'captions must be a WebVTT file (its first line is WEBVTT)')
      .optional(),
    /**
     * Blur every face found in this photo (or video poster), or keep them clear. Absent: the consent
     * rules decide (media/faces/rules.ts).
     */
    faces: z.enum(faceChoices, { error: 'faces is "blur" or "keep"' }).optional(),
  })
  .superRefine((value, ctx) => {
    const kind = declaredKind(value.contentType);
    if (value.captions !== undefined && kind !== 'video') {
      ctx.addIssue({ code: 'custom', path: ['captions'], message: 'captions go with a video' });
    }
    if (!kind) {
      ctx.addIssue({
        code: 'custom',
        path: ['contentType'],
        message: `${value.contentType} is not a photo, video or sound recording`,
      });
      return;
    }
    const limit = MAX_UPLOAD_BYTES[kind];
    if (value.bytes > limit) {
      ctx.addIssue({
        code: 'custom',
        path: ['bytes'],
        message: `this ${kind} is ${formatBytes(value.bytes)}; the limit is ${formatBytes(limit)}`,
      });
    }
  });

/** Human-readable size, e.g. `4.1 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** Where and how a client sends one small file, straight to S3 (never through Lambda), in one PUT. */
export interface SingleUploadInstruction {
  mediaId: string;
  kind: 'single';
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
}

/** Presigns a single PUT of the declared size and type into the incoming bucket. */
export async function presignUpload(
  deps: Deps,
  target: { schoolId: string; postId: string; mediaId: string; contentType: string; bytes: number },
): Promise<SingleUploadInstruction> {
  const url = await presignSingleUpload(deps, { ...target, id: target.mediaId }, target.contentType, target.bytes);
  return { mediaId: target.mediaId, kind: 'single', method: 'PUT', url, headers: { 'content-type': target.contentType } };
}
