/**
 * The new school year: the admin says where each class goes (Reception → Year 1 …, Year 6 → leavers),
 * reads the preview of exactly what will change, and then makes the change in one step. The API makes
 * it one audited, re-runnable step (POST /api/schools/me/year); this screen only asks and shows.
 */
import type { InferRequestType, InferResponseType } from 'hono/client';
import { type ApiClient, answer } from '../../../functions/api/client';
import { h, replace } from '../../shared/dom';
import { formatDate } from '../ui';
import type { ClassInfo } from './classes';
import { type AdminContext, count, problem, statusLine, twoTap } from './kit';

type Year = ApiClient['api']['schools']['me']['year'];
/** The classes' moves and new classes, and the days between telling leavers' families and removing them. */
type YearRequest = InferRequestType<Year['$post']>['json'];
type YearPreview = InferResponseType<Year['preview']['$post'], 200>;

const LEAVERS = 'leavers';
const NEW_CLASS = '+new';

/** A class id as the API makes it from a name ("Year 3" → "year-3"). */
const slug = (name: string) =>
  name
    .toLowerCase()
    .trim()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export function yearFlow(context: AdminContext, classes: ClassInfo[], reload: (message?: string) => Promise<void>): HTMLElement {
  const section = h('section', { class: 'admin-form', 'aria-labelledby': 'year-heading' });
  const start = h('button', { type: 'button', class: 'secondary' }, 'Start the new school year…');
  start.addEventListener('click', () => replace(section, ...form()));
  replace(
    section,
    h('h2', { id: 'year-heading' }, 'The new school year'),
    h(
      'p',
      { class: 'hint' },
      'In September each class moves up. Families move with their class; leavers’ families are told, then removed.',
    ),
    start,
  );

  function form(): Node[] {
    const rows = classes.map((klass, i) => {
      const select = h(
        'select',
        { id: `year-to-${klass.id}` },
        classes.map((target) => h('option', { value: target.id }, target.name)),
        h('option', { value: NEW_CLASS }, 'A new class…'),
        h('option', { value: LEAVERS }, 'Leavers (leaving the school)'),
      );
      // By default each class moves to the one after it, and the last class leaves.
      select.value = classes[i + 1]?.id ?? LEAVERS;
      const newName = h('input', {
        id: `year-new-${klass.id}`,
        type: 'text',
        maxLength: 80,
        hidden: true,
        'aria-label': `New class for ${klass.name}`,
      });
      select.addEventListener('change', () => {
        newName.hidden = select.value !== NEW_CLASS;
        if (!newName.hidden) newName.focus();
      });
      return {
        klass,
        select,
        newName,
        el: h('div', { class: 'year-row' }, h('label', { for: select.id }, `${klass.name} moves to`), select, newName),
      };
    });
    const grace = h(
      'select',
      { id: 'year-grace' },
      [14, 30, 60, 90].map((days) => h('option', { value: String(days), selected: days === 30 }, `${days} days`)),
    );
    const status = statusLine();
    const preview = h('div', { class: 'year-preview' });
    const request = (): YearRequest | string => {
      const newClasses: { name: string }[] = [];
      const moves = rows.map(({ klass, select, newName }) => {
        if (select.value !== NEW_CLASS) return { from: klass.id, to: select.value };
        const name = newName.value.trim();
        if (!name) return { from: klass.id, to: '' };
        if (!newClasses.some((c) => c.name === name)) newClasses.push({ name });
        return { from: klass.id, to: slug(name) };
      });
      const unnamed = rows.find((_row, i) => moves[i]?.to === '');
      if (unnamed) return `Write the name of the new class ${unnamed.klass.name} moves to.`;
      return { moves, newClasses, graceDays: Number(grace.value) };
    };
    const check = h('button', { type: 'button', class: 'primary' }, 'Preview the change');
    check.addEventListener('click', async () => {
      const body = request();
      if (typeof body === 'string') {
        status.fail(body);
        return;
      }
      check.disabled = true;
      try {
        const answered = await answer(context.api.client.api.schools.me.year.preview.$post({ json: body }));
        status.ok('Nothing has changed yet. Read the preview, then make the change.');
        replace(preview, previewOf(answered), applyButton(body));
      } catch (error) {
        status.fail(problem(error, 'The new school year'));
      } finally {
        check.disabled = false;
      }
    });
    const applyButton = (body: YearRequest) =>
      twoTap(
        'Make this change',
        'Tap again to move every class now',
        async () => {
          try {
            const answered = await answer(context.api.client.api.schools.me.year.$post({ json: body }));
            await reload(
              `The new school year is set (${formatDate(answered.appliedAt)}): ${count(answered.summary.families.moving, 'family', 'families')} moved, ${count(answered.summary.families.leaving, 'family', 'families')} leaving. Print the new posters: every join link changed.`,
            );
          } catch (error) {
            status.fail(problem(error, 'The new school year'));
          }
        },
        'primary',
      );
    return [
      h('h2', { id: 'year-heading' }, 'The new school year'),
      h('p', { class: 'hint' }, 'Say where each class goes. Nothing changes until you have read the preview and confirmed.'),
      ...rows.map((r) => r.el),
      h('label', { for: grace.id }, 'Leavers’ families are removed after'),
      grace,
      check,
      status,
      preview,
    ];
  }
  return section;
}

function previewOf(preview: YearPreview): HTMLElement {
  return h(
    'div',
    { class: 'card' },
    h('h3', null, 'What will change'),
    h(
      'ul',
      null,
      preview.changes.map((c) => h('li', null, c.text)),
    ),
    h(
      'p',
      null,
      `${count(preview.families.moving, 'family', 'families')} move with their class; ${count(preview.families.leaving, 'family', 'families')} leave.`,
    ),
  );
}
