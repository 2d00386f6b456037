import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { createSchool, listSchools, newSchoolSchema, schoolUpdateSchema, updateSchool } from '../../core/admin/create';
import { createTrust } from '../../core/admin/trust';
import type { Deps } from '../../core/deps';
import { getSchool } from '../../core/schools/school';
import { listTrusts, trustSchema } from '../../core/schools/trust';
import { listStaff } from '../../core/staff/staff';
import { type AppEnv, requireOperator } from '../auth';
import { schoolView } from '../school-view';
import { jsonOf } from '../validate';

const noSuchSchool = () => new HTTPException(404, { message: 'There is no such school.' });

/**
 * Every school, for the deployment's operators: create, list, show, change. Mounted beside the school's
 * own `/me` routes under `/api/schools`, so each route carries its guard (a `*` guard would cover `/me`).
 */
export function operatorSchoolRoutes(deps: Deps) {
  const operator = (what: string) => requireOperator(deps, what);
  return new Hono<AppEnv>()
    .get('/', operator('list schools'), async (c) => c.json({ schools: (await listSchools(deps)).map(schoolView) }))
    .post('/', operator('create a school'), jsonOf(newSchoolSchema), async (c) => {
      const school = await createSchool(deps, c.get('operator'), c.req.valid('json'));
      return c.json({ school: schoolView(school) }, 201);
    })
    .get('/:id', operator('see a school'), async (c) => {
      const school = await getSchool(deps, c.req.param('id'));
      if (!school) throw noSuchSchool();
      // Who runs it, and whether they accepted: an operator's first question when a head says "no email came".
      const admins = (await listStaff(deps, school.id))
        .filter((m) => m.role === 'admin')
        .map(({ email, name, status }) => ({ email, name, status }));
      return c.json({ school: schoolView(school), admins });
    })
    .patch('/:id', operator('change a school'), jsonOf(schoolUpdateSchema), async (c) => {
      const school = await updateSchool(deps, c.get('operator'), c.req.param('id'), c.req.valid('json'));
      if (!school) throw noSuchSchool();
      return c.json({ school: schoolView(school) });
    });
}

/** Trusts (and local authorities): groups of schools with a regional wall of their public posts. */
export function trustRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .get('/', requireOperator(deps, 'list trusts'), async (c) => c.json({ trusts: await listTrusts(deps) }))
    .post('/', requireOperator(deps, 'create a trust'), jsonOf(trustSchema), async (c) => {
      const trust = await createTrust(deps, c.req.valid('json'));
      return c.json({ trust, wallUrl: `${deps.config.publicUrl}/w/${trust.id}` }, 201);
    });
}
