import { fileURLToPath } from 'node:url';

/** The shared corpus of real phone media, beside the repository (../shared/corpus). */
export const corpusDir = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

export const corpusPath = (name: string) => `${corpusDir}${name}`;
