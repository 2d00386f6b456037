import * as z from 'zod';
import { DomainError } from '../errors';
import type { Face } from './faces/box';

/**
 * Media as the rest of Corridor sees it: what a processor produced, and the named reasons it refuses
 * input. Processors (image/, av/) are pure with respect to storage: bytes in, outputs out.
 */

export const mediaKinds = ['image', 'video', 'audio'] as const;
export type MediaKind = (typeof mediaKinds)[number];

/** Why an upload was refused, each with the words a teacher sees. */
export const rejectionMessages = {
  empty: 'This file is empty — please choose the photo or recording again.',
  unsupported: 'Corridor cannot use this kind of file. Please post a photo, a video or a sound recording.',
  damaged: 'This file is damaged — please take the photo or recording again.',
  too_large: 'This file is too large to post.',
  too_many_pixels: 'This picture is too large (too many pixels) to post safely.',
  too_long: 'This recording is too long to post.',
  too_many_frames: 'This animation has too many frames to post.',
  timed_out: 'This file took too long to process. Please try a shorter or smaller one.',
  mismatch: 'This file is not the kind that was announced (for example a video sent as a photo).',
  wrong_size: 'This file is not the size the phone said it was — please send it again.',
  abandoned: 'This file never arrived: its upload was not finished in time. Please post it again.',
  original_gone: 'This photo waited too long for its faces to be chosen: its original is no longer kept. Please post it again.',
} as const;
export type RejectionCode = keyof typeof rejectionMessages;

/** A named, user-facing refusal. Anything else thrown by a processor is an internal error and is retried. */
export class MediaRejected extends DomainError {
  constructor(
    override readonly code: RejectionCode,
    /** What exactly was wrong, in a few words (kept apart so a caller can say where it happened). */
    readonly detail?: string,
  ) {
    // One short line: it ends up in a teacher's status line and a CLI's one-line error.
    const shown = detail?.split('\n')[0]?.trim().slice(0, 160);
    super(code, 422, shown ? `${rejectionMessages[code]} (${shown})` : rejectionMessages[code]);
    this.name = 'MediaRejected';
  }
}

export const outputRoles = ['image', 'poster', 'video', 'audio', 'peaks', 'captions'] as const;
export type OutputRole = (typeof outputRoles)[number];

/** One file a processor produced, before it is stored under a content-addressed key. */
export interface MediaOutput {
  role: OutputRole;
  contentType: string;
  /** File extension without the dot, e.g. `webp`. */
  extension: string;
  bytes: Buffer;
  width?: number;
  height?: number;
}

/** What a processor returns for one upload. */
export interface ProcessedMedia {
  kind: MediaKind;
  width?: number;
  height?: number;
  durationSeconds?: number;
  /** A tiny placeholder (base64 ThumbHash) shown while images load. */
  placeholder?: string;
  /** `#rrggbb`. */
  dominantColor?: string;
  /** The faces found in a photo or a video's poster, each blurred in every output or not. */
  faces?: Face[];
  outputs: MediaOutput[];
}

/** A stored output, as recorded on the media item and rendered into every channel. */
export const storedOutputSchema = z.object({
  role: z.enum(outputRoles),
  key: z.string(),
  contentType: z.string(),
  bytes: z.number().int().nonnegative(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});
export type StoredOutput = z.infer<typeof storedOutputSchema>;
