import { fileURLToPath } from 'node:url';

/** The corpus of real phone media, inside the repository (test/corpus; licences in its MANIFEST.tsv). */
export const corpusDir = fileURLToPath(new URL('../corpus/', import.meta.url));

export const corpusPath = (name: string) => `${corpusDir}${name}`;
