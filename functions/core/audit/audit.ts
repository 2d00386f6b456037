import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { Principal } from '../auth/tokens';
import type { Deps } from '../deps';
import { appendAuditEntry, listAuditItems } from './store';

/** Everything the audit log records. Adding an action is adding a word here. */
export const auditActions = [
  'post_created',
  'post_edited',
  'post_submitted',
  'post_approved',
  'post_sent_back',
  'post_retracted',
  'translation_corrected',
  'consent_confirmed',
  'staff_invited',
  'staff_role_changed',
  'staff_removed',
  'signed_in',
  'settings_changed',
  'join_link_rotated',
  'feed_address_rotated',
  'guidelines_changed',
  'roster_imported',
  'family_erased',
  'school_exported',
  'retention_applied',
  'school_created',
  'school_updated',
  'class_added',
  'class_renamed',
  'class_archived',
  'class_reopened',
  'school_year_changed',
  'leavers_removed',
] as const;
export type AuditAction = (typeof auditActions)[number];

const detailValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

export const auditEntrySchema = z.object({
  schoolId: z.string(),
  at: z.string(),
  /** Who did it: a staff address, or an API token's label. */
  actor: z.string(),
  /** The session or token that did it (a token id, not the token). */
  actorId: z.string(),
  action: z.enum(auditActions),
  /** What it was done to: a post id, an address, a class. */
  target: z.string().default(''),
  details: z.record(z.string(), detailValue).default({}),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Who acted, as the log names them. The system itself acts too (retention). */
export type Actor = Pick<Principal, 'label' | 'tokenId'>;
export const systemActor: Actor = { label: 'Corridor (automatic)', tokenId: 'system' };

/**
 * Orders entries one process writes within the same millisecond (a post created, then confirmed); the
 * random part keeps two processes' entries apart.
 */
let sequence = 0;
const entrySuffix = () => `${(sequence++ % 1e9).toString().padStart(9, '0')}${randomBytes(4).toString('hex')}`;

/**
 * Appends an entry. Entries are never changed or deleted by the application. With `once` (a step that may
 * be re-run after a crash, such as a change of school year), the entry's time and key are given and the
 * write is conditional, so a re-run records it once.
 */
export async function recordAudit(
  deps: Deps,
  schoolId: string,
  actor: Actor,
  action: AuditAction,
  target = '',
  details: AuditEntry['details'] = {},
  once?: { at: string; key: string },
): Promise<AuditEntry> {
  const entry: AuditEntry = {
    schoolId,
    at: once?.at ?? deps.now().toISOString(),
    actor: actor.label,
    actorId: actor.tokenId,
    action,
    target,
    details,
  };
  // The school's log is one partition sorted by time (ISO timestamps sort as text): see audit/store.ts.
  await appendAuditEntry(deps, entry, once?.key ?? entrySuffix(), once !== undefined);
  return entry;
}

/** The school's log, oldest first, optionally from `since` (inclusive). */
export async function listAudit(deps: Deps, schoolId: string, since?: string): Promise<AuditEntry[]> {
  const items = await listAuditItems(deps, schoolId, since);
  return items.map((item) => auditEntrySchema.parse(item));
}
