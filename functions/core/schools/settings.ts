import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { tableKeys } from '../../aws/keys';
import { recordAudit } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import { registerRetention } from '../data-protection/retention';
import type { Deps } from '../deps';
import { getSchool, type School, schoolSchema } from './school';

/** What an admin may change about their school here (each field optional: send only what changes). */
export const settingsSchema = schoolSchema
  .pick({ requiresApproval: true, retentionDays: true, translateCaptions: true, translationBudgetChars: true })
  .partial()
  .strict()
  .refine((s) => Object.keys(s).length > 0, 'send at least one setting');
export type Settings = Pick<School, 'requiresApproval' | 'retentionDays' | 'translateCaptions' | 'translationBudgetChars'>;

export const settingsOf = (school: School): Settings => ({
  requiresApproval: school.requiresApproval,
  retentionDays: school.retentionDays,
  translateCaptions: school.translateCaptions,
  translationBudgetChars: school.translationBudgetChars,
});

/** Changes settings in place (other fields untouched) and records the change in the audit log. */
export async function updateSettings(deps: Deps, admin: Principal, raw: z.input<typeof settingsSchema>): Promise<Settings> {
  const parsed = settingsSchema.parse(raw);
  // Only the settings sent: .partial() still fills in the others' defaults, which would reset them.
  const changes = Object.fromEntries(Object.entries(parsed).filter(([key]) => Object.hasOwn(raw, key))) as typeof parsed;
  const entries = Object.entries(changes);
  await deps.clients.dynamo.send(
    new UpdateCommand({
      TableName: deps.config.tableName,
      Key: tableKeys.school(admin.schoolId),
      UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: Object.fromEntries(entries.map(([key], i) => [`#f${i}`, key])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
    }),
  );
  if (changes.retentionDays !== undefined) await registerRetention(deps, admin.schoolId, changes.retentionDays);
  await recordAudit(
    deps,
    admin.schoolId,
    admin,
    'settings_changed',
    'settings',
    Object.fromEntries(entries.map(([key, value]) => [key, value === null ? 'none' : value])),
  );
  const school = await getSchool(deps, admin.schoolId);
  if (!school) throw new Error(`school ${admin.schoolId} vanished`);
  return settingsOf(school);
}
