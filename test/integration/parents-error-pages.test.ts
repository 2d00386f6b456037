import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../functions/core/i18n/messages';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { type JoinLink, joinLinks } from '../helpers/parents';

/**
 * The pages a parent can land on when something is wrong — a garbled link, a form too long or not
 * valid, a class that closed, a page that is not there (a removed post) — are in the browser's language
 * (or the language of the address), with that language's `lang` and `dir`, and never English-only.
 */

let corridor: TestCorridor;
let links: Record<string, JoinLink>;

beforeAll(async () => {
  corridor = await startTestCorridor();
  links = await joinLinks(corridor);
}, 120_000);
afterAll(() => corridor?.stop());

/** An answer's status, document language and direction, title and text. */
async function answer(path: string, init: RequestInit & { language: string }) {
  const response = await fetch(`${corridor.url}${path}`, {
    ...init,
    headers: { 'accept-language': init.language, ...(init.headers as Record<string, string>) },
  });
  const markup = await response.text();
  return {
    status: response.status,
    html: /<html lang="([^"]+)" dir="([^"]+)">/.exec(markup)?.slice(1, 3),
    title: /<title>([^<]*)<\/title>/.exec(markup)?.[1],
    markup,
  };
}

describe('pages a parent lands on when something is wrong speak their language', () => {
  it('a garbled address: in Polish for a Polish browser', async () => {
    const page = await answer('/join/demo/year-1/%C0%AE', { language: 'pl-PL,pl;q=0.9,en;q=0.5' });
    expect([page.status, page.html, page.title]).toEqual([400, ['pl', 'ltr'], t('pl', 'error.badAddressTitle')]);
    expect(page.markup).toContain(t('pl', 'error.badAddress'));
  });

  it('a form too long to read: in Urdu, right to left', async () => {
    const page = await answer('/family/new-link', {
      language: 'ur',
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `email=${'a'.repeat(20_000)}`,
    });
    expect([page.status, page.html, page.title]).toEqual([413, ['ur', 'rtl'], t('ur', 'error.tooLongTitle')]);
    expect(page.markup).toContain(t('ur', 'error.tooLong'));
  });

  it('a form that is not valid: in Welsh', async () => {
    const page = await answer(`${new URL((links['year-1'] as JoinLink).url).pathname}/push`, {
      language: 'cy',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subscription: { endpoint: 'not a push service' } }),
    });
    expect([page.status, page.html, page.title]).toEqual([400, ['cy', 'ltr'], t('cy', 'error.checkTitle')]);
  });

  it('a body that is not JSON at all: the same words, not "our side" (a 400, and nothing logged as our error)', async () => {
    const page = await answer(`${new URL((links['year-1'] as JoinLink).url).pathname}/push`, {
      language: 'cy',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"subscription": ',
    });
    expect([page.status, page.html, page.title]).toEqual([400, ['cy', 'ltr'], t('cy', 'error.checkTitle')]);
  });

  it('a class that closed: in Arabic, the class and school names isolated inside the sentence', async () => {
    const link = new URL((links['year-2'] as JoinLink).url).pathname;
    expect((await corridor.api('PATCH', '/api/schools/me/classes/year-2', { archived: true })).status).toBe(200);
    const page = await answer(link, { language: 'ar' });
    expect([page.status, page.html, page.title]).toEqual([410, ['ar', 'rtl'], t('ar', 'error.classClosedTitle')]);
    expect(page.markup).toMatch(/<bdi>Year 2<\/bdi>/);
    expect(page.markup).toContain('<bdi>Demo Primary School</bdi>');
  });

  it('a page that is not there: in the language of its address, else the browser’s', async () => {
    const removed = await answer('/p/no-such-post/pl', { language: 'en' });
    expect([removed.status, removed.html, removed.title]).toEqual([404, ['pl', 'ltr'], t('pl', 'error.notFoundTitle')]);
    expect(removed.markup).toContain(t('pl', 'error.notFound'));
    // The plain address goes to the browser's language first (as every public page does), then says so in it.
    const school = await answer('/s/no-such-school', { language: 'ta' });
    expect([school.status, school.html, school.title]).toEqual([404, ['ta', 'ltr'], t('ta', 'error.notFoundTitle')]);
  });

  it('English stays English', async () => {
    const page = await answer('/join/demo/year-1/%C0%AE', { language: 'en-GB' });
    expect([page.status, page.title]).toEqual([400, 'Address not valid']);
    expect(page.markup).toContain('This web address is not valid: part of it is garbled.');
  });
});
