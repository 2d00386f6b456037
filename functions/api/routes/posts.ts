import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Deps } from '../../core/deps';
import { postReach } from '../../core/notify/reach';
import { createPost, createPostSchema } from '../../core/posts/create';
import { editPost, editPostSchema, submitDraft } from '../../core/posts/edit';
import { editFaces, faceEditSchema } from '../../core/posts/face-edit';
import { submitSchema } from '../../core/posts/face-review';
import { retractPost } from '../../core/posts/retract';
import { getPostWithMedia, listSchoolPosts } from '../../core/posts/store';
import { type AppEnv, requireToken } from '../auth';
import { jsonOf, optionalJsonOf } from '../validate';
import { postView } from '../views';
import { postTranslationRoutes } from './translations';
import { uploadRoutes } from './uploads';

const notFound = () => new HTTPException(404, { message: 'There is no such post in your school.' });

/** Posts: create (idempotent), list, read status, edit, submit a draft, retract. */
export function postRoutes(deps: Deps) {
  const view = async (postId: string, schoolId: string) => {
    const current = await getPostWithMedia(deps, postId);
    if (!current || current.post.schoolId !== schoolId) throw notFound();
    return postView(deps.config.publicUrl, current);
  };
  // Chained, so the routes' types compose into the app's type (the typed client reads it: api/client.ts).
  return (
    new Hono<AppEnv>()
      .use('*', requireToken(deps))
      .post('/', jsonOf(createPostSchema), async (c) => {
        const result = await createPost(deps, c.get('principal'), c.req.valid('json'));
        return c.json({ post: postView(deps.config.publicUrl, result), uploads: result.uploads }, result.created ? 201 : 200);
      })
      .get('/', async (c) => {
        const posts = await listSchoolPosts(deps, c.get('principal').schoolId);
        return c.json({ posts: posts.map((post) => postView(deps.config.publicUrl, { post, media: [] })) });
      })
      .get('/:id', async (c) => c.json({ post: await view(c.req.param('id'), c.get('principal').schoolId) }))
      // How many families a post reached, and how (counts only: no parent's reading is tracked).
      .get('/:id/reach', async (c) => {
        await view(c.req.param('id'), c.get('principal').schoolId);
        return c.json({ reach: await postReach(deps, c.req.param('id')) });
      })
      .patch('/:id', jsonOf(editPostSchema), async (c) => {
        await editPost(deps, c.get('principal'), c.req.param('id'), c.req.valid('json'));
        return c.json({ post: await view(c.req.param('id'), c.get('principal').schoolId) });
      })
      .patch('/:id/media/:mediaId/faces', jsonOf(faceEditSchema), async (c) => {
        await editFaces(deps, c.get('principal'), c.req.param('id'), c.req.param('mediaId'), c.req.valid('json'));
        return c.json({ post: await view(c.req.param('id'), c.get('principal').schoolId) });
      })
      // The body is optional: the composer sends its face choices (posts/face-review.ts) with it.
      .post('/:id/submit', optionalJsonOf(submitSchema), async (c) => {
        await submitDraft(deps, c.get('principal'), c.req.param('id'), c.req.valid('json'));
        return c.json({ post: await view(c.req.param('id'), c.get('principal').schoolId) });
      })
      .route('/:postId/uploads', uploadRoutes(deps))
      .route('/:postId/translations', postTranslationRoutes(deps))
      .delete('/:id', async (c) => {
        if (!(await retractPost(deps, c.get('principal'), c.req.param('id')))) throw notFound();
        return c.json({ post: await view(c.req.param('id'), c.get('principal').schoolId) });
      })
  );
}
