import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libreTranslator } from '../../functions/core/translate/libretranslate';
import { axeViolations, phoneLayoutProblems, screenshot } from '../helpers/browser';
import { type ComposerRig, startComposerRig } from '../helpers/composer';
import { corpusPath } from '../helpers/corpus';
import { settle, type TestCorridor } from '../helpers/corridor';
import { type JoinLink, joinByEmail, joinLinks, savePreferences, sentEmails, testClock } from '../helpers/parents';
import { startLibreTranslateStandIn, type TranslationStandIn } from '../helpers/translation-services';

/**
 * The composer's translations at 390 px, by touch: a teacher sees which languages a post goes into
 * while writing it, writes the Polish herself while the post waits for approval, and corrects the
 * machine's Urdu after it is published. The translator is a local server STANDING IN for a
 * LibreTranslate server, counting requests: a correction never reaches it. axe judges each screen.
 */

// A school morning (09:00 in London): outside the families' quiet hours, so instant messages go at once.
const clock = testClock('2026-06-10T08:00:00Z');
let rig: ComposerRig;
let corridor: TestCorridor;
let libre: TranslationStandIn;
const stamp = Date.now();
const address = (who: string) => `composer-tr-${who}-${stamp}@example.org`;
const caption = 'Harvest festival on Friday. Please bring a tin for the food bank.';
const alt = 'Tins stacked in the school hall';
const polish = { caption: 'Dożynki w piątek. Prosimy o puszkę dla banku żywności.', alt: 'Puszki ułożone w auli szkolnej' };
const urdu = 'جمعہ کو فصل کا تہوار ہے۔ براہ کرم فوڈ بینک کے لیے ایک ڈبہ لائیں۔';
const calls = (to: string) => libre.requests.filter((r) => r.to === to).length;

beforeAll(async () => {
  libre = await startLibreTranslateStandIn();
  rig = await startComposerRig({
    teacher: 'Ms Nowak',
    corridor: { now: clock.now, digestEveryMs: 0, translator: libreTranslator(libre.url) },
  });
  corridor = rig.corridor;
  expect((await corridor.api('PATCH', '/api/settings', { translateCaptions: true, requiresApproval: true })).status).toBe(200);
  const year1 = ((await joinLinks(corridor))['year-1'] as JoinLink).url;
  for (const lang of ['pl', 'ur']) {
    await savePreferences(await joinByEmail(corridor, year1, address(lang), lang), { push: 'off', email: 'instant' });
  }
});

afterAll(async () => {
  await rig?.stop();
  await libre?.stop();
});

/** A screen a teacher uses: no sideways scrolling, 44 px targets, no axe violation; saved to look at. */
async function judge(page: Page, name: string) {
  expect(await phoneLayoutProblems(page), name).toEqual({ horizontalOverflow: 0, smallTargets: [] });
  expect(await axeViolations(page), name).toEqual([]);
  await screenshot(page, name);
}

/** A phone signed in as the teacher, on My posts, with the harvest post's translations open. */
async function openTranslations(): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await rig.openComposer();
  await page.getByRole('link', { name: 'My posts' }).tap();
  await card(page).getByRole('button', { name: 'Translations' }).tap();
  return { context, page };
}

const card = (page: Page) => page.locator('.my-posts .card').filter({ hasText: 'Harvest festival' });

describe('translations in the composer (390 px, touch)', () => {
  it('while writing: the languages of the chosen classes’ families', async () => {
    const { context, page } = await rig.openComposer();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Photos' }).tap();
    await (await chooser).setFiles([corpusPath('orient_landscape_1.jpg')]);
    await page.getByLabel('Describe photo 1').fill(alt);
    await page.getByLabel('Caption').fill(caption);
    const year1 = page.getByRole('checkbox', { name: 'Year 1' });
    if (!(await year1.isChecked())) await page.locator('label.chip', { hasText: 'Year 1' }).tap();
    const plan = page.locator('.translation-plan');
    await expect
      .poll(() => plan.textContent())
      .toBe('Translated into Polski (1 family), اردو (1 family). You can correct a translation in My posts.');
    expect(await plan.locator('span[lang=ur]').getAttribute('dir')).toBe('rtl');
    await judge(page, 'composer-translations-plan-phone');
    await page.getByRole('button', { name: /^Post/ }).tap();
    await page.locator('.activity .card .status', { hasText: /approval/i }).waitFor({ timeout: 60_000 });
    await context.close();
  });

  it('before publishing: the teacher writes the Polish herself; the translator is not asked', async () => {
    const { context, page } = await openTranslations();
    const polishRow = card(page).locator('li.translation').filter({ hasText: 'Polski' });
    await expect.poll(() => polishRow.locator('.status').textContent()).toMatch(/^Not translated yet/);
    await polishRow.getByRole('button', { name: 'Write it (Polski)' }).tap();
    await polishRow.getByLabel('Caption in Polski').fill(polish.caption);
    await polishRow.getByLabel('Description of item 1 in Polski').fill(polish.alt);
    expect(await polishRow.getByLabel('Caption in Polski').getAttribute('lang')).toBe('pl');
    await judge(page, 'composer-translation-form-phone');
    await polishRow.getByRole('button', { name: 'Save translation' }).tap();
    await expect
      .poll(() => card(page).locator('li.translation').filter({ hasText: 'Polski' }).locator('.status').textContent())
      .toBe('Translated by the school (Ms Nowak). Families see it marked so.');
    expect(calls('pl')).toBe(0);
    await judge(page, 'composer-translations-before-publishing-phone');
    await context.close();
  });

  it('after publishing: the Polish family reads the teacher’s words; she corrects the machine’s Urdu, right to left', async () => {
    const { body } = await corridor.api<{ posts: { id: string; caption: string }[] }>('GET', '/api/posts');
    const postId = body.posts.find((p) => p.caption === caption)?.id;
    expect((await corridor.api('POST', `/api/approvals/${postId}/approve`)).status).toBe(200);
    await settle(corridor);
    expect({ pl: calls('pl'), ur: calls('ur') }).toEqual({ pl: 0, ur: 1 });
    const [mail] = (await sentEmails(corridor, address('pl'))).filter((m) => m.body.html?.includes(polish.caption));
    expect(mail?.body.html).toContain('Przetłumaczone przez szkołę');

    const { context, page } = await openTranslations();
    const urduRow = card(page).locator('li.translation').filter({ hasText: 'اردو' });
    await expect.poll(() => urduRow.locator('.status').textContent()).toMatch(/^Translated automatically/);
    await urduRow.getByRole('button', { name: 'Correct it (اردو)' }).tap();
    const field = urduRow.getByLabel('Caption in اردو');
    expect(await field.inputValue()).toBe(`[ur] ${caption}`);
    expect(await field.getAttribute('dir')).toBe('rtl');
    await field.fill(urdu);
    await judge(page, 'composer-translation-urdu-form-phone');
    await urduRow.getByRole('button', { name: 'Save translation' }).tap();
    await expect
      .poll(() => card(page).locator('li.translation').filter({ hasText: 'اردو' }).locator('.translated').textContent())
      .toBe(urdu);
    expect(calls('ur')).toBe(1);
    await judge(page, 'composer-translations-after-publishing-phone');
    await context.close();
  });
});
