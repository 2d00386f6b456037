/**
 * Staff: who may post (and who is an admin), who has not accepted their invitation yet, inviting by
 * email, changing a role, removing someone (their sessions end at once).
 */
import type { InferResponseType } from 'hono/client';
import { type ApiClient, answer, segment } from '../../../functions/api/client';
import { h, replace } from '../../shared/dom';
import { formatDate } from '../ui';
import { type AdminContext, count, problem, screen, show, statusLine, twoTap } from './kit';

type Member = InferResponseType<ApiClient['api']['staff']['$get'], 200>['staff'][number];
type Role = Member['role'];

/** A role chosen in the page (a radio button's or a select's value). */
const roleOf = (value: string): Role => (value === 'admin' ? 'admin' : 'staff');

const roleWords = { admin: 'Admin (approves, runs the school)', staff: 'Staff (posts)' } as const;

export async function showStaff(main: HTMLElement, context: AdminContext): Promise<void> {
  const body = screen(main, 'Staff', 'Everyone here signs in with their school email address; no passwords.');
  const list = h('div');
  const load = () =>
    show(
      list,
      'staff',
      async () => (await answer(context.api.client.api.staff.$get())).staff,
      (staff, read) => {
        const waiting = staff.filter((m) => m.status === 'invited');
        return [
          h('h2', null, 'Members'),
          waiting.length > 0 &&
            h('p', { class: 'hint' }, `${count(waiting.length, 'person has', 'people have')} not accepted their invitation yet.`),
          h(
            'ul',
            { class: 'admin-list' },
            [...staff].sort((a, b) => a.name.localeCompare(b.name)).map((m) => memberCard(m, context, load, !read.savedAt)),
          ),
        ];
      },
      'the staff list',
    );
  replace(body, inviteForm(context, load), list);
  await load();
}

function inviteForm(context: AdminContext, reload: () => Promise<void>): HTMLFormElement {
  const name = h('input', { id: 'invite-name', name: 'name', type: 'text', autocomplete: 'off', required: true, maxLength: 120 });
  const email = h('input', {
    id: 'invite-email',
    name: 'email',
    type: 'email',
    autocomplete: 'off',
    inputmode: 'email',
    required: true,
  });
  const status = statusLine();
  const role = (value: 'staff' | 'admin', checked: boolean) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { type: 'radio', name: 'role', value, checked }),
      h('span', null, roleWords[value]),
    );
  const button = h('button', { type: 'submit', class: 'primary' }, 'Send the invitation');
  const form = h(
    'form',
    { class: 'admin-form', novalidate: true },
    h('h2', null, 'Invite someone'),
    h('label', { for: name.id }, 'Name'),
    name,
    h('label', { for: email.id }, 'School email'),
    email,
    h('fieldset', { class: 'choices' }, h('legend', null, 'Role'), role('staff', true), role('admin', false)),
    button,
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!name.value.trim() || !email.value.includes('@')) {
      status.fail('Write their name and their school email address.');
      (name.value.trim() ? email : name).focus();
      return;
    }
    button.disabled = true;
    try {
      const role = roleOf((form.querySelector('input[name=role]:checked') as HTMLInputElement).value);
      await answer(context.api.client.api.staff.$post({ json: { name: name.value.trim(), email: email.value.trim(), role } }));
      status.ok(`Invitation sent to ${email.value.trim()}. The link in it works for 7 days.`);
      form.reset();
      await reload();
    } catch (error) {
      status.fail(problem(error, 'Inviting'));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function memberCard(member: Member, context: AdminContext, reload: () => Promise<void>, online: boolean): HTMLLIElement {
  const status = statusLine();
  const memberRoutes = context.api.client.api.staff[':email'];
  const param = { email: segment(member.email) };
  const state =
    member.status === 'invited'
      ? `Invited ${formatDate(member.invitedAt)}: has not accepted yet`
      : member.lastSignInAt
        ? `Last signed in ${formatDate(member.lastSignInAt)}`
        : 'Active';
  const select = h(
    'select',
    { id: `role-${member.email}`, 'aria-label': `Role of ${member.name}` },
    (['staff', 'admin'] as const).map((r) => h('option', { value: r, selected: r === member.role }, roleWords[r])),
  );
  select.addEventListener('change', async () => {
    select.disabled = true;
    try {
      await answer(memberRoutes.$patch({ param, json: { role: roleOf(select.value) } }));
      status.ok(`${member.name} is now ${select.value === 'admin' ? 'an admin' : 'staff'}.`);
    } catch (error) {
      select.value = member.role;
      status.fail(problem(error, 'Changing a role'));
    } finally {
      select.disabled = false;
    }
  });
  const remove = twoTap('Remove', `Tap again: ${member.name} is signed out everywhere now`, async () => {
    try {
      await answer(memberRoutes.$delete({ param }));
      context.announce(`${member.name} was removed and signed out.`);
      await reload();
    } catch (error) {
      status.fail(problem(error, 'Removing'));
    }
  });
  const resend = h('button', { type: 'button', class: 'secondary' }, 'Send the invitation again');
  resend.addEventListener('click', async () => {
    resend.disabled = true;
    try {
      await answer(context.api.client.api.staff.$post({ json: { name: member.name, email: member.email, role: member.role } }));
      status.ok(`A new invitation is on its way to ${member.email}.`);
    } catch (error) {
      status.fail(problem(error, 'Sending the invitation'));
    } finally {
      resend.disabled = false;
    }
  });
  const self = member.email === context.me?.toLowerCase();
  return h(
    'li',
    { class: 'card' },
    h('h3', { class: 'card-caption' }, self ? `${member.name} (you)` : member.name),
    h('p', { class: 'meta' }, member.email),
    h('p', { class: member.status === 'invited' ? 'status quiet' : 'status' }, state),
    self && h('p', { class: 'meta' }, `${roleWords[member.role]}. Another admin can change your role.`),
    online &&
      !self && [
        h('label', { for: select.id, class: 'small-label' }, 'Role'),
        select,
        h('div', { class: 'card-actions' }, member.status === 'invited' && resend, remove),
      ],
    !online && !self && h('p', { class: 'meta' }, roleWords[member.role]),
    status,
  );
}
