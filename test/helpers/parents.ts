import { afterAll, beforeAll } from 'vitest';
import { type Notification, notificationSchema } from '../../functions/core/notification';
import type { LocalOptions } from '../../functions/local/runtime';
import { startTestCorridor, type TestCorridor } from './corridor';
import { type PushService, startPushService, type TestBrowser } from './push-service';

/**
 * A parent's side of Corridor, over HTTP only: the class join links a school prints, joining by push or
 * by email (reading the confirmation mail back from the SES emulator), and the family's manage page.
 */

/** A clock that runs at real speed from a chosen instant, and can be moved (Deps.now in tests). */
export function testClock(start: string) {
  let offset = new Date(start).getTime() - Date.now();
  return {
    now: () => new Date(Date.now() + offset),
    set(instant: string | Date) {
      offset = new Date(instant).getTime() - Date.now();
    },
    advance(ms: number) {
      offset += ms;
    },
  };
}

export interface JoinLink {
  classId: string;
  name: string;
  url: string;
  qrPngUrl: string;
  qrSvgUrl: string;
  posterUrl: string;
}

/** The school's join links, as the admin API lists them for printing. */
export async function joinLinks(corridor: TestCorridor): Promise<Record<string, JoinLink>> {
  const { status, body } = await corridor.api<{ joinLinks: JoinLink[] }>('GET', '/api/schools/me/join-links');
  if (status !== 200) throw new Error(`join links: ${status}`);
  return Object.fromEntries(body.joinLinks.map((link) => [link.classId, link]));
}

/** What a parents' test file runs against: Corridor on a test clock (digests run by hand), a loopback push service, and the join links. */
export interface ParentsWorld {
  corridor: TestCorridor;
  push: PushService;
  links: Record<string, JoinLink>;
}

export async function startParentsWorld(now: () => Date, options: Partial<LocalOptions> = {}): Promise<ParentsWorld> {
  const push = await startPushService();
  const corridor = await startTestCorridor({ now, digestEveryMs: 0, ...options });
  return { corridor, push, links: await joinLinks(corridor) };
}

/**
 * A parents' world for a whole test file: started before its tests, stopped after them. Read `corridor`,
 * `push` and `links` from the returned object inside the tests (they are filled in by then).
 */
export function useParentsWorld(now: () => Date, options: Partial<LocalOptions> = {}): ParentsWorld {
  const world = {} as ParentsWorld;
  beforeAll(async () => {
    Object.assign(world, await startParentsWorld(now, options));
  });
  afterAll(() => stopParentsWorld(world));
  return world;
}

export async function stopParentsWorld(world: Partial<ParentsWorld>): Promise<void> {
  await world.corridor?.stop();
  await world.push?.stop();
}

/** The VAPID public key a join or manage page hands its script. */
export async function pageVapidKey(url: string): Promise<string> {
  const html = await (await fetch(url)).text();
  const key = /data-vapid-key="([A-Za-z0-9_-]+)"/.exec(html)?.[1];
  if (!key) throw new Error(`no VAPID key on ${url}`);
  return key;
}

/** What the join page's script does once the browser has a subscription. */
export async function subscribePush(
  joinUrl: string,
  browser: TestBrowser,
  familyToken?: string,
  language?: string,
): Promise<{ manageUrl: string; familyToken: string }> {
  const response = await fetch(`${joinUrl}/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ subscription: browser.subscription, family: familyToken, language }),
  });
  if (!response.ok) throw new Error(`subscribe: ${response.status} ${await response.text()}`);
  return (await response.json()) as { manageUrl: string; familyToken: string };
}

/** Where a family reads an approval: a phone it already had (decrypted by the test push service), or an address. */
export type Approver = { service: PushService; phone: TestBrowser } | { corridor: TestCorridor; address: string };

/**
 * Adds a phone to a family from its manage page, as the family does: the page asks, the approval goes
 * through a channel the family already had, and following its link adds the new phone.
 */
export async function addPhoneToFamily(manageUrl: string, phone: TestBrowser, approver: Approver): Promise<void> {
  const approvalLinks = async () =>
    'service' in approver
      ? approver.service.received.filter((m) => m.browserId === approver.phone.id).map((m) => String(m.payload.url))
      : (await sentEmails(approver.corridor, approver.address)).flatMap((m) =>
          [...(m.body.text ?? '').matchAll(/https?:\/\/\S+/g)].map(([url]) => url),
        );
  const before = (await approvalLinks()).length;
  const asked = await fetch(`${manageUrl}/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ subscription: phone.subscription }),
  });
  if (asked.status !== 202) throw new Error(`asking to add a phone: ${asked.status} ${await asked.text()}`);
  const approval = (await approvalLinks()).slice(before).find((url) => url.includes('/family/approve/'));
  if (!approval) throw new Error('no approval reached the family');
  const approved = await submitForm(approval, {});
  if (approved.status !== 200) throw new Error(`approving a phone: ${approved.status}`);
}

export interface SentEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

/** Everything the SES emulator accepted (it keeps mail in memory and shows it at GET /store). */
export async function sentEmails(corridor: TestCorridor, to?: string): Promise<SentEmail[]> {
  const { emails } = (await (await fetch(`${corridor.local.emulators.sesEndpoint}/store`)).json()) as { emails: SentEmail[] };
  return to ? emails.filter((e) => e.destination.to.includes(to)) : emails;
}

export const header = (email: SentEmail, name: string) =>
  email.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

/** Submits a form the way a browser without JavaScript does; returns the response (redirects not followed). */
export function submitForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/**
 * Joins a class by email, as a parent does: the form on the join page (with the language picked, if
 * given), the confirmation mail, the button on the confirmation page. Returns the family's manage page URL.
 */
export async function joinByEmail(corridor: TestCorridor, joinUrl: string, address: string, language?: string): Promise<string> {
  const before = (await sentEmails(corridor, address)).length;
  const form = await submitForm(`${joinUrl}/email`, { email: address, ...(language ? { lang: language } : {}) });
  if (form.status !== 200) throw new Error(`email form: ${form.status}`);
  const mails = await sentEmails(corridor, address);
  // Found by its link, not its subject: the subject is in the language chosen on the join page.
  const confirmation = mails.slice(before).find((m) => m.body.text?.includes('/family/confirm/'));
  const link = /(https?:\/\/\S+\/family\/confirm\/[A-Za-z0-9._-]+)/.exec(confirmation?.body.text ?? '')?.[1];
  if (!link) throw new Error(`no confirmation mail for ${address}`);
  const confirmed = await submitForm(link, {});
  const location = confirmed.headers.get('location');
  if (confirmed.status !== 303 || !location) throw new Error(`confirm: ${confirmed.status}`);
  return location.replace(/\?.*$/, '');
}

/** Saves the family's preferences through its manage page form. */
export async function savePreferences(
  manageUrl: string,
  preferences: Partial<{
    push: string;
    email: string;
    digestTime: string;
    digestEmailToo: 'yes';
    quietStart: string;
    quietEnd: string;
  }>,
): Promise<void> {
  const response = await submitForm(`${manageUrl}/preferences`, {
    push: 'digest',
    email: 'digest',
    digestTime: '18:00',
    quietStart: '21:00',
    quietEnd: '07:00',
    ...preferences,
  });
  if (response.status !== 303) throw new Error(`preferences: ${response.status} ${await response.text()}`);
}

/** The family id behind a manage URL (its signed token's claim, read without verifying). */
export function familyIdOf(manageUrl: string): string {
  const token = manageUrl.split('/family/')[1] ?? '';
  return (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { f: string }).f;
}

/**
 * The notifications a corridor started with `holdNotifications` holds for one post, each validated against
 * the contract the deliver function reads.
 */
export function heldNotifications(corridor: TestCorridor, postId: string): Notification[] {
  return corridor.local.notificationsQueue
    .held()
    .map((body) => notificationSchema.parse(body))
    .filter((n) => n.postId === postId);
}
