import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, PHONE } from '../helpers/browser';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { checkLocalisedPage, showEmail } from '../helpers/page-language';
import { type JoinLink, joinByEmail, joinLinks, type SentEmail, sentEmails, testClock } from '../helpers/parents';

/**
 * The family-link safety pages in the family's language, in real Chromium at 390 px: approving a new
 * address (the e-mail to the family's confirmed address, the approval page, the answer), "Sign out
 * everywhere" (the button, the answer, the new link's e-mail) and an expired link (in the browser's
 * language, since a dead link names nobody; its form carries the language to the answer). Polish, and
 * Urdu right to left; axe finds no violation on any page or e-mail; screenshots in test/.artifacts.
 */

const clock = testClock('2026-06-10T08:00:00Z'); // Wednesday, 09:00 in London
let corridor: TestCorridor;
let browser: Browser;
let year1: string;
const stamp = Date.now();

/** The words each family must see; written out here, not read from the catalogue under test. */
const expected = {
  pl: {
    dir: 'ltr',
    waiting: 'Czekamy na Twoją zgodę',
    approveSubject: (address: string) => `Dodać adres ${address} do wiadomości ze szkoły?`,
    approveTitle: 'Dodać do Twojej rodziny?',
    approveButton: 'Tak, dodaj',
    nearlyDone: 'Prawie gotowe',
    linksHeading: 'Linki do tej strony',
    signOut: 'Wyloguj wszędzie',
    signedOut: 'Wylogowano wszędzie',
    newLinkSubject: 'Twój nowy link do zarządzania wiadomościami ze szkoły',
    newLinkButton: 'Otwórz stronę rodziny',
    expiredTitle: 'Ten link wygasł',
    expiredLabel: 'Adres e-mail, który otrzymuje nasze wiadomości',
    expiredButton: 'Wyślij mi nowy link',
    inbox: 'Sprawdź skrzynkę',
  },
  ur: {
    dir: 'rtl',
    waiting: 'آپ کی منظوری کا انتظار ہے',
    approveSubject: (address: string) => `کیا پتہ ${address} اسکول کے پیغامات میں شامل کیا جائے؟`,
    approveTitle: 'اپنے خاندان میں شامل کریں؟',
    approveButton: 'ہاں، شامل کریں',
    nearlyDone: 'تقریباً ہو گیا',
    linksHeading: 'اس صفحے کے لنک',
    signOut: 'ہر جگہ سے سائن آؤٹ کریں',
    signedOut: 'ہر جگہ سے سائن آؤٹ ہو گیا',
    newLinkSubject: 'اسکول کے پیغامات کے انتظام کا آپ کا نیا لنک',
    newLinkButton: 'اپنے خاندان کا صفحہ کھولیں',
    expiredTitle: 'اس لنک کی مدت ختم ہو گئی ہے',
    expiredLabel: 'وہ ای میل پتہ جس پر ہمارے پیغامات آتے ہیں',
    expiredButton: 'مجھے نیا لنک ای میل کریں',
    inbox: 'اپنا ان باکس دیکھیں',
  },
} as const;

beforeAll(async () => {
  corridor = await startTestCorridor({ now: clock.now, digestEveryMs: 0 });
  year1 = ((await joinLinks(corridor))['year-1'] as JoinLink).url;
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await corridor?.stop();
});

describe.each(['pl', 'ur'] as const)('the safety pages of a family that reads %s', (lang) => {
  const words = expected[lang];
  const language = { lang, dir: words.dir };
  const address = `safety-${lang}-${stamp}@example.org`;
  const added = `second-${lang}-${stamp}@example.org`;
  let context: BrowserContext;
  let manageUrl: string;
  const newMails = async (since: number, to = address) => (await sentEmails(corridor, to)).slice(since);

  beforeAll(async () => {
    manageUrl = await joinByEmail(corridor, year1, address, lang);
    context = await browser.newContext({ ...PHONE, extraHTTPHeaders: { 'Accept-Language': lang } });
  });
  afterAll(async () => context?.close());

  it('asking to add an address: the family page says what happens, and the approval goes to the family in its language', async () => {
    const page = await context.newPage();
    await page.goto(manageUrl);
    const before = (await sentEmails(corridor, address)).length;
    await page.locator('#new-email').fill(added);
    await page.locator('form[action$="/emails"] button[type=submit]').tap();
    await page.waitForURL(/\/emails$/);
    expect(await page.title()).toBe(words.waiting);
    await checkLocalisedPage(page, language, `safety-waiting-${lang}-phone`);
    await page.close();

    const [mail] = (await newMails(before)).filter((m) => m.body.text?.includes('/family/approve/'));
    expect(mail?.subject).toBe(words.approveSubject(added));
    expect(mail?.body.html).toContain(`<html lang="${lang}" dir="${words.dir}">`);
    (await showEmail(context, mail, `safety-approve-email-${lang}-phone`)).close();
  });

  it('the approval page asks in the family’s language, and the answer says the new address must confirm', async () => {
    const mail = (await sentEmails(corridor, address)).find((m: SentEmail) => m.body.text?.includes('/family/approve/'));
    const link = /(https?:\/\/\S+\/family\/approve\/[A-Za-z0-9._-]+)/.exec(mail?.body.text ?? '')?.[1];
    const page = await context.newPage();
    await page.goto(String(link));
    expect(await page.title()).toBe(words.approveTitle);
    // The address keeps its own direction inside an Urdu sentence.
    expect(await page.locator('main bdi').first().textContent()).toBe(added);
    await checkLocalisedPage(page, language, `safety-approve-page-${lang}-phone`);
    await page.getByRole('button', { name: words.approveButton }).tap();
    await page.getByRole('heading', { name: words.nearlyDone }).waitFor();
    await checkLocalisedPage(page, language, `safety-approved-${lang}-phone`);
    await page.close();
  });

  it('“Sign out everywhere”: the section, the answer and the new link’s e-mail in the family’s language', async () => {
    const before = (await sentEmails(corridor, address)).length;
    const page = await context.newPage();
    await page.goto(manageUrl);
    await page.getByRole('heading', { name: words.linksHeading }).waitFor();
    await page.getByRole('button', { name: words.signOut }).tap();
    await page.getByRole('heading', { name: words.signedOut }).waitFor();
    await checkLocalisedPage(page, language, `safety-signed-out-${lang}-phone`);
    await page.close();
    const [mail] = await newMails(before);
    expect(mail?.subject).toBe(words.newLinkSubject);
    const shown = await showEmail(context, mail, `safety-new-link-email-${lang}-phone`);
    expect(await shown.getByRole('link', { name: words.newLinkButton }).count()).toBe(1);
    await shown.close();
  });

  it('an ended link opens the expired page in the browser’s language; its form answers in it, and the new link comes in the family’s', async () => {
    const page: Page = await context.newPage();
    const response = await page.goto(manageUrl); // ended by "Sign out everywhere" above
    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-language']).toBe(lang);
    expect(await page.title()).toBe(words.expiredTitle);
    await checkLocalisedPage(page, language, `safety-expired-${lang}-phone`);
    clock.advance(11 * 60_000); // one new link per address per 10 minutes
    const before = (await sentEmails(corridor, address)).length;
    await page.getByLabel(words.expiredLabel).fill(address);
    await page.getByRole('button', { name: words.expiredButton }).tap();
    await page.getByRole('heading', { name: words.inbox }).waitFor();
    await checkLocalisedPage(page, language, `safety-new-link-asked-${lang}-phone`);
    await page.close();
    const [mail] = await newMails(before);
    expect(mail?.subject).toBe(words.newLinkSubject);
  });
});
