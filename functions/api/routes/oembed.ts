import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import * as z from 'zod';
import { isPublic } from '../../core/audience';
import { toFeedEntry } from '../../core/channels/entry';
import { oembedFor } from '../../core/channels/oembed';
import type { Deps } from '../../core/deps';
import { getPostWithMedia } from '../../core/posts/store';
import { getSchool } from '../../core/schools/school';

const querySchema = z.object({
  url: z.string(),
  format: z.string().default('json'),
  maxwidth: z.coerce.number().int().positive().optional(),
  maxheight: z.coerce.number().int().positive().optional(),
});

/**
 * oEmbed 1.0 (https://oembed.com/#section2) for public post URLs (see `oembedFor`). Non-public or
 * unknown posts answer 404, other formats 501, as the spec says.
 */
export function oembedRoutes(deps: Deps) {
  return new Hono().get('/', async (c) => {
    const query = querySchema.parse(c.req.query());
    if (query.format !== 'json') throw new HTTPException(501, { message: 'Only the json format is provided.' });
    const prefix = `${deps.config.publicUrl}/p/`;
    const postId = query.url.startsWith(prefix) ? query.url.slice(prefix.length).replace(/\/$/, '') : '';
    const current = postId ? await getPostWithMedia(deps, postId) : undefined;
    if (current?.post.state !== 'published' || !isPublic(current.post.audience)) {
      throw new HTTPException(404, { message: 'No public post at that URL.' });
    }
    const school = await getSchool(deps, current.post.schoolId);
    const entry = toFeedEntry(deps.config.publicUrl, current.post, current.media);
    return c.json(oembedFor(deps.config.publicUrl, school, entry, query));
  });
}
