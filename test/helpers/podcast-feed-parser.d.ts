/** podcast-feed-parser ships no types: only what the tests call. */
declare module 'podcast-feed-parser' {
  export function getPodcastFromFeed(
    xml: string,
    params?: { fields?: { meta?: string[]; episodes?: string[] } },
  ): { meta: Record<string, unknown>; episodes: Record<string, unknown>[] };
}
