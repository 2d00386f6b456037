import { Hono } from 'hono';
import * as z from 'zod';
import { audienceListSchema } from '../../core/audience';
import type { Deps } from '../../core/deps';
import { correctionSchema, correctTranslation, plannedLanguages, postTranslations } from '../../core/translate/corrections';
import { type AppEnv, requireToken } from '../auth';
import { jsonOf } from '../validate';

/**
 * `/api/posts/:postId/translations`: which languages a post is translated into and how each reads now;
 * `PUT …/:language` stores the author's correction (never calls the translator).
 */
export function postTranslationRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .use('*', requireToken(deps))
    .get('/', async (c) => c.json(await postTranslations(deps, c.get('principal'), c.req.param('postId') ?? '')))
    .put('/:language', jsonOf(correctionSchema), async (c) =>
      c.json({
        translation: await correctTranslation(
          deps,
          c.get('principal'),
          c.req.param('postId') ?? '',
          c.req.param('language'),
          c.req.valid('json'),
        ),
      }),
    );
}

const plannedQuerySchema = z.object({ audience: audienceListSchema });

/** `/api/translations/languages?audience=class:year-1&audience=…`: the languages a new post would be translated into. */
export function translationPlanRoutes(deps: Deps) {
  return new Hono<AppEnv>().use('*', requireToken(deps)).get('/languages', async (c) => {
    const { audience } = plannedQuerySchema.parse({ audience: c.req.queries('audience') ?? [] });
    return c.json(await plannedLanguages(deps, c.get('principal'), audience));
  });
}
