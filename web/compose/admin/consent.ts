/**
 * Photo consent: import the roster CSV exported from the school's management system. The file is read
 * on this phone, checked by the API line by line (problems are shown beside the file's own lines), and
 * a preview says what the import changes before anything does. Below: who may be pictured, per audience.
 */
import type { InferResponseType } from 'hono/client';
import { type ApiClient, answer } from '../../../functions/api/client';
import { type Child, h, replace } from '../../shared/dom';
import { Api, ApiError } from '../api';
import { type AdminContext, count, listWords, problem, screen, show, statusLine } from './kit';

type Roster = ApiClient['api']['consent']['roster'];
type RosterPreview = InferResponseType<Roster['preview']['$post'], 200>['preview'];
type Pupil = InferResponseType<Roster['$get'], 200>['pupils'][number];

export async function showConsent(main: HTMLElement, context: AdminContext): Promise<void> {
  const body = screen(
    main,
    'Photo consent',
    'Export the class list with photo consent from your management system as a CSV file (columns such as Forename, Surname, Reg Group, Photo Consent), then choose it here.',
  );
  const pictured = h('section', { 'aria-labelledby': 'pictured-heading' });
  const loadPictured = () =>
    show(
      pictured,
      'roster',
      () => answer(context.api.client.api.consent.roster.$get()),
      ({ pupils, outOfDate }) => [
        outOfDate &&
          h(
            'p',
            { class: 'offline-note' },
            'The classes changed with the new school year: this roster is out of date. Import this year’s file.',
          ),
        whoMayBePictured(pupils, context),
      ],
      'the consent roster',
    );
  replace(body, importForm(context, loadPictured), pictured);
  await loadPictured();
}

function importForm(context: AdminContext, reload: () => Promise<void>): HTMLElement {
  const file = h('input', { id: 'roster-file', type: 'file', accept: '.csv,text/csv', class: 'vh' });
  const status = statusLine();
  const result = h('div', { class: 'roster-result' });
  const check = async () => {
    const chosen = file.files?.[0];
    replace(result);
    if (!chosen) return;
    const text = await chosen.text();
    status.ok(`Checking ${chosen.name}…`);
    try {
      const { preview } = await answer(context.api.client.api.consent.roster.preview.$post({}, Api.raw(text, 'text/csv')));
      status.ok(`${chosen.name} is fine: nothing has been imported yet.`);
      replace(result, previewOf(preview), importButton(text, chosen.name));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'invalid_roster') {
        status.fail(`${chosen.name}: ${error.message}`);
        replace(result, problemsOf(error.details, text));
      } else status.fail(problem(error, 'Checking the file'));
    }
  };
  const importButton = (text: string, name: string) => {
    const button = h('button', { type: 'button', class: 'primary' }, 'Import this roster');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const { imported } = await answer(context.api.client.api.consent.roster.$put({}, Api.raw(text, 'text/csv')));
        replace(result);
        status.ok(`Imported ${count(imported, 'pupil')} from ${name}. Posting now checks against this roster.`);
        context.announce('Roster imported.');
        file.value = '';
        await reload();
      } catch (error) {
        button.disabled = false;
        status.fail(problem(error, 'Importing'));
      }
    });
    return button;
  };
  file.addEventListener('change', () => void check());
  return h(
    'section',
    { class: 'admin-form', 'aria-labelledby': 'import-heading' },
    h('h2', { id: 'import-heading' }, 'Import the roster'),
    // The input inside its label: the whole button-sized label is what a thumb taps.
    h('label', { class: 'file-button' }, 'Choose the CSV file', file),
    h('p', { class: 'hint' }, 'Consent is “none”, “school only” or “public”. A file with any bad line imports nothing.'),
    status,
    result,
  );
}

/** Each problem beside the line of the file it is about, numbered as in a spreadsheet or text editor. */
function problemsOf(details: string[], text: string): HTMLElement {
  const lines = text.split(/\r\n|\n|\r/);
  return h(
    'ol',
    { class: 'problems', 'aria-label': 'Problems in the file' },
    details.map((detail) => {
      const match = /^line (\d+): (.*)$/.exec(detail);
      const number = match ? Number(match[1]) : undefined;
      const source = number ? lines[number - 1] : undefined;
      return h(
        'li',
        null,
        h('strong', null, number ? `Line ${number}` : 'The file'),
        `: ${match ? match[2] : detail}`,
        source !== undefined && h('code', { class: 'source-line' }, source || '(empty line)'),
      );
    }),
  );
}

function previewOf(preview: RosterPreview): HTMLElement {
  const levels = Object.entries(preview.byConsent)
    .filter(([, n]) => n > 0)
    .map(([level, n]) => `${n} ${level}`);
  const group = (title: string, items: string[]) =>
    items.length > 0 && [
      h('h4', null, `${title} (${items.length})`),
      h(
        'ul',
        null,
        items.map((i) => h('li', null, i)),
      ),
    ];
  return h(
    'div',
    { class: 'card' },
    h('h3', null, 'What importing changes'),
    h('p', null, `${count(preview.pupils, 'pupil')}: ${listWords(levels)}.`),
    group('New', preview.added),
    group('Changed', preview.changed),
    group('No longer listed (removed)', preview.removed),
    preview.unchanged > 0 && h('p', { class: 'meta' }, `${count(preview.unchanged, 'pupil')} unchanged.`),
  );
}

/** Per audience, the pupils who must not be identifiable in it, by class. */
function whoMayBePictured(pupils: Pupil[], context: AdminContext): Child[] {
  const className = (id: string) => context.school?.classes.find((k) => k.id === id)?.name ?? id;
  const name = (p: Pupil) => `${p.firstName} ${p.lastName}`.trim();
  const notFor = (levels: Pupil['consent'][]) => pupils.filter((p) => levels.includes(p.consent));
  const audience = (title: string, explanation: string, excluded: Pupil[]) => {
    const byClass = new Map<string, string[]>();
    for (const p of excluded) byClass.set(className(p.classId), [...(byClass.get(className(p.classId)) ?? []), name(p)]);
    return h(
      'div',
      { class: 'card' },
      h('h3', null, title),
      h('p', { class: 'meta' }, explanation),
      excluded.length === 0
        ? h('p', null, 'Every pupil on the roster may be pictured.')
        : [
            h('p', null, `Must not be identifiable: ${count(excluded.length, 'pupil')}.`),
            h(
              'ul',
              null,
              [...byClass].map(([klass, names]) => h('li', null, `${klass}: ${listWords(names)}`)),
            ),
          ],
    );
  };
  return [
    h('h2', { id: 'pictured-heading' }, 'Who may be pictured'),
    pupils.length === 0
      ? h('p', null, 'No roster yet: import one above. Until then nobody is checked.')
      : [
          h('p', { class: 'hint' }, `The roster lists ${count(pupils.length, 'pupil')}.`),
          audience('Public posts', 'The school page, feeds, website and trust wall.', notFor(['none', 'school'])),
          audience('Families only', 'The whole school’s or a class’s families.', notFor(['none'])),
        ],
  ];
}
