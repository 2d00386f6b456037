import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as z from 'zod';
import { createToken } from '../core/auth/tokens';
import { channel } from '../core/channels/channels';
import { renderChannel } from '../core/channels/render-channel';
import type { Deps } from '../core/deps';
import { getSchool, putSchool, type schoolSchema } from '../core/schools/school';
import { addStaffMember } from '../core/staff/staff';

export const DEMO_SCHOOL: z.input<typeof schoolSchema> = {
  id: 'demo',
  name: 'Demo Primary School',
  timezone: 'Europe/London',
  classes: [
    { id: 'reception', name: 'Reception' },
    { id: 'year-1', name: 'Year 1' },
    { id: 'year-2', name: 'Year 2' },
  ],
};

/** The demo head: signs in at /compose/ with this address; the link lands in the local mailbox. */
export const DEMO_HEAD_EMAIL = 'head@demo.school.example';

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
    await putSchool(deps, DEMO_SCHOOL);
    await addStaffMember(deps, {
      schoolId: DEMO_SCHOOL.id,
      memberId: 'demo-head',
      email: DEMO_HEAD_EMAIL,
      name: 'Demo Head',
      role: 'admin',
      status: 'invited',
      invitedBy: 'seed',
      invitedAt: deps.now().toISOString(),
    });
    // A new school has a page and feeds from the start ("no posts yet"), not a 404 until its first post.
    await renderChannel(deps, channel.public(DEMO_SCHOOL.id));
  }
  const { token } = await createToken(deps, { schoolId: DEMO_SCHOOL.id, role: 'admin', label: 'demo admin' });
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  return { token, created: true };
}
