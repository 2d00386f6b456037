/**
 * The audit log: newest first, narrowed by person and by kind of action, and the whole log as a CSV file
 * for a spreadsheet (the API neutralises cells that would run as formulas).
 */
import type { InferResponseType } from 'hono/client';
import { type ApiClient, answer } from '../../../functions/api/client';
import { h, replace } from '../../shared/dom';
import { Api } from '../api';
import { formatDate } from '../ui';
import { type AdminContext, count, problem, saveFile, screen, show, statusLine } from './kit';

/** The route answers the log as JSON or, asked for `format=csv`, as a file (a string to the typed client). */
type AuditLog = Exclude<InferResponseType<ApiClient['api']['audit']['$get']>, string>;
type Entry = AuditLog['entries'][number];

const entriesOf = (answered: AuditLog | string): Entry[] => {
  if (typeof answered === 'string') throw new Error('The audit log came back as a file instead of a list.');
  return answered.entries;
};

/** Every action the log records, in words (functions/core/audit/audit.ts). */
const ACTION_WORDS: Record<string, string> = {
  post_created: 'posted',
  post_edited: 'edited a post',
  post_submitted: 'sent a post for approval',
  post_approved: 'approved a post',
  post_sent_back: 'sent a post back',
  post_retracted: 'retracted a post',
  translation_corrected: 'corrected a translation of a post',
  consent_confirmed: 'confirmed pupils cannot be identified',
  staff_invited: 'invited',
  staff_role_changed: 'changed the role of',
  staff_removed: 'removed',
  signed_in: 'signed in',
  settings_changed: 'changed settings',
  join_link_rotated: 'replaced the join link of',
  feed_address_rotated: 'replaced a private feed address',
  guidelines_changed: 'changed the guidelines',
  roster_imported: 'imported the consent roster',
  family_erased: 'erased a family',
  school_exported: 'exported the school’s data',
  retention_applied: 'took down old posts',
  school_created: 'created the school',
  school_updated: 'changed the school',
  class_added: 'added the class',
  class_renamed: 'renamed the class',
  class_archived: 'archived the class',
  class_reopened: 'brought back the class',
  school_year_changed: 'started the new school year',
  leavers_removed: 'removed the leavers’ families',
};

/** Settings as the settings screen names them. */
const SETTING_WORDS: Record<string, string> = {
  requiresApproval: 'approval',
  retentionDays: 'days posts stay up',
  name: 'school name',
  timezone: 'time zone',
  wallOptIn: 'trust wall',
};
const settingValue = (value: unknown) => (value === true ? 'on' : value === false ? 'off' : String(value));

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const actionWords = (action: string) => ACTION_WORDS[action] ?? action.replace(/_/g, ' ');

/** The part of an entry a person reads after the action (addresses and class names, not ids), with its leading space or colon. */
function about(entry: Entry): string {
  if (entry.action.startsWith('staff_')) return ` ${entry.target}`;
  if (entry.action === 'join_link_rotated' || entry.action.startsWith('class_')) return ` ${entry.target}`;
  if (entry.action === 'roster_imported' && typeof entry.details.pupils === 'number')
    return ` (${count(entry.details.pupils, 'pupil')})`;
  if (entry.action === 'post_sent_back' && typeof entry.details.reason === 'string') return `: “${entry.details.reason}”`;
  if (entry.action === 'settings_changed')
    return `: ${Object.entries(entry.details)
      .map(([k, v]) => `${SETTING_WORDS[k] ?? k} ${settingValue(v)}`)
      .join(', ')}`;
  return '';
}

export async function showAudit(main: HTMLElement, context: AdminContext): Promise<void> {
  const body = screen(main, 'Audit log', 'Everything staff did, newest first. Only admins see this.');
  const status = statusLine();
  const download = h('button', { type: 'button', class: 'secondary' }, 'Download as a spreadsheet (CSV)');
  download.addEventListener('click', async () => {
    download.disabled = true;
    try {
      const { blob, filename } = await Api.download(context.api.client.api.audit.$get({ query: { format: 'csv' } }));
      saveFile(blob, filename);
      status.ok(`Downloaded ${filename}.`);
    } catch (error) {
      status.fail(problem(error, 'Downloading'));
    } finally {
      download.disabled = false;
    }
  });
  const list = h('div');
  replace(body, h('div', { class: 'card-actions' }, download), status, list);
  await show(
    list,
    'audit',
    async () => entriesOf(await answer(context.api.client.api.audit.$get({ query: { format: 'json' } }))).reverse(),
    (entries) => filtered(entries),
    'the audit log',
  );
}

function filtered(entries: Entry[]): Node[] {
  const people = [...new Set(entries.map((e) => e.actor))].sort();
  const actions = [...new Set(entries.map((e) => e.action))].sort((a, b) => actionWords(a).localeCompare(actionWords(b)));
  const person = h(
    'select',
    { id: 'audit-person' },
    h('option', { value: '' }, 'Everyone'),
    people.map((p) => h('option', { value: p }, p)),
  );
  const action = h(
    'select',
    { id: 'audit-action' },
    h('option', { value: '' }, 'Every action'),
    actions.map((a) => h('option', { value: a }, capitalised(actionWords(a)))),
  );
  const shown = h('p', { class: 'hint', role: 'status' });
  const list = h('ol', { class: 'audit-list' });
  const draw = () => {
    const matching = entries.filter(
      (e) => (!person.value || e.actor === person.value) && (!action.value || e.action === action.value),
    );
    shown.textContent = `${count(matching.length, 'entry', 'entries')} shown.`;
    replace(
      list,
      matching
        .slice(0, 300)
        .map((e) =>
          h(
            'li',
            null,
            h('time', { datetime: e.at }, formatDate(e.at)),
            h('span', null, `${e.actor} ${actionWords(e.action)}${about(e)}`),
          ),
        ),
    );
  };
  person.addEventListener('change', draw);
  action.addEventListener('change', draw);
  draw();
  return [
    h(
      'div',
      { class: 'filters' },
      h('label', { for: person.id }, 'Person'),
      person,
      h('label', { for: action.id }, 'Action'),
      action,
    ),
    shown,
    list,
  ];
}
