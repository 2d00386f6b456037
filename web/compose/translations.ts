/**
 * Translations, as staff see them: which languages a post goes into (the languages its families chose),
 * how each translation reads now, and a form to correct one — before the post is published (while it
 * waits for approval or its time) or after. A correction is the school's own words: families read it
 * marked "Translated by the school", and the machine never writes over it unless the caption changes.
 */
import { h, replace } from '../shared/dom';
import type { Api, LanguageTranslation, PostTranslations, TranslationPlan } from './api';

type Language = TranslationPlan['languages'][number];

const families = (n: number) => `${n} ${n === 1 ? 'family' : 'families'}`;

/** A language under its own name, marked with its own language and direction (a screen reader says "اردو" in Urdu). */
const languageName = (language: Language) => h('span', { lang: language.locale, dir: language.dir }, language.name);

/** What translation means for this school, in a sentence; undefined when it simply works. */
function planWords(plan: TranslationPlan): string | undefined {
  if (!plan.translating)
    return 'Your school does not translate captions: families read them as you write them, with the rest of their messages in their own language. An admin can turn translation on in the settings.';
  if (plan.languages.length === 0) return 'Every family of this audience reads English, so nothing is translated.';
  if (!plan.machine) return 'No translation service is set up, so families read only the translations you write here.';
  return undefined;
}

/**
 * The new-post form's line "Translated into Polski (1 family), اردو (2 families)", refreshed when the
 * audience changes. Quiet when offline: the post is still sent, and My posts shows its languages later.
 */
export function plannedLanguagesNote(api: () => Api | undefined, audience: () => string[]): { el: HTMLElement; refresh(): void } {
  const el = h('p', { class: 'hint translation-plan', 'aria-live': 'polite' });
  let asked = 0;
  const refresh = async () => {
    const chosen = audience();
    const client = api();
    const ask = ++asked;
    if (!client || chosen.length === 0 || !navigator.onLine) return replace(el);
    try {
      const plan = await client.plannedLanguages(chosen);
      if (ask !== asked) return; // a newer choice is being asked about
      if (!plan.translating || plan.languages.length === 0) return replace(el);
      replace(
        el,
        'Translated into ',
        plan.languages.map((language, i) => [i > 0 && ', ', languageName(language), ` (${families(language.families)})`]),
        '. You can correct a translation in My posts.',
      );
    } catch {
      replace(el); // no answer: say nothing rather than something wrong
    }
  };
  return { el, refresh: () => void refresh() };
}

/** A button that opens the post's translations in place (and loads them fresh each time). */
export function translationsButton(api: Api, postId: string, announce: (text: string) => void): HTMLElement {
  const box = h('div', { class: 'translations' });
  const open = h('button', { type: 'button', class: 'secondary' }, 'Translations');
  const body = h('div');
  const load = async () => {
    open.disabled = true;
    replace(body, h('p', { class: 'hint', role: 'status' }, 'Loading the translations…'));
    try {
      const view = await api.translations(postId);
      replace(body, translationsView(api, postId, view, { announce, reload: load }));
    } catch (error) {
      replace(
        body,
        h(
          'p',
          { class: 'error', role: 'alert' },
          error instanceof Error ? error.message : 'The translations could not be loaded.',
        ),
      );
    } finally {
      open.disabled = false;
      open.textContent = 'Show the translations again';
    }
  };
  open.addEventListener('click', () => void load());
  replace(box, open, body);
  return box;
}

interface ViewOptions {
  announce(text: string): void;
  reload(): Promise<void>;
}

function translationsView(api: Api, postId: string, view: PostTranslations, options: ViewOptions): HTMLElement {
  const words = planWords(view);
  const rows = view.translating ? view.languages : [];
  return h(
    'section',
    { class: 'translation-list', 'aria-label': 'Translations' },
    words && h('p', { class: 'hint' }, words),
    rows.length > 0 &&
      h(
        'ul',
        null,
        rows.map((language) => languageRow(api, postId, view, language, options)),
      ),
  );
}

/** Where one language's translation stands, in words. */
function standing(view: PostTranslations, language: Language, translation: LanguageTranslation | undefined): string {
  if (translation?.by === 'school')
    return `Translated by the school (${translation.correctedBy ?? 'staff'}). Families see it marked so.`;
  if (translation) return 'Translated automatically. Families see it marked so, with your original beneath it.';
  if (view.outdated.includes(language.locale))
    return 'The caption changed since it was translated: it is translated again once the change is live, unless you write it now.';
  return view.machine
    ? 'Not translated yet: it is translated when the post goes live. You can write it yourself now.'
    : 'Not translated: these families read your original until you write a translation.';
}

function languageRow(api: Api, postId: string, view: PostTranslations, language: Language, options: ViewOptions): HTMLLIElement {
  const translation = view.translations[language.locale];
  const actions = h('div', { class: 'card-actions' });
  const item = h(
    'li',
    { class: 'translation' },
    h('h3', null, languageName(language), ` · ${families(language.families)}`),
    h('p', { class: `status ${translation?.by === 'school' ? 'done' : 'quiet'}` }, standing(view, language, translation)),
    translation?.caption && h('p', { class: 'translated', lang: language.locale, dir: language.dir }, translation.caption),
    actions,
  );
  const showButton = () =>
    replace(
      actions,
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            replace(actions, correctionForm(api, postId, view, language, { ...options, cancel: showButton }));
            actions.querySelector<HTMLElement>('textarea, input')?.focus();
          },
        },
        translation ? 'Correct it' : 'Write it',
        h('span', { class: 'vh' }, ` (${language.name})`),
      ),
    );
  showButton();
  return item;
}

/**
 * The caption and each description in the language, each with the original above it. Saved against the
 * texts it was written for: if someone edits the caption meanwhile, the API refuses and says why.
 */
function correctionForm(
  api: Api,
  postId: string,
  view: PostTranslations,
  language: Language,
  options: ViewOptions & { cancel(): void },
): HTMLFormElement {
  const current = view.translations[language.locale];
  const id = (what: string) => `tr-${postId}-${language.locale}-${what}`;
  const field = (what: string, value: string, multiline: boolean) => {
    const props = { id: id(what), lang: language.locale, dir: language.dir, maxLength: multiline ? 5000 : 1000 };
    const input = multiline ? h('textarea', { ...props, rows: 4 }) : h('input', { ...props, type: 'text' });
    input.value = value;
    return input;
  };
  const original = (text: string) => h('p', { class: 'original', lang: 'en-GB', dir: 'auto' }, text);
  const caption = view.source.caption.trim() === '' ? undefined : field('caption', current?.caption ?? '', true);
  const alts = view.source.alts.map((alt, i) =>
    alt.trim() === '' ? undefined : field(`alt-${i}`, current?.alts[i] ?? '', false),
  );
  const problem = h('p', { class: 'error', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save translation');
  const form = h(
    'form',
    { class: 'edit correction' },
    caption && [
      h('label', { for: caption.id }, 'Caption in ', languageName(language)),
      h('p', { class: 'hint' }, 'Your original:'),
      original(view.source.caption),
      caption,
    ],
    alts.map(
      (input, i) =>
        input && [
          h('label', { for: input.id }, `Description of item ${i + 1} in `, languageName(language)),
          h('p', { class: 'hint' }, 'Your original:'),
          original(view.source.alts[i] ?? ''),
          input,
        ],
    ),
    problem,
    h(
      'div',
      { class: 'card-actions' },
      save,
      h('button', { type: 'button', class: 'secondary', onclick: options.cancel }, 'Cancel'),
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.disabled = true;
    problem.textContent = '';
    try {
      await api.correctTranslation(postId, language.locale, {
        sourceHash: view.source.sourceHash,
        caption: caption?.value.trim() ?? '',
        alts: alts.map((input) => input?.value.trim() ?? ''),
      });
      options.announce(`Translation into ${language.name} saved. Families reading it see “Translated by the school”.`);
      await options.reload();
    } catch (error) {
      save.disabled = false;
      problem.textContent = error instanceof Error ? error.message : 'The translation could not be saved.';
    }
  });
  return form;
}
