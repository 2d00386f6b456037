/**
 * Staff sign-in: for now a form where the teacher pastes the token an admin created
 * (`corridor token create --role staff`); it is kept in localStorage on this phone only. A later issue
 * replaces the form with magic links; everything else reads the token through this module.
 */
import { h, replace } from '../shared/dom';
import { Api, ApiError, NetworkError, type SchoolInfo } from './api';

const TOKEN_KEY = 'corridor.staffToken';
const SCHOOL_KEY = 'corridor.school';

export interface Session {
  api: Api;
  token: string;
  /** The school and its classes (the audience chips), cached for starts with no signal. */
  school?: SchoolInfo;
}

export function currentSession(): Session | undefined {
  const token = localStorage.getItem(TOKEN_KEY);
  if (!token) return undefined;
  let school: SchoolInfo | undefined;
  try {
    school = JSON.parse(localStorage.getItem(SCHOOL_KEY) ?? 'null') ?? undefined;
  } catch {
    school = undefined;
  }
  return { api: new Api(token), token, school };
}

export function signOut(): void {
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(SCHOOL_KEY);
}

/** Refreshes the cached school (classes change); keeps the cached copy when offline. */
export async function refreshSchool(session: Session): Promise<Session> {
  try {
    const school = await session.api.school();
    localStorage.setItem(SCHOOL_KEY, JSON.stringify(school));
    return { ...session, school };
  } catch {
    return session;
  }
}

/** Renders the sign-in form into `main`; resolves with the session once a token is accepted. */
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
      h('h1', null, 'Sign in to post'),
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
        const school = await new Api(token).school();
        localStorage.setItem(TOKEN_KEY, token);
        localStorage.setItem(SCHOOL_KEY, JSON.stringify(school));
        resolve({ api: new Api(token), token, school });
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
    replace(main, form);
    input.focus();
  });
}
