/**
 * Classes and join links: each class's link for parents with its printable A4 poster, replacing a link
 * that got out, adding, renaming and archiving classes, and the new school year (year.ts).
 */
import type { InferResponseType } from 'hono/client';
import { type ApiClient, answer, segment } from '../../../functions/api/client';
import { h, replace } from '../../shared/dom';
import { formatDate } from '../ui';
import { type AdminContext, problem, type Read, readWithCopy, savedNote, screen, statusLine, twoTap } from './kit';
import { yearFlow } from './year';

type Me = ApiClient['api']['schools']['me'];
type JoinLink = InferResponseType<Me['join-links']['$get'], 200>['joinLinks'][number];
export type ClassInfo = InferResponseType<Me['$get'], 200>['classes'][number];

interface ClassesData {
  classes: ClassInfo[];
  links: JoinLink[];
  /** When this school year's leavers' families are removed (after a new school year), if any wait. */
  leaversRemovedAfter?: string | null;
}

export async function showClasses(main: HTMLElement, context: AdminContext): Promise<void> {
  const body = screen(
    main,
    'Classes and join links',
    'Parents join a class with its link or the QR code on its poster. Print the posters for classroom doors and newsletters.',
  );
  /** Draws the screen afresh; `message` (what just changed) stays at the top, and is read out. */
  const load = async (message?: string) => {
    if (message) context.announce(message);
    replace(body, h('p', { class: 'hint', role: 'status' }, 'Loading…'));
    let read: Read<ClassesData>;
    try {
      read = await readWithCopy('classes', async () => {
        const [school, links] = await Promise.all([
          answer(context.api.client.api.schools.me.$get()),
          answer(context.api.client.api.schools.me['join-links'].$get()),
        ]);
        return { classes: school.classes, links: links.joinLinks, leaversRemovedAfter: school.leaversRemovedAfter };
      });
    } catch (error) {
      replace(body, h('p', { class: 'error', role: 'alert' }, problem(error, 'Showing the classes')));
      return;
    }
    const online = !read.savedAt;
    const { classes, links, leaversRemovedAfter } = read.data;
    const current = classes.filter((k) => !k.archived);
    const archived = classes.filter((k) => k.archived);
    replace(
      body,
      message && h('p', { class: 'status-line done notice' }, message),
      savedNote(read),
      leaversRemovedAfter &&
        h('p', { class: 'offline-note' }, `This year’s leavers’ families are removed after ${formatDate(leaversRemovedAfter)}.`),
      h(
        'ul',
        { class: 'admin-list' },
        current.map((k) =>
          classCard(
            k,
            links.find((l) => l.classId === k.id),
            context,
            load,
            online,
          ),
        ),
      ),
      online && addClassForm(context, load),
      archived.length > 0 && [
        h('h2', null, 'Archived classes'),
        h('p', { class: 'hint' }, 'Their posts stay as they were; they take no new posts or families.'),
        h(
          'ul',
          { class: 'admin-list' },
          archived.map((k) => classCard(k, undefined, context, load, online)),
        ),
      ],
      online && yearFlow(context, current, load),
    );
  };
  await load();
}

function classCard(
  klass: ClassInfo,
  link: JoinLink | undefined,
  context: AdminContext,
  reload: (message?: string) => Promise<void>,
  online: boolean,
): HTMLLIElement {
  const status = statusLine();
  const actions = h('div', { class: 'card-actions' });
  const classRoutes = context.api.client.api.schools.me.classes[':classId'];
  const param = { classId: segment(klass.id) };
  const patch = async (change: { name?: string; archived?: boolean }, done: string) => {
    try {
      await answer(classRoutes.$patch({ param, json: change }));
      await reload(done);
    } catch (error) {
      status.fail(problem(error, 'Changing a class'));
    }
  };
  const rename = h('button', { type: 'button', class: 'secondary' }, 'Rename');
  rename.addEventListener('click', () => {
    const field = h('input', { id: `rename-${klass.id}`, type: 'text', value: klass.name, maxLength: 80, required: true });
    const form = h(
      'form',
      { class: 'edit' },
      h('label', { for: field.id }, `New name for ${klass.name}`),
      field,
      h(
        'div',
        { class: 'card-actions' },
        h('button', { type: 'submit', class: 'primary' }, 'Save the name'),
        h('button', { type: 'button', class: 'secondary', onclick: () => showActions() }, 'Cancel'),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const name = field.value.trim();
      if (!name) {
        status.fail('Write the class’s new name.');
        return;
      }
      void patch({ name }, `${klass.name} is now called ${name}.`);
    });
    replace(actions, form);
    field.focus();
  });
  const rotate = twoTap('Replace the link', 'Tap again: the old link and posters stop working', async () => {
    try {
      const { message } = await answer(classRoutes['join-link'].rotate.$post({ param }));
      await reload(message);
    } catch (error) {
      status.fail(problem(error, 'Replacing the link'));
    }
  });
  const archive = klass.archived
    ? h(
        'button',
        { type: 'button', class: 'secondary', onclick: () => patch({ archived: false }, `${klass.name} is back.`) },
        'Bring back',
      )
    : twoTap('Archive', 'Tap again: no new posts or families', () => patch({ archived: true }, `${klass.name} is archived.`));
  // Rarely needed, and two of them cannot be undone: folded away under one line.
  const showActions = () =>
    replace(
      actions,
      online &&
        h(
          'details',
          { class: 'more-actions' },
          h('summary', null, `Change ${klass.name}`),
          h('div', { class: 'card-actions' }, link && rotate, rename, archive),
        ),
    );
  showActions();
  return h(
    'li',
    { class: 'card' },
    h('h2', { class: 'card-caption' }, klass.name),
    link && [
      h('p', { class: 'join-url' }, h('span', { class: 'vh' }, 'Join link: '), link.url),
      h(
        'p',
        { class: 'card-links' },
        link.posterUrl &&
          h(
            'a',
            { href: link.posterUrl, target: '_blank', rel: 'noopener', class: 'button-link' },
            'Print the poster',
            h('span', { class: 'vh' }, ` for ${klass.name}`),
          ),
        navigator.clipboard &&
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              onclick: async () => {
                await navigator.clipboard.writeText(link.url).then(
                  () => status.ok('Link copied. Paste it into a newsletter or a message to parents.'),
                  () => status.fail('This browser did not allow copying. Press and hold the link to copy it.'),
                );
              },
            },
            'Copy the link',
            h('span', { class: 'vh' }, ` for ${klass.name}`),
          ),
      ),
    ],
    actions,
    status,
  );
}

function addClassForm(context: AdminContext, reload: (message?: string) => Promise<void>): HTMLFormElement {
  const field = h('input', { id: 'new-class', type: 'text', maxLength: 80, required: true, autocomplete: 'off' });
  const status = statusLine();
  const form = h(
    'form',
    { class: 'admin-form' },
    h('h2', null, 'Add a class'),
    h('label', { for: field.id }, 'Class name (for example “Year 3” or “Otters”)'),
    field,
    h('button', { type: 'submit', class: 'primary' }, 'Add the class'),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = field.value.trim();
    if (!name) {
      status.fail('Write the class’s name first.');
      field.focus();
      return;
    }
    try {
      await answer(context.api.client.api.schools.me.classes.$post({ json: { name } }));
      await reload(`${name} added, with its own join link.`);
    } catch (error) {
      status.fail(problem(error, 'Adding a class'));
    }
  });
  return form;
}
