import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import * as z from 'zod';
import { entryTitle, largestOutput, toFeedEntry } from '../../core/channels/entry';
import type { Deps } from '../../core/deps';
import { isPublic } from '../../core/posts/post';
import { getPostWithMedia } from '../../core/posts/store';
import { getSchool } from '../../core/schools/school';

const querySchema = z.object({
  url: z.string(),
  format: z.string().default('json'),
  maxwidth: z.coerce.number().int().positive().optional(),
  maxheight: z.coerce.number().int().positive().optional(),
});

/**
 * oEmbed 1.0 (https://oembed.com/#section2) for public post URLs: a `photo` for posts with a picture,
 * `rich` (a player) for video and audio, `link` otherwise. Non-public or unknown posts answer 404,
 * other formats 501, as the spec says.
 */
export function oembedRoutes(deps: Deps) {
  const app = new Hono();
  app.get('/', async (c) => {
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
    const base = {
      version: '1.0',
      title: entryTitle(entry),
      author_name: school?.name,
      author_url: `${deps.config.publicUrl}/s/${current.post.schoolId}`,
      provider_name: 'Corridor',
      provider_url: deps.config.publicUrl,
      cache_age: 3600,
    };
    const fits = (o: { width?: number; height?: number }) =>
      (!query.maxwidth || (o.width ?? 0) <= query.maxwidth) && (!query.maxheight || (o.height ?? 0) <= query.maxheight);
    const image = entry.media.find((m) => m.kind === 'image');
    if (image) {
      const photo = image.outputs
        .filter((o) => o.role === 'image' && o.contentType === 'image/jpeg' && fits(o))
        .sort((a, b) => (b.width ?? 0) - (a.width ?? 0))[0];
      if (photo) return c.json({ ...base, type: 'photo', url: photo.url, width: photo.width, height: photo.height });
    }
    const playable = entry.media.find((m) => m.kind === 'video' || m.kind === 'audio');
    const source = playable ? largestOutput(playable, playable.kind === 'video' ? 'video' : 'audio') : undefined;
    if (playable && source) {
      const width = Math.min(query.maxwidth ?? 640, source.width ?? 640);
      const height = playable.kind === 'video' ? Math.round((width * (source.height ?? 360)) / (source.width ?? 640)) : 54;
      const tag = playable.kind === 'video' ? 'video' : 'audio';
      const html = `<${tag} controls preload="metadata" src="${source.url}" style="width:${width}px;max-width:100%"></${tag}>`;
      return c.json({ ...base, type: 'rich', html, width, height });
    }
    return c.json({ ...base, type: 'link' });
  });
  return app;
}
