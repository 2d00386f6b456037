import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFamily } from '../../functions/core/families/family';
import { libreTranslator } from '../../functions/core/translate/libretranslate';
import { axeViolations, launchChromium, PHONE } from '../helpers/browser';
import { corpusPath } from '../helpers/corpus';
import type { TestCorridor } from '../helpers/corridor';
import { checkLocalisedPage, documentLanguage, showEmail as showEmailPage } from '../helpers/page-language';
import {
  familyIdOf,
  type JoinLink,
  type SentEmail,
  savePreferences,
  sentEmails,
  startParentsWorld,
  stopParentsWorld,
  testClock,
} from '../helpers/parents';
import type { PushService } from '../helpers/push-service';
import { startLibreTranslateStandIn, type TranslationStandIn } from '../helpers/translation-services';

/**
 * Parents in their own language, in real Chromium at 390 px: a family whose phone asks for Polish
 * (`Accept-Language: pl`) gets the join page, the confirmation e-mail, the family page, the instant push
 * and the evening digest in Polish; one asking for Urdu gets them in Urdu, laid out right to left. Every
 * page and e-mail passes axe with no violations at all (including `lang`/`dir`, and the English caption
 * inside an Urdu e-mail marked as English). E-mails are rendered in the browser as a mail app would, and
 * screenshots of each land in test/.artifacts/screenshots/. Before the evening the school turns caption
 * translation on (a local server STANDS IN for a LibreTranslate server): the digest then shows each
 * family the caption in its language, marked, with the English original beside it marked as English.
 * The phone is added as docs/security.md requires: the family approves it from the e-mail sent to the
 * address it confirmed — that e-mail and the approval page in the family's language too.
 */

const clock = testClock('2026-06-10T08:00:00Z'); // Wednesday, 09:00 in London
let corridor: TestCorridor;
let push: PushService;
let links: Record<string, JoinLink>;
let browser: Browser;
let translator: TranslationStandIn;
beforeAll(async () => {
  translator = await startLibreTranslateStandIn();
  ({ corridor, push, links } = await startParentsWorld(clock.now, { translator: libreTranslator(translator.url) }));
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  for (const parent of Object.values(parents)) await parent.context?.close();
  await browser?.close();
  await stopParentsWorld({ corridor, push });
  await translator?.stop();
});

interface Parent {
  acceptLanguage: string;
  address: string;
  dir: 'ltr' | 'rtl';
  context?: BrowserContext;
  manageUrl?: string;
  phoneId?: string;
}

const parents: Record<'pl' | 'ur', Parent> = {
  pl: { acceptLanguage: 'pl', address: `rodzic-${Date.now()}@example.org`, dir: 'ltr' },
  ur: { acceptLanguage: 'ur', address: `walid-${Date.now()}@example.org`, dir: 'rtl' },
};

/** The words each family must see; written out here, not read from the catalogue under test. */
const expected = {
  pl: {
    joinTitle: 'Dołącz do klasy Year 1 w Demo Primary School',
    emailLabel: 'Twój adres e-mail',
    send: 'Wyślij mi link potwierdzający',
    sent: 'Wysłaliśmy link potwierdzający na adres',
    confirmSubject: 'Potwierdź e-mail dla klasy Year 1 w Demo Primary School',
    confirmButton: 'Tak, potwierdzam',
    confirmed: 'Twój adres e-mail jest potwierdzony.',
    manageTitle: 'Twoje wiadomości ze szkoły',
    newPhoto: 'Nowe zdjęcie',
    settings: 'Ustawienia',
    digestSubject: 'Dziś w szkole, środa, 10 czerwca: 2 nowe wpisy',
    digestHeading: 'Dziś w szkole · środa, 10 czerwca',
    unsubscribe: 'Wypisz ten adres',
    translated: 'Przetłumaczono automatycznie · Oryginał:',
    approveSubject: 'Dodać nowy telefon do wiadomości ze szkoły?',
    approveButton: 'Tak, dodaj',
    phoneAdded: 'Ten telefon otrzymuje teraz powiadomienia Twojej rodziny.',
  },
  ur: {
    joinTitle: 'Demo Primary School میں Year 1 میں شامل ہوں',
    emailLabel: 'آپ کا ای میل پتہ',
    send: 'مجھے تصدیقی لنک بھیجیں',
    sent: 'ہم نے',
    confirmSubject: 'Demo Primary School کی Year 1 کے لیے اپنی ای میل کی تصدیق کریں',
    confirmButton: 'جی ہاں، تصدیق کریں',
    confirmed: 'آپ کے ای میل پتے کی تصدیق ہو گئی ہے۔',
    manageTitle: 'اسکول سے آپ کے پیغامات',
    newPhoto: 'نئی تصویر',
    settings: 'ترتیبات',
    digestSubject: 'آج اسکول میں، بدھ، 10 جون: 2 نئی پوسٹس',
    digestHeading: 'آج اسکول میں · بدھ، 10 جون',
    unsubscribe: 'اس پتے کو ان سبسکرائب کریں',
    translated: 'خودکار ترجمہ · اصل:',
    approveSubject: 'کیا ایک نیا فون اسکول کے پیغامات میں شامل کیا جائے؟',
    approveButton: 'ہاں، شامل کریں',
    phoneAdded: 'اب اس فون پر آپ کے خاندان کی اطلاعات آئیں گی۔',
  },
};

const caption = 'Year 1 planted beans today';

const checkPage = (page: Page, parent: Parent, lang: string, name: string) =>
  checkLocalisedPage(page, { lang, dir: parent.dir }, name);
const showEmail = (parent: Parent, mail: SentEmail | undefined, name: string) =>
  showEmailPage(parent.context as BrowserContext, mail, name);

describe.each(['pl', 'ur'] as const)('a family whose phone asks for %s', (lang) => {
  const parent = parents[lang];
  const words = expected[lang];

  beforeAll(async () => {
    parent.context = await browser.newContext({ ...PHONE, extraHTTPHeaders: { 'Accept-Language': parent.acceptLanguage } });
  });

  it('joins on a join page in its language, confirms from an e-mail in it, and lands on its family page in it', async () => {
    const page = await (parent.context as BrowserContext).newPage();
    await page.goto((links['year-1'] as JoinLink).url);
    expect(await page.title()).toBe(words.joinTitle);
    await checkPage(page, parent, lang, `join-page-${lang}-phone`);
    // The picker shows the language chosen, each language under its own name and in its own direction.
    expect(await page.locator('select[name=lang]').inputValue()).toBe(lang);
    expect(await page.locator('option[value=ur]').getAttribute('dir')).toBe('rtl');

    await page.getByLabel(words.emailLabel).fill(parent.address);
    await page.getByRole('button', { name: words.send }).click();
    expect(await page.getByRole('status').first().textContent()).toContain(words.sent);
    expect(await documentLanguage(page)).toMatchObject({ lang, dir: parent.dir });

    const mails = await sentEmails(corridor, parent.address);
    const confirmation = mails.find((m) => m.subject === words.confirmSubject);
    const mailPage = await showEmail(parent, confirmation, `confirmation-email-${lang}-phone`);
    expect(await documentLanguage(mailPage)).toEqual({ lang, dir: parent.dir, laidOut: parent.dir });
    const link = await mailPage.locator('a[href*="/family/confirm/"]').getAttribute('href');
    await mailPage.close();

    await page.goto(String(link));
    await checkPage(page, parent, lang, `confirm-page-${lang}-phone`);
    await page.getByRole('button', { name: words.confirmButton }).click();
    expect(await page.getByRole('status').first().textContent()).toBe(words.confirmed);
    expect(await page.title()).toBe(words.manageTitle);
    await checkPage(page, parent, lang, `family-page-${lang}-phone`);
    expect(await page.locator('select[name=lang]').inputValue()).toBe(lang);

    parent.manageUrl = page.url().replace(/\?.*$/, '');
    const family = await getFamily(corridor.local.deps, familyIdOf(parent.manageUrl));
    expect(family?.preferences.language).toBe(lang);
    await page.close();
  });

  it('turns on notifications for a phone from its family page; instant pushes come in its language', async () => {
    const manageUrl = String(parent.manageUrl);
    const phone = push.browser();
    parent.phoneId = phone.id;
    // A new phone joins only once the family approves it through a channel it already had (docs/security.md):
    // the page only asks, and the approval goes to the address the family confirmed above, not to the phone.
    const before = (await sentEmails(corridor, parent.address)).length;
    const asked = await fetch(`${manageUrl}/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subscription: phone.subscription }),
    });
    expect(asked.status).toBe(202);
    const family = async () => getFamily(corridor.local.deps, familyIdOf(manageUrl));
    expect(Object.keys((await family())?.push ?? {})).toEqual([]);

    // The family opens the approval e-mail, in its language, and taps its button.
    const approvalMail = (await sentEmails(corridor, parent.address))
      .slice(before)
      .find((m) => m.body.text?.includes('/family/approve/'));
    expect(approvalMail?.subject).toBe(words.approveSubject);
    const mailPage = await showEmail(parent, approvalMail, `approve-phone-email-${lang}-phone`);
    expect(await documentLanguage(mailPage)).toEqual({ lang, dir: parent.dir, laidOut: parent.dir });
    const link = await mailPage.locator('a[href*="/family/approve/"]').getAttribute('href');
    await mailPage.close();
    const page = await (parent.context as BrowserContext).newPage();
    await page.goto(String(link));
    expect(await axeViolations(page)).toEqual([]);
    expect(await documentLanguage(page)).toEqual({ lang, dir: parent.dir, laidOut: parent.dir });
    await page.getByRole('button', { name: words.approveButton }).click();
    expect(await page.getByRole('status').first().textContent()).toBe(words.phoneAdded);
    await page.close();
    expect(Object.keys((await family())?.push ?? {})).toHaveLength(1);
    await savePreferences(manageUrl, { push: 'instant', email: 'digest' });
  });
});

describe('the day’s posts reach both families in their own languages', () => {
  it('an instant push per post: a photo without a caption is named in the family’s words, with lang and dir', async () => {
    await corridor.post({ audience: 'class:year-1', files: [{ path: corpusPath('orient_landscape_1.jpg'), alt: 'Bean pots' }] });
    await corridor.post({ audience: 'class:year-1', caption });
    await corridor.local.idle();
    expect(push.problems).toEqual([]);
    for (const lang of ['pl', 'ur'] as const) {
      const pushes = push.received.filter((m) => m.browserId === parents[lang].phoneId).map((m) => m.payload);
      expect(pushes, lang).toHaveLength(2);
      expect(pushes[0]).toMatchObject({
        title: 'Year 1 · Demo Primary School',
        body: expected[lang].newPhoto,
        lang,
        dir: parents[lang].dir,
        settingsLabel: expected[lang].settings,
      });
      expect(pushes[1]).toMatchObject({ body: caption, lang });
    }
  });

  it('with translation turned on, one evening digest each: the caption in its language, the English original marked as English', async () => {
    // Before: captions as written (the pushes above). Now the school turns translation on.
    expect(translator.requests).toEqual([]);
    expect((await corridor.api('PATCH', '/api/settings', { translateCaptions: true })).status).toBe(200);
    clock.set('2026-06-10T17:00:00Z'); // 18:00 in London
    await corridor.local.runDigest();
    for (const lang of ['pl', 'ur'] as const) {
      const parent = parents[lang];
      const digests = (await sentEmails(corridor, parent.address)).filter((m) => m.subject === expected[lang].digestSubject);
      expect(digests, lang).toHaveLength(1);
      const page = await showEmail(parent, digests[0], `digest-email-${lang}-phone`);
      expect(await documentLanguage(page)).toEqual({ lang, dir: parent.dir, laidOut: parent.dir });
      expect(await page.locator('h1').textContent()).toBe(expected[lang].digestHeading);
      expect(await page.getByRole('link', { name: expected[lang].unsubscribe }).count()).toBe(1);
      // The translation is in the family's language and says it is one; the original staff wrote stays
      // beside it, marked English, and reads left to right inside a right-to-left e-mail.
      const translation = page.locator('p', { hasText: `[${lang}] ${caption}` });
      expect(await translation.getAttribute('lang')).toBe(lang);
      expect(await page.getByText(expected[lang].translated).count()).toBe(1);
      const original = page.locator('blockquote', { hasText: caption });
      expect(await original.getAttribute('lang')).toBe('en-GB');
      expect(await original.getAttribute('dir')).toBe('auto');
      expect(await original.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
      expect(await page.locator('img').getAttribute('alt')).toBe(`[${lang}] Bean pots`);
      await page.close();
      expect(digests[0]?.body.text).toContain(expected[lang].digestHeading);
    }
  });

  it('their class’s private page shows the captions in their language, marked, the English original one tap away', async () => {
    // The digest above made the translations; each one queued the page's re-render (channels/translate-job.ts).
    await corridor.local.idle();
    const { body } = await corridor.api<{ channels: { id: string; pageUrl: string }[] }>('GET', '/api/schools/me/channels');
    const classPage = body.channels.find((c) => c.id === 'class:demo:year-1')?.pageUrl ?? '';
    for (const lang of ['pl', 'ur'] as const) {
      const parent = parents[lang];
      const page = await (parent.context as BrowserContext).newPage();
      // The plain address: the phone's Accept-Language sends it to its language's page.
      await page.goto(classPage);
      expect(page.url()).toBe(`${classPage}/${lang}`);
      await checkPage(page, parent, lang, `class-page-translated-${lang}-phone`);
      // The translation is the page's own text, in the page's language; the photo's description too.
      const translated = page.locator('p.caption', { hasText: `[${lang}] ${caption}` });
      expect(
        await translated.evaluate((el) => [el.closest('[lang]')?.getAttribute('lang'), getComputedStyle(el).direction]),
      ).toEqual([lang, parent.dir]);
      expect(await page.locator(`img[alt="[${lang}] Bean pots"]`).count()).toBe(1);
      // "Translated automatically · Show original", opened without JavaScript: the English as staff wrote it.
      const note = page.locator('details.translated', { has: page.locator('p.caption', { hasText: caption }) });
      const original = note.locator('p.caption');
      expect(await original.isVisible()).toBe(false);
      await note.locator('summary').click();
      expect(await original.isVisible()).toBe(true);
      expect(
        await original.evaluate((el) => [el.getAttribute('lang'), el.getAttribute('dir'), getComputedStyle(el).direction]),
      ).toEqual(['en-GB', 'auto', 'ltr']);
      // The photo's description as written, in the other note (a photo post without a caption).
      expect(await page.locator('details.translated ul[lang="en-GB"] li', { hasText: 'Bean pots' }).count()).toBe(1);
      await checkPage(page, parent, lang, `class-page-original-${lang}-phone`);
      await page.close();
    }
  });

  it('a public post’s own page in their language: the caption translated as the page’s heading, the original one tap away', async () => {
    const news = 'Our choir sang at the town hall';
    const post = await corridor.post({
      audience: 'public',
      caption: news,
      files: [{ path: corpusPath('orient_landscape_2.jpg'), alt: 'The choir on the stage' }],
    });
    // Live first, then translated into the families' languages and rendered again (the translate job).
    await corridor.local.idle();
    for (const lang of ['pl', 'ur'] as const) {
      const parent = parents[lang];
      const page = await (parent.context as BrowserContext).newPage();
      await page.goto(`${corridor.url}/p/${post.id}`);
      expect(page.url()).toBe(`${corridor.url}/p/${post.id}/${lang}`);
      expect(await page.locator('h1').textContent()).toBe(`[${lang}] ${news}`);
      expect(await page.locator('main img').getAttribute('alt')).toBe(`[${lang}] The choir on the stage`);
      await page.locator('details.translated summary').click();
      const original = page.locator('details.translated p.caption');
      expect(await original.evaluate((el) => [el.textContent, el.getAttribute('lang'), getComputedStyle(el).direction])).toEqual([
        news,
        'en-GB',
        'ltr',
      ]);
      await checkPage(page, parent, lang, `post-page-translated-${lang}-phone`);
      await page.close();
    }
  });
});
