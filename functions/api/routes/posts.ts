import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Deps } from '../../core/deps';
import { createPost } from '../../core/posts/create';
import { retractPost } from '../../core/posts/retract';
import { getPostWithMedia } from '../../core/posts/store';
import { type AppEnv, requireToken } from '../auth';
import { jsonBody } from '../errors';
import { postView } from '../views';

/** Posts: create (idempotent), read status, retract. */
export function postRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use('*', requireToken(deps));

  app.post('/', async (c) => {
    const result = await createPost(deps, c.get('principal'), (await jsonBody(c)) as never);
    return c.json({ post: postView(deps.config.publicUrl, result), uploads: result.uploads }, result.created ? 201 : 200);
  });

  app.get('/:id', async (c) => {
    const current = await getPostWithMedia(deps, c.req.param('id'));
    if (!current || current.post.schoolId !== c.get('principal').schoolId) {
      throw new HTTPException(404, { message: 'There is no such post in your school.' });
    }
    return c.json({ post: postView(deps.config.publicUrl, current) });
  });

  app.delete('/:id', async (c) => {
    const found = await retractPost(deps, c.get('principal'), c.req.param('id'));
    if (!found) throw new HTTPException(404, { message: 'There is no such post in your school.' });
    return c.json({ retracted: true });
  });

  return app;
}
