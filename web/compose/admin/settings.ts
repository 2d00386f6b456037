/**
 * Settings: whether staff posts wait for approval, how long posts stay up, the school's name and time
 * zone, and (when the school belongs to a trust) whether its public posts show on the trust's wall.
 * Each switch saves as it changes and says so.
 */
import type { InferRequestType, InferResponseType } from 'hono/client';
import { type ApiClient, answer } from '../../../functions/api/client';
import { h, replace } from '../../shared/dom';
import { type AdminContext, problem, type Read, readWithCopy, savedNote, screen, statusLine } from './kit';

type SettingsRoutes = ApiClient['api']['settings'];
type SettingsChange = InferRequestType<SettingsRoutes['$patch']>['json'];
type SettingsData = Pick<InferResponseType<SettingsRoutes['$get'], 200>['settings'], 'requiresApproval' | 'retentionDays'> &
  Pick<InferResponseType<ApiClient['api']['schools']['me']['$get'], 200>, 'name' | 'timezone' | 'trustId' | 'wallOptIn'>;

const RETENTION_CHOICES: [number | null, string][] = [
  [null, 'Until someone retracts them'],
  [365, 'One year'],
  [730, 'Two years'],
  [1095, 'Three years'],
  [1825, 'Five years'],
];

export async function showSettings(main: HTMLElement, context: AdminContext): Promise<void> {
  const body = screen(main, 'Settings');
  let read: Read<SettingsData>;
  try {
    read = await readWithCopy('settings', async () => {
      const [{ settings }, school] = await Promise.all([
        answer(context.api.client.api.settings.$get()),
        answer(context.api.client.api.schools.me.$get()),
      ]);
      return {
        requiresApproval: settings.requiresApproval,
        retentionDays: settings.retentionDays,
        name: school.name,
        timezone: school.timezone,
        trustId: school.trustId,
        wallOptIn: school.wallOptIn,
      };
    });
  } catch (error) {
    replace(body, h('p', { class: 'error', role: 'alert' }, problem(error, 'Showing the settings')));
    return;
  }
  const settings = read.data;
  const disabled = Boolean(read.savedAt);
  const status = statusLine();
  const save = async (change: SettingsChange, done: string, undo: () => void) => {
    try {
      await answer(context.api.client.api.settings.$patch({ json: change }));
      status.ok(done);
      context.announce(done);
    } catch (error) {
      undo();
      status.fail(problem(error, 'Saving'));
    }
  };

  const approval = h('input', { id: 'requires-approval', type: 'checkbox', checked: settings.requiresApproval, disabled });
  approval.addEventListener('change', () =>
    save(
      { requiresApproval: approval.checked },
      approval.checked ? 'Saved: staff posts now wait for an admin’s approval.' : 'Saved: staff posts go out straight away.',
      () => {
        approval.checked = !approval.checked;
      },
    ),
  );

  const retention = h(
    'select',
    { id: 'retention', disabled },
    RETENTION_CHOICES.map(([days, label]) =>
      h('option', { value: String(days), selected: days === settings.retentionDays }, label),
    ),
  );
  let retentionBefore = retention.value;
  retention.addEventListener('change', () => {
    const days = retention.value === 'null' ? null : Number(retention.value);
    void save(
      { retentionDays: days },
      days === null
        ? 'Saved: posts stay until retracted.'
        : `Saved: posts are taken down ${retention.selectedOptions[0]?.textContent?.toLowerCase()} after they went out.`,
      () => {
        retention.value = retentionBefore;
      },
    ).then(() => {
      retentionBefore = retention.value;
    });
  });

  const name = h('input', { id: 'school-name', type: 'text', value: settings.name, maxLength: 120, required: true, disabled });
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [settings.timezone];
  const zone = h(
    'select',
    { id: 'time-zone', disabled },
    [...new Set([settings.timezone, ...zones])]
      .sort()
      .map((z) => h('option', { value: z, selected: z === settings.timezone }, z.replace(/_/g, ' '))),
  );
  const identity = h(
    'form',
    { class: 'admin-form' },
    h('h2', null, 'The school'),
    h('label', { for: name.id }, 'School name (on its page and in every message)'),
    name,
    h('label', { for: zone.id }, 'Time zone (for dates and evening messages)'),
    zone,
    h('button', { type: 'submit', class: 'primary', disabled }, 'Save name and time zone'),
  );
  identity.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!name.value.trim()) {
      status.fail('The school needs a name.');
      name.focus();
      return;
    }
    void save({ name: name.value.trim(), timezone: zone.value }, 'Saved the name and time zone.', () => undefined);
  });

  const wall = h('input', { id: 'wall-opt-in', type: 'checkbox', checked: settings.wallOptIn, disabled });
  wall.addEventListener('change', () =>
    save(
      { wallOptIn: wall.checked },
      wall.checked
        ? 'Saved: your public posts now show on the trust’s wall.'
        : 'Saved: your posts are taken off the trust’s wall.',
      () => {
        wall.checked = !wall.checked;
      },
    ),
  );

  replace(
    body,
    savedNote(read),
    status,
    h(
      'div',
      { class: 'admin-form' },
      h('h2', null, 'Posting'),
      h('label', { class: 'switch' }, approval, h('span', null, 'Staff posts wait for an admin’s approval')),
      h('p', { class: 'hint' }, 'Admins’ own posts always go straight out.'),
      h('label', { for: retention.id }, 'Take posts down after'),
      retention,
    ),
    identity,
    settings.trustId &&
      h(
        'div',
        { class: 'admin-form' },
        h('h2', null, 'Your trust'),
        h('label', { class: 'switch' }, wall, h('span', null, 'Show our public posts on the trust’s wall')),
      ),
  );
}
