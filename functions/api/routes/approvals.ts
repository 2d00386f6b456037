import { Hono } from 'hono';
import { approvePost, pendingApprovals, sendBackPost, sendBackSchema } from '../../core/approval/approval';
import { toFeedEntry } from '../../core/channels/entry';
import type { Deps } from '../../core/deps';
import { type AppEnv, requireAdmin, requireToken } from '../auth';
import { jsonOf } from '../validate';
import { postView } from '../views';

/** The admin's approval queue: look (with the pictures), approve, or send back with a reason. */
export function approvalRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .use('*', requireToken(deps), requireAdmin('approve posts'))
    .get('/', async (c) => {
      const pending = await pendingApprovals(deps, c.get('principal').schoolId);
      return c.json({
        posts: pending.map((current) => ({
          ...postView(deps.config.publicUrl, current),
          author: current.post.createdBy,
          // A new post, or a change to an approved one: what the post would become, and who asked.
          change: current.post.state === 'pending_approval' ? 'new' : 'edit',
          ...(current.revision && current.post.state !== 'pending_approval'
            ? {
                proposed: {
                  caption: current.revision.caption,
                  audience: current.revision.audience,
                  by: current.revision.requestedBy,
                  at: current.revision.requestedAt,
                },
              }
            : {}),
          // The processed files, so the admin sees exactly what would go out.
          preview: toFeedEntry(deps.config.publicUrl, current.post, current.media).media,
        })),
      });
    })
    .post('/:id/approve', async (c) => {
      await approvePost(deps, c.get('principal'), c.req.param('id'));
      return c.json({ approved: c.req.param('id') });
    })
    .post('/:id/send-back', jsonOf(sendBackSchema), async (c) => {
      await sendBackPost(deps, c.get('principal'), c.req.param('id'), c.req.valid('json'));
      return c.json({ sentBack: c.req.param('id') });
    });
}
