/**
 * The composer PWA's entry: sign-in, the new-post view with its sending cards, and "My posts".
 * Every post goes through the IndexedDB outbox, online or not, so there is one sending path.
 */
import { h, replace } from '../shared/dom';
import { Activity } from './activity';
import { createComposer } from './composer';
import { showMyPosts } from './my-posts';
import { outbox } from './outbox';
import { Sender } from './sender';
import { refreshSchool, restoreSession, type Session, signIn, signOut } from './session';
import { plannedLanguagesNote } from './translations';
import { announcer, audienceLabel } from './ui';

const root = document.getElementById('app') as HTMLElement;
const main = h('main', { id: 'main' });
const say = announcer();
let session: Session | undefined;

const activity = new Activity({
  api: () => session?.api,
  announce: say.say,
  retry: async (key, consentConfirmed) => {
    const entry = await outbox.get(key);
    if (!entry) return;
    await outbox.put({
      ...entry,
      state: 'queued',
      attempts: 0,
      error: undefined,
      needsConsent: false,
      consentConfirmed: entry.consentConfirmed || consentConfirmed,
    });
    activity.show({ ...entry, state: 'queued' });
    void sender.flush();
  },
});
const sender = new Sender(
  () => session?.api,
  (event) => activity.update(event),
);

type View = 'new' | 'posts' | 'admin';

/** The Admin tab's count of posts waiting for approval, filled in after the header is drawn. */
const badge = h('span', { class: 'badge', hidden: true });

function header(current: View): HTMLElement {
  const tab = (id: View, label: string, ...extra: HTMLElement[]) =>
    h('a', { href: `#${id}`, class: 'tab', 'aria-current': current === id ? 'page' : undefined }, label, ...extra);
  return h(
    'header',
    { class: 'topbar' },
    h('p', { class: 'brand' }, 'Corridor', session?.school && h('span', { class: 'school' }, session.school.name)),
    h(
      'nav',
      { 'aria-label': 'Composer' },
      tab('new', 'New post'),
      tab('posts', 'My posts'),
      // Staff see only what they may use: the admin area is an admin's (and its code loads only for them).
      session?.who?.role === 'admin' && tab('admin', 'Admin', badge),
    ),
  );
}

/** Shows how many staff posts wait for approval; keeps the last count when there is no signal. */
async function refreshBadge(): Promise<void> {
  if (session?.who?.role !== 'admin') return;
  const waiting = await session.api.waitingApprovals().catch(() => undefined);
  if (waiting === undefined) return;
  badge.hidden = waiting === 0;
  badge.textContent = String(waiting);
  badge.setAttribute('aria-label', `${waiting} ${waiting === 1 ? 'post waits' : 'posts wait'} for approval`);
}

/** Built once per page, so a half-written post survives a visit to "My posts". */
let composeForm: HTMLFormElement | undefined;

function composeView(s: Session): void {
  if (composeForm) {
    replace(main, activity.el, composeForm);
    return;
  }
  const classes = s.school?.classes ?? [];
  const composer = createComposer({
    school: s.school,
    record: (panel) =>
      // The recorder is a separate chunk, fetched the first time someone records.
      import('./recorder').then(({ record }) => new Promise((resolve) => record(panel, resolve))),
    onSubmit: async (entry) => {
      await outbox.put(entry);
      // Ask the browser not to evict queued posts under storage pressure.
      void navigator.storage?.persist?.();
      activity.show(entry);
      activity.el.scrollIntoView({ block: 'nearest' });
      say.say(
        navigator.onLine ? 'Sending your post.' : 'No signal: your post is saved and will be sent when you are back online.',
      );
      void sender.flush();
    },
  });
  const target = h('span', { class: 'post-target' });
  const chosenAudience = () =>
    [...composer.form.querySelectorAll<HTMLInputElement>('input[name=audience]:checked')].map((b) => b.value);
  // Which languages the families of the chosen audience read (the school's translation setting permitting).
  const languages = plannedLanguagesNote(() => session?.api, chosenAudience);
  composer.form.querySelector('fieldset.audience')?.after(languages.el);
  const showTarget = () => {
    const audience = chosenAudience();
    target.textContent = audience.length ? `to ${audienceLabel(audience, classes)}` : '';
  };
  composer.form.addEventListener('change', showTarget);
  composer.form.addEventListener('change', (event) => {
    if ((event.target as HTMLInputElement | null)?.name === 'audience') languages.refresh();
  });
  composer.form.append(
    h(
      'div',
      { class: 'actionbar' },
      composer.toolbar,
      h('button', { type: 'submit', class: 'primary post' }, h('span', null, 'Post'), target),
    ),
  );
  showTarget();
  languages.refresh();
  composeForm = composer.form;
  replace(main, activity.el, composer.form);
}

async function postsView(s: Session): Promise<void> {
  const list = h('div', { class: 'posts-view' });
  const waiting = (await outbox.all()).length;
  replace(
    main,
    list,
    h(
      'div',
      { class: 'account' },
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: async () => {
            await signOut(s);
            location.hash = '';
            location.reload();
          },
        },
        'Sign out',
      ),
      waiting > 0 &&
        h('p', { class: 'hint' }, `${waiting} post(s) waiting to send stay on this phone and go when you sign in again.`),
    ),
  );
  await showMyPosts(list, { api: s.api, classes: s.school?.classes ?? [], announce: say.say });
}

async function adminView(s: Session, hash: string): Promise<void> {
  replace(main, h('p', { class: 'hint', role: 'status' }, 'Loading the admin area…'));
  try {
    // A separate chunk: only admins who open the area download it, so the composer stays light.
    const { showAdmin } = await import('./admin/area');
    await showAdmin(
      main,
      { api: s.api, school: s.school, me: s.who?.name, announce: say.say, onApprovalsChanged: refreshBadge },
      hash,
    );
  } catch (error) {
    replace(
      main,
      h('h1', null, 'Admin'),
      h(
        'p',
        { class: 'error', role: 'alert' },
        navigator.onLine
          ? `The admin area could not be opened: ${error instanceof Error ? error.message : String(error)}`
          : 'The admin area has not been opened on this phone before, so it needs a connection the first time.',
      ),
    );
  }
}

function route(): void {
  if (!session) return;
  const hash = location.hash;
  const view: View = hash === '#posts' ? 'posts' : hash.startsWith('#admin') && session.who?.role === 'admin' ? 'admin' : 'new';
  replace(root, header(view), main, say.el);
  void refreshBadge();
  if (view === 'posts') void postsView(session);
  else if (view === 'admin') void adminView(session, hash);
  else composeView(session);
}

async function boot(): Promise<void> {
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/compose/sw.js', { scope: '/compose/' }).catch(() => undefined);
  }
  session = await restoreSession();
  if (!session) {
    replace(root, h('header', { class: 'topbar' }, h('p', { class: 'brand' }, 'Corridor')), main, say.el);
    session = await signIn(main);
  }
  if ((!session.school || !session.who) && navigator.onLine) session = await refreshSchool(session);
  else
    void refreshSchool(session).then((fresh) => {
      const roleChanged = fresh.who?.role !== session?.who?.role;
      session = fresh;
      if (roleChanged) route();
    });
  route();
  window.addEventListener('hashchange', route);
  for (const entry of await outbox.all()) activity.show(entry);
  window.addEventListener('online', () => void sender.flush());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void sender.flush();
  });
  void sender.flush();
}

void boot();
