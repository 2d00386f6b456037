/**
 * Data protection requests: download everything the school holds (one JSON file, no secrets), and erase
 * a family when a parent asks — found by the email address they wrote from, with a confirmation that
 * names exactly what goes.
 */
import type { InferResponseType } from 'hono/client';
import { type ApiClient, answer, segment } from '../../../functions/api/client';
import { h, replace } from '../../shared/dom';
import { Api } from '../api';
import { type AdminContext, count, listWords, problem, saveFile, screen, statusLine, twoTap } from './kit';

type Families = ApiClient['api']['data']['families'];
type FamilyFound = InferResponseType<Families['$get'], 200>['families'][number];

export async function showDataProtection(main: HTMLElement, context: AdminContext): Promise<void> {
  const body = screen(main, 'Data protection');
  replace(body, exportSection(context), eraseSection(context));
}

function exportSection(context: AdminContext): HTMLElement {
  const status = statusLine();
  const button = h('button', { type: 'button', class: 'primary' }, 'Download everything');
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.ok('Preparing the file…');
    try {
      const { blob, filename } = await Api.download(context.api.client.api.data.export.$get());
      saveFile(blob, filename);
      status.ok(`Downloaded ${filename}. The export is recorded in the audit log.`);
    } catch (error) {
      status.fail(problem(error, 'Exporting'));
    } finally {
      button.disabled = false;
    }
  });
  return h(
    'section',
    { class: 'admin-form', 'aria-labelledby': 'export-heading' },
    h('h2', { id: 'export-heading' }, 'Export everything'),
    h(
      'p',
      { class: 'hint' },
      'One file with the school’s posts, staff, roster, families and audit log, for a subject access request or your records. Keep it safe.',
    ),
    button,
    status,
  );
}

function eraseSection(context: AdminContext): HTMLElement {
  const email = h('input', { id: 'erase-email', type: 'email', inputmode: 'email', autocomplete: 'off', required: true });
  const status = statusLine();
  const found = h('div');
  const button = h('button', { type: 'submit', class: 'secondary' }, 'Find the family');
  const form = h('form', { novalidate: true }, h('label', { for: email.id }, 'The parent’s email address'), email, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(found);
    const address = email.value.trim();
    if (!address.includes('@')) {
      status.fail('Write the email address the parent asked from.');
      email.focus();
      return;
    }
    button.disabled = true;
    try {
      const { families } = await answer(context.api.client.api.data.families.$get({ query: { email: address } }));
      if (families.length === 0) status.fail(`No family at your school has confirmed ${address}.`);
      else {
        status.ok(`${count(families.length, 'family', 'families')} found with ${address}.`);
        replace(
          found,
          families.map((f) => familyCard(f, context, status, () => replace(found))),
        );
      }
    } catch (error) {
      status.fail(problem(error, 'Searching'));
    } finally {
      button.disabled = false;
    }
  });
  return h(
    'section',
    { class: 'admin-form', 'aria-labelledby': 'erase-heading' },
    h('h2', { id: 'erase-heading' }, 'Erase a family'),
    h('p', { class: 'hint' }, 'When a parent asks to be forgotten. Parents can also do this themselves from any message.'),
    form,
    status,
    found,
  );
}

/** What erasing this family deletes, in words: the confirmation names it before anything goes. */
function whatGoes(family: FamilyFound): string[] {
  return [
    family.emails.length > 0 && `${count(family.emails.length, 'email address', 'email addresses')}: ${listWords(family.emails)}`,
    family.phones > 0 && `notifications to ${count(family.phones, 'phone')}`,
    family.classes.length > 0 && `their place in ${listWords(family.classes)}`,
    family.otherSchools > 0 && `their place at ${count(family.otherSchools, 'other school')} (the family is one record)`,
    'their preferences and the record of messages sent to them',
  ].filter((line): line is string => Boolean(line));
}

function familyCard(family: FamilyFound, context: AdminContext, status: ReturnType<typeof statusLine>, done: () => void) {
  const erase = twoTap('Erase this family', 'Tap again to erase: this cannot be undone', async () => {
    try {
      const { items } = await answer(
        context.api.client.api.data.families[':familyId'].$delete({ param: { familyId: segment(family.familyId) } }),
      );
      done();
      status.ok(`Erased: ${count(items, 'record')} deleted. The audit log keeps only that it happened.`);
      context.announce('Family erased.');
    } catch (error) {
      status.fail(problem(error, 'Erasing'));
    }
  });
  return h(
    'div',
    { class: 'card' },
    h('h3', null, `The family of ${family.emails[0] ?? 'this address'}`),
    h('p', null, 'Erasing deletes:'),
    h(
      'ul',
      null,
      whatGoes(family).map((line) => h('li', null, line)),
    ),
    h('div', { class: 'card-actions' }, erase),
  );
}
