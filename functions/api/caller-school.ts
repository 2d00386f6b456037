import { HTTPException } from 'hono/http-exception';
import type { Deps } from '../core/deps';
import { getSchool, type School } from '../core/schools/school';

/** The caller's school; a 404 in words when it was removed after the credential was issued. */
export async function callerSchool(deps: Deps, schoolId: string): Promise<School> {
  const school = await getSchool(deps, schoolId);
  if (!school) throw new HTTPException(404, { message: 'Your school no longer exists.' });
  return school;
}
