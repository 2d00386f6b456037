import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import * as z from 'zod';
import type { Deps } from '../../core/deps';
import type { MediaItem } from '../../core/media/item';
import { completeMultipart, recordPart } from '../../core/media/multipart';
import { uploadInstruction } from '../../core/media/upload-instruction';
import { getPostWithMedia } from '../../core/posts/store';
import type { AppEnv } from '../auth';
import { jsonOf } from '../validate';
import { postView } from '../views';

const partSchema = z.object({ etag: z.string().min(1).max(200) });

/**
 * A post's uploads, under `/api/posts/:postId/uploads` (the posts routes authenticate): ask how to send
 * a file (for a large one, which parts already arrived), report a part, finish. A client that lost its
 * signal asks again and sends only the missing parts.
 */
export function uploadRoutes(deps: Deps) {
  const mediaOf = async (postId: string, mediaId: string, schoolId: string): Promise<MediaItem> => {
    const current = await getPostWithMedia(deps, postId);
    const item = current?.post.schoolId === schoolId ? current.media.find((m) => m.id === mediaId) : undefined;
    if (!item) throw new HTTPException(404, { message: 'There is no such file in a post of your school.' });
    return item;
  };
  const ids = (c: { req: { param(name: string): string | undefined } }) => ({
    postId: c.req.param('postId') ?? '',
    mediaId: c.req.param('mediaId') ?? '',
  });
  return new Hono<AppEnv>()
    .get('/:mediaId', async (c) => {
      const { postId, mediaId } = ids(c);
      const item = await mediaOf(postId, mediaId, c.get('principal').schoolId);
      if (item.state !== 'awaiting_upload') return c.json({ state: item.state, upload: null });
      return c.json({ state: item.state, upload: await uploadInstruction(deps, item) });
    })
    .put('/:mediaId/parts/:partNumber', jsonOf(partSchema), async (c) => {
      const { postId, mediaId } = ids(c);
      const partNumber = Number(c.req.param('partNumber'));
      const { etag } = c.req.valid('json');
      await recordPart(deps, await mediaOf(postId, mediaId, c.get('principal').schoolId), partNumber, etag);
      return c.json({ recorded: partNumber });
    })
    .post('/:mediaId/complete', async (c) => {
      const { postId, mediaId } = ids(c);
      const { schoolId } = c.get('principal');
      await completeMultipart(deps, await mediaOf(postId, mediaId, schoolId));
      const current = await getPostWithMedia(deps, postId);
      if (!current) throw new HTTPException(404, { message: 'There is no such post in your school.' });
      return c.json({ post: postView(deps.config.publicUrl, current) }, 202);
    });
}
