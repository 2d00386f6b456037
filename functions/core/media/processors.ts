import { processImage } from './image/process';
import { type MediaKind, MediaRejected, type ProcessedMedia } from './media';
import type { Sniffed } from './sniff';

/** What a processor gets: the sniffed format, the bytes (or a file for large media), and progress. */
export interface ProcessInput {
  sniffed: Sniffed;
  bytes: Buffer;
  onProgress: (percent: number) => Promise<void>;
}

/**
 * One processor per media kind. A `Record` over the kind union: adding a kind without a processor is a
 * compile error.
 */
export const processors: Record<MediaKind, (input: ProcessInput) => Promise<ProcessedMedia>> = {
  image: ({ bytes, sniffed }) => processImage(bytes, { format: sniffed.format }),
  video: async () => {
    throw new MediaRejected('unsupported', 'video posts are not enabled yet');
  },
  audio: async () => {
    throw new MediaRejected('unsupported', 'audio posts are not enabled yet');
  },
};
