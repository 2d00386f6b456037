/**
 * Staff sign-in. A teacher asks for a link by email; opening it signs this browser in with a session cookie
 * and lands back here. A staff API token (`corridor token create --role staff`) can be pasted instead, and
 * is then kept in localStorage on this phone only. Everything else reads the credential through this module.
 */
import { h, replace } from '../shared/dom';
import {
  Api,
  ApiError,
  browserSession,
  type Credential,
  NetworkError,
  requestSignInLink,
  type SchoolInfo,
  type Whoami,
} from './api';

const TOKEN_KEY = 'corridor.staffToken';
/** The session's CSRF token, kept so a start with no signal can still queue posts to send later. */
const CSRF_KEY = 'corridor.csrf';
const SCHOOL_KEY = 'corridor.school';
/** Who is signed in (role and name), cached like the school so the admin area shows with no signal. */
const WHO_KEY = 'corridor.who';

export interface Session {
  api: Api;
  credential: Credential;
  /** The school and its classes (the audience chips), cached for starts with no signal. */
  school?: SchoolInfo;
  /** Their role: only admins get the admin area (the API refuses staff anyway). */
  who?: Whoami;
}

function cached<T>(key: string): T | undefined {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

const sessionOf = (credential: Credential, school = cached<SchoolInfo>(SCHOOL_KEY)): Session => ({
  api: new Api(credential),
  credential,
  school,
  who: cached<Whoami>(WHO_KEY),
});

/** The session this phone already has: a pasted token, the browser's cookie session, or (offline) the last one. */
export async function restoreSession(): Promise<Session | undefined> {
  const token = localStorage.getItem(TOKEN_KEY);
  if (token) return sessionOf({ kind: 'token', token });
  const live = await browserSession();
  if (live) {
    localStorage.setItem(CSRF_KEY, live.csrfToken);
    return sessionOf({ kind: 'session', csrfToken: live.csrfToken });
  }
  const remembered = localStorage.getItem(CSRF_KEY);
  return remembered && !navigator.onLine ? sessionOf({ kind: 'session', csrfToken: remembered }) : undefined;
}

export async function signOut(session: Session): Promise<void> {
  await session.api.signOut().catch(() => undefined);
  // Everything this phone kept for the signed-in member, the admin screens' saved copies included.
  for (const key of Object.keys(localStorage)) if (key.startsWith('corridor.')) localStorage.removeItem(key);
}
/** Refreshes the cached school (classes change) and role (an admin may change it); keeps the cached copies when offline. */
export async function refreshSchool(session: Session): Promise<Session> {
  try {
    const [school, who] = await Promise.all([session.api.school(), session.api.whoami()]);
    localStorage.setItem(SCHOOL_KEY, JSON.stringify(school));
    localStorage.setItem(WHO_KEY, JSON.stringify(who));
    return { ...session, school, who };
  } catch {
    return session;
  }
}

/** The emailed-link form: the usual way in. Opening the link signs this browser in and comes back here. */
function emailLinkForm(): HTMLFormElement {
  const input = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'email', required: true });
  const status = h('p', { id: 'email-status', role: 'status' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Email me a sign-in link');
  const form = h(
    'form',
    { class: 'signin', novalidate: true },
    h('h1', null, 'Sign in to post'),
    h('p', { id: 'email-hint', class: 'hint' }, 'Use your school email address. The link works once, for 15 minutes.'),
    h('label', { for: 'email' }, 'School email'),
    input,
    status,
    button,
  );
  input.setAttribute('aria-describedby', 'email-hint email-status');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const email = input.value.trim();
    if (!email.includes('@')) {
      status.textContent = 'Type your school email address first.';
      input.focus();
      return;
    }
    button.disabled = true;
    try {
      status.textContent = `${await requestSignInLink(email)} Open it on this phone.`;
    } catch (problem) {
      status.textContent = problem instanceof Error ? problem.message : String(problem);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** Renders the sign-in forms into `main`; resolves with the session once a pasted token is accepted. */
export function signIn(main: HTMLElement): Promise<Session> {
  return new Promise((resolve) => {
    const input = h('input', {
      id: 'token',
      name: 'token',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
      spellcheck: 'false',
      'aria-describedby': 'token-hint token-error',
    });
    const error = h('p', { id: 'token-error', class: 'error', role: 'alert' });
    const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
    const form = h(
      'form',
      { class: 'signin', novalidate: true },
      h('h2', null, 'Or paste a staff token'),
      h(
        'p',
        { id: 'token-hint', class: 'hint' },
        'Paste the staff token your school’s Corridor admin gave you. It starts with “crd_”.',
      ),
      h('label', { for: 'token' }, 'Staff token'),
      input,
      error,
      button,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const token = input.value.trim();
      error.textContent = '';
      if (!token) {
        error.textContent = 'Paste your staff token first.';
        input.focus();
        return;
      }
      button.disabled = true;
      button.textContent = 'Checking…';
      try {
        const credential: Credential = { kind: 'token', token };
        const school = await new Api(credential).school();
        localStorage.setItem(TOKEN_KEY, token);
        localStorage.setItem(SCHOOL_KEY, JSON.stringify(school));
        resolve(sessionOf(credential, school));
      } catch (problem) {
        error.textContent =
          problem instanceof ApiError && problem.status === 401
            ? 'This token was not accepted. Check it, or ask your admin for a new one.'
            : problem instanceof NetworkError
              ? 'Corridor cannot be reached. Check your connection and try again.'
              : problem instanceof Error
                ? problem.message
                : String(problem);
        input.focus();
      } finally {
        button.disabled = false;
        button.textContent = 'Sign in';
      }
    });
    replace(main, emailLinkForm(), form);
  });
}
