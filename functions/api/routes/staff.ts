import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import * as z from 'zod';
import { roleSchema } from '../../core/auth/tokens';
import type { Deps } from '../../core/deps';
import { changeStaffRole, inviteSchema, inviteStaff, removeStaff } from '../../core/staff/invite';
import { listStaff } from '../../core/staff/staff';
import { type AppEnv, requireAdmin, requireToken } from '../auth';
import { jsonOf } from '../validate';

const roleChangeSchema = z.object({ role: roleSchema });
const noSuchMember = () => new HTTPException(404, { message: 'There is no such member of staff in your school.' });

/** The school's staff, managed by its admins: invite by email, change a role, remove. */
export function staffRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .use('*', requireToken(deps), requireAdmin('manage staff'))
    .get('/', async (c) => c.json({ staff: await listStaff(deps, c.get('principal').schoolId) }))
    .post('/', jsonOf(inviteSchema), async (c) => {
      const { member, created } = await inviteStaff(deps, c.get('principal'), c.req.valid('json'));
      return c.json({ member }, created ? 201 : 200);
    })
    .patch('/:email', jsonOf(roleChangeSchema), async (c) => {
      const { role } = c.req.valid('json');
      if (!(await changeStaffRole(deps, c.get('principal'), c.req.param('email'), role))) throw noSuchMember();
      return c.json({ email: c.req.param('email').toLowerCase(), role });
    })
    .delete('/:email', async (c) => {
      if (!(await removeStaff(deps, c.get('principal'), c.req.param('email')))) throw noSuchMember();
      return c.json({ removed: c.req.param('email').toLowerCase() });
    });
}
