import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { sitePath } from '../../aws/keys';
import { addClass, changeClass, classChangeSchema, newClassSchema } from '../../core/admin/classes';
import { recordAudit } from '../../core/audit/audit';
import { documentKeys } from '../../core/channels/artifacts';
import { type Channel, channel, parseChannelId } from '../../core/channels/channels';
import { locateChannel } from '../../core/channels/locate';
import { rotateChannel } from '../../core/channels/rotate';
import type { Deps } from '../../core/deps';
import { applyYearChange, previewYearChange } from '../../core/jobs/year/apply';
import { yearPlanSchema } from '../../core/jobs/year/plan';
import { getSecrets } from '../../core/messaging/secrets';
import { printableJoinLink } from '../../core/schools/join-link';
import { rotateJoinLink } from '../../core/schools/join-link-rotation';
import type { SchoolClass } from '../../core/schools/school';
import { type AppEnv, requireAdmin, requireToken } from '../auth';
import { callerSchool } from '../caller-school';
import { schoolView } from '../school-view';
import { jsonOf } from '../validate';

const classView = ({ id, name, archived }: SchoolClass) => ({ id, name, archived });

/**
 * The caller's school (`/me`): its classes (for audience choices; admins add, rename and archive them,
 * and change the school year) and, for admins, its private feed URLs. Operators' routes for every school
 * share the `/api/schools` prefix (routes/operator.ts), so the guard here covers `/me` only.
 */
export function schoolRoutes(deps: Deps) {
  return (
    new Hono<AppEnv>()
      .use('/me/*', requireToken(deps))
      .get('/me', async (c) => c.json(schoolView(await callerSchool(deps, c.get('principal').schoolId))))
      .post('/me/classes', requireAdmin('add a class'), jsonOf(newClassSchema), async (c) => {
        const klass = await addClass(deps, c.get('principal'), c.req.valid('json'));
        return c.json({ class: classView(klass) }, 201);
      })
      .patch('/me/classes/:classId', requireAdmin('change a class'), jsonOf(classChangeSchema), async (c) => {
        const klass = await changeClass(deps, c.get('principal'), c.req.param('classId'), c.req.valid('json'));
        if (!klass) throw new HTTPException(404, { message: 'There is no such class in your school.' });
        return c.json({ class: classView(klass) });
      })
      // What the new school year will change, in words, before anything does.
      .post('/me/year/preview', requireAdmin('change the school year'), jsonOf(yearPlanSchema), async (c) =>
        c.json(await previewYearChange(deps, c.get('principal'), c.req.valid('json'))),
      )
      .post('/me/year', requireAdmin('change the school year'), jsonOf(yearPlanSchema), async (c) =>
        c.json(await applyYearChange(deps, c.get('principal'), c.req.valid('json'))),
      )
      // Each class's join link and printable QR codes (PNG, SVG): for the classroom door and the newsletter.
      .get('/me/join-links', async (c) => {
        const school = await callerSchool(deps, c.get('principal').schoolId);
        const { linkKey } = await getSecrets(deps);
        return c.json({ joinLinks: school.classes.map((k) => printableJoinLink(deps.config.publicUrl, linkKey, school.id, k)) });
      })
      // A leaked join link (a photo of the classroom door online) is replaced: the old link and its QR codes stop working.
      .post('/me/classes/:classId/join-link/rotate', requireAdmin('replace a join link'), async (c) => {
        const principal = c.get('principal');
        const klass = await rotateJoinLink(deps, principal, c.req.param('classId'));
        if (!klass) throw new HTTPException(404, { message: 'There is no such class in your school.' });
        const { linkKey } = await getSecrets(deps);
        return c.json({
          joinLink: printableJoinLink(deps.config.publicUrl, linkKey, principal.schoolId, klass),
          message: `${klass.name} has a new join link. The old link and its QR codes no longer work; families who already joined stay joined. Print the new QR code.`,
        });
      })
      .get('/me/channels', async (c) => {
        const { schoolId, role } = c.get('principal');
        if (role !== 'admin') throw new HTTPException(403, { message: 'Only an admin can see the private feed addresses.' });
        const school = await callerSchool(deps, schoolId);
        const privateChannels: Channel[] = [
          channel.families(school.id),
          ...school.classes.map((k) => channel.class(school.id, k.id)),
        ];
        const channels = await Promise.all(
          privateChannels.map(async (c) => {
            const place = await locateChannel(deps, c);
            const keys = documentKeys(place.prefix);
            const url = (key: string) => `${deps.config.publicUrl}${sitePath(key)}`;
            return { id: c.id, title: place.title, pageUrl: url(keys.page), rssUrl: url(keys.rss), jsonFeedUrl: url(keys.json) };
          }),
        );
        return c.json({ channels });
      })
      // A private feed address that got out is replaced; the audit log says who did it, as for join links.
      .post('/me/channels/:channelId/rotate', requireAdmin('change a private feed address'), async (c) => {
        const principal = c.get('principal');
        const target = parseChannelId(c.req.param('channelId'));
        if (!target || !(target.kind === 'families' || target.kind === 'class') || target.schoolId !== principal.schoolId) {
          throw new HTTPException(404, { message: 'There is no such private channel in your school.' });
        }
        await rotateChannel(deps, target);
        await recordAudit(deps, principal.schoolId, principal, 'feed_address_rotated', target.id);
        return c.json({ rotated: target.id });
      })
  );
}
