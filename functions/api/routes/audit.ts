import { Hono } from 'hono';
import * as z from 'zod';
import { type AuditEntry, listAudit } from '../../core/audit/audit';
import { formatCsv } from '../../core/csv/csv';
import type { Deps } from '../../core/deps';
import { type AppEnv, requireAdmin, requireToken } from '../auth';

const querySchema = z.object({
  format: z.enum(['json', 'csv']).default('json'),
  since: z.iso.datetime({ offset: true }).optional(),
});

const csvOf = (entries: AuditEntry[]) =>
  formatCsv([
    ['at', 'actor', 'actor_id', 'action', 'target', 'details'],
    ...entries.map((e) => [e.at, e.actor, e.actorId, e.action, e.target, JSON.stringify(e.details)]),
  ]);

/** The school's audit log, for its admins: as JSON, or as a CSV file to keep or open in a spreadsheet. */
export function auditRoutes(deps: Deps) {
  return new Hono<AppEnv>().use('*', requireToken(deps), requireAdmin('read the audit log')).get('/', async (c) => {
    const { format, since } = querySchema.parse(c.req.query());
    const { schoolId } = c.get('principal');
    const entries = await listAudit(deps, schoolId, since ? new Date(since).toISOString() : undefined);
    if (format === 'json') return c.json({ entries });
    return c.body(csvOf(entries), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="corridor-audit-${schoolId}.csv"`,
    });
  });
}
