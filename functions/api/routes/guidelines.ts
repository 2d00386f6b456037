import { Hono } from 'hono';
import type { Deps } from '../../core/deps';
import {
  getGuidelines,
  guidelinesInputSchema,
  hasReadGuidelines,
  markGuidelinesRead,
  saveGuidelines,
} from '../../core/guidelines/guidelines';
import { renderMarkdown } from '../../core/guidelines/markdown';
import { type AppEnv, requireAdmin, requireToken } from '../auth';
import { jsonOf } from '../validate';

/** The school's social media guidelines: written by admins in Markdown, read by every member of staff. */
export function guidelinesRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .use('*', requireToken(deps))
    .get('/', async (c) => {
      const principal = c.get('principal');
      const guidelines = await getGuidelines(deps, principal.schoolId);
      return c.json({
        ...guidelines,
        html: renderMarkdown(guidelines.markdown),
        /** False on first use (and after a change): the composer shows them before posting. */
        read: await hasReadGuidelines(deps, principal, guidelines),
      });
    })
    .post('/read', async (c) => {
      await markGuidelinesRead(deps, c.get('principal'));
      return c.json({ read: true });
    })
    .put('/', requireAdmin('change the guidelines'), jsonOf(guidelinesInputSchema), async (c) => {
      await saveGuidelines(deps, c.get('principal'), c.req.valid('json'));
      const guidelines = await getGuidelines(deps, c.get('principal').schoolId);
      return c.json({ ...guidelines, html: renderMarkdown(guidelines.markdown) });
    });
}
