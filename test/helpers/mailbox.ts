import type { TestCorridor } from './corridor';

/** An email as the SES emulator stored it (`GET /store`). */
export interface SentEmail {
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

/** Everything sent through the SES emulator to `to`, oldest first. */
export async function sentTo(corridor: TestCorridor, to: string): Promise<SentEmail[]> {
  const response = await fetch(`${corridor.local.emulators.sesEndpoint}/store`);
  const { emails } = (await response.json()) as { emails: SentEmail[] };
  return emails.filter((email) => email.destination.to.includes(to));
}

/** The links to `path` in an email's text, as a path plus query (to call on the test server). */
export function linksIn(email: SentEmail, path: string): string[] {
  return [...(email.body.text ?? '').matchAll(/https?:\/\/\S+/g)]
    .map(([url]) => new URL(url))
    .filter((url) => url.pathname === path)
    .map((url) => `${url.pathname}${url.search}`);
}
