import type { TestCorridor } from './corridor';
import { linksIn, sentTo } from './mailbox';

/** A signed-in browser: its session cookie and CSRF token, and a fetch that sends them like our pages do. */
export interface StaffBrowser {
  email: string;
  cookie: string;
  csrfToken: string;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** The sign-in link in the latest email to `email`, as a path with its query. */
export async function latestSignInLink(corridor: TestCorridor, email: string): Promise<string> {
  const emails = await sentTo(corridor, email);
  const last = emails.at(-1);
  const link = last ? linksIn(last, '/api/auth/magic')[0] : undefined;
  if (!link) throw new Error(`no sign-in link was sent to ${email}`);
  return link;
}

/** Posts the sign-in form for a link, as the confirmation page's button does. */
export function submitSignIn(corridor: TestCorridor, link: string, origin: string | null = corridor.url) {
  const token = new URL(link, corridor.url).searchParams.get('token') ?? '';
  return corridor.fetch('/api/auth/magic', {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}) },
    body: new URLSearchParams({ token }).toString(),
  });
}

/** Completes a sign-in link and returns the browser it signed in. */
export async function browserFromLink(corridor: TestCorridor, email: string, link: string): Promise<StaffBrowser> {
  const answer = await submitSignIn(corridor, link);
  if (answer.status !== 303) throw new Error(`sign-in failed: ${answer.status}`);
  const cookie = (answer.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const session = await corridor.fetch('/api/auth/session', { headers: { cookie } });
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  return {
    email,
    cookie,
    csrfToken,
    api: async <T>(method: string, path: string, body?: unknown) => {
      const response = await corridor.fetch(path, {
        method,
        headers: {
          cookie,
          origin: corridor.url,
          'x-csrf-token': csrfToken,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as T };
    },
  };
}

/** Invites `email` with the admin token (`adminToken`, else the demo admin) and signs in from the invitation. */
export async function signInAsNewStaff(
  corridor: TestCorridor,
  email: string,
  role: 'admin' | 'staff' = 'staff',
  adminToken = corridor.token,
): Promise<StaffBrowser> {
  const invited = await corridor.api('POST', '/api/staff', { email, name: email.split('@')[0], role }, adminToken);
  if (invited.status >= 300) throw new Error(`invitation failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  return browserFromLink(corridor, email, await latestSignInLink(corridor, email));
}
