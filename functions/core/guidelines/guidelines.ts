import * as z from 'zod';
import { recordAudit } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import type { Deps } from '../deps';
import { getGuidelinesItem, guidelinesReadAt, putGuidelines, putGuidelinesRead } from './store';

/** What a school starts with until its head writes its own. */
export const DEFAULT_GUIDELINES = `# Sharing pupils' work

- Share the work and the learning: paintings, writing, music, a class at work.
- **Check photo consent** before you post. Corridor lists the pupils who must not be identifiable for the audience you choose.
- For public posts, use first names only, and never a name beside a face.
- No photos of pupils in swimwear, changing, upset or hurt.
- Retract a post straight away if a family asks; it disappears everywhere.

Questions? Ask the head before you post.`;

export const MAX_GUIDELINES_LENGTH = 20_000;

export const guidelinesInputSchema = z.object({ markdown: z.string().max(MAX_GUIDELINES_LENGTH) }).strict();

export interface Guidelines {
  markdown: string;
  updatedAt?: string;
  updatedBy?: string;
}

export async function getGuidelines(deps: Deps, schoolId: string): Promise<Guidelines> {
  const Item = await getGuidelinesItem(deps, schoolId);
  if (!Item) return { markdown: DEFAULT_GUIDELINES };
  return { markdown: String(Item.markdown), updatedAt: String(Item.updatedAt), updatedBy: String(Item.updatedBy) };
}

/** Saves new guidelines (audited); everyone is asked to read them again. */
export async function saveGuidelines(deps: Deps, admin: Principal, raw: z.input<typeof guidelinesInputSchema>) {
  const { markdown } = guidelinesInputSchema.parse(raw);
  const updatedAt = deps.now().toISOString();
  await putGuidelines(deps, admin.schoolId, { markdown, updatedAt, updatedBy: admin.label });
  await recordAudit(deps, admin.schoolId, admin, 'guidelines_changed', 'guidelines', { characters: markdown.length });
}

/** Records that a member of staff has read the current guidelines (the composer shows them on first use). */
export async function markGuidelinesRead(deps: Deps, reader: Principal): Promise<void> {
  await putGuidelinesRead(deps, reader.schoolId, reader.label, deps.now().toISOString());
}

/** Whether this reader has read the guidelines since they last changed. */
export async function hasReadGuidelines(deps: Deps, reader: Principal, guidelines: Guidelines): Promise<boolean> {
  const readAt = await guidelinesReadAt(deps, reader.schoolId, reader.label);
  return readAt !== undefined && readAt >= (guidelines.updatedAt ?? '');
}
