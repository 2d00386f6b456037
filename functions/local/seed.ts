import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as z from 'zod';
import { createSchool, type NewSchool } from '../core/admin/create';
import { createToken } from '../core/auth/tokens';
import type { Deps } from '../core/deps';
import { classIdFor, getSchool, type schoolSchema } from '../core/schools/school';

/** The demo head: signs in at /compose/ with this address; the link lands in the local mailbox. */
export const DEMO_HEAD_EMAIL = 'head@demo.school.example';

/** The demo school as an operator would create it (POST /api/schools): class ids come from the names. */
export const DEMO_NEW_SCHOOL = {
  id: 'demo',
  name: 'Demo Primary School',
  timezone: 'Europe/London',
  classes: ['Reception', 'Year 1', 'Year 2'],
  adminEmail: DEMO_HEAD_EMAIL,
  adminName: 'Demo Head',
} satisfies NewSchool;

/** The demo school's record as created (tests that set up other schools or trusts start from it). */
export const DEMO_SCHOOL: z.input<typeof schoolSchema> = {
  id: DEMO_NEW_SCHOOL.id,
  name: DEMO_NEW_SCHOOL.name,
  timezone: DEMO_NEW_SCHOOL.timezone,
  classes: DEMO_NEW_SCHOOL.classes.map((name) => ({ id: classIdFor(name, []), name })),
};

/** Who created the demo school, as the audit log names it. */
const seedActor = { label: 'Corridor (first start)', tokenId: 'seed' };

/**
 * On first start: the demo school, its head (an admin who signs in by emailed link) and an admin token. The token is kept in the data folder (local
 * only) so every start can print it; the table stores only its hash, as on AWS.
 */
export async function seedDemo(deps: Deps, dataDir: string): Promise<{ token: string; created: boolean }> {
  const tokenFile = join(dataDir, 'demo-admin-token');
  const existing = await getSchool(deps, DEMO_SCHOOL.id);
  if (existing) {
    const token = await readFile(tokenFile, 'utf8').catch(() => '');
    if (token) return { token: token.trim(), created: false };
  } else {
    // The same path as an operator's POST /api/schools: the head is invited by email (local mailbox).
    await createSchool(deps, seedActor, DEMO_NEW_SCHOOL);
  }
  const { token } = await createToken(deps, { schoolId: DEMO_SCHOOL.id, role: 'admin', label: 'demo admin' });
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  return { token, created: true };
}
