import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableKeys } from '../../functions/aws/keys';
import { t } from '../../functions/core/i18n/messages';
import { libreTranslator } from '../../functions/core/translate/libretranslate';
import { corpusPath } from '../helpers/corpus';
import { settle, startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { faultPlan } from '../helpers/faults';
import { type JoinLink, joinByEmail, joinLinks, savePreferences, sentEmails, testClock } from '../helpers/parents';
import { startLibreTranslateStandIn, type TranslationStandIn } from '../helpers/translation-services';

/**
 * Translated captions on the pages families read: the private class page, the school page and a public
 * post's own page, in each language — the caption and the photo's description in the page's language,
 * marked "Translated automatically · Show original", with the English original one tap away without
 * JavaScript (`<details>`) and marked `lang="en-GB"`. The translator (a local server STANDING IN for a
 * LibreTranslate server, counting requests) is asked once per (post, language) however often the pages
 * are rendered; a page rendered before its translation existed is rendered again when it arrives; an
 * edit is translated again; a school's correction shows as the school's; a retract takes them all.
 */

const clock = testClock('2026-06-10T08:00:00Z'); // Wednesday, 09:00 in London
const { faults, crashed, plan: planCrash } = faultPlan();
let corridor: TestCorridor;
let libre: TranslationStandIn;
let links: Record<string, JoinLink>;
let classPageUrl: string;
const stamp = Date.now();
const address = (lang: string) => `pages-${lang}-${stamp}@example.org`;
const calls = (to: string) => libre.requests.filter((r) => r.to === to).length;

beforeAll(async () => {
  libre = await startLibreTranslateStandIn();
  corridor = await startTestCorridor({ now: clock.now, digestEveryMs: 0, faults, translator: libreTranslator(libre.url) });
  links = await joinLinks(corridor);
  expect((await corridor.api('PATCH', '/api/settings', { translateCaptions: true })).status).toBe(200);
  const year1 = (links['year-1'] as JoinLink).url;
  // Polish reads the evening digest; Urdu hears at once; an English family needs no translation.
  await savePreferences(await joinByEmail(corridor, year1, address('pl'), 'pl'), { push: 'off', email: 'digest' });
  await savePreferences(await joinByEmail(corridor, year1, address('ur'), 'ur'), { push: 'off', email: 'instant' });
  await savePreferences(await joinByEmail(corridor, year1, address('en')), { push: 'off', email: 'instant' });
  const { body } = await corridor.api<{ channels: { id: string; pageUrl: string }[] }>('GET', '/api/schools/me/channels');
  classPageUrl = body.channels.find((c) => c.id === 'class:demo:year-1')?.pageUrl ?? '';
}, 120_000);
afterAll(async () => {
  await corridor?.stop();
  await libre?.stop();
});

/** A page's markup, as served (a language's own URL is served as it is). */
async function page(url: string): Promise<string> {
  const response = await fetch(url.startsWith('http') ? url : `${corridor.url}${url}`);
  expect(response.status, url).toBe(200);
  return response.text();
}

/** The `<article>` of one post on a channel page. */
const article = (markup: string, postId: string) =>
  new RegExp(`<article id="post-${postId}">[\\s\\S]*?</article>`).exec(markup)?.[0] ?? '';

const caption = 'Year 1 planted beans today';
const alt = 'Bean pots on the windowsill';
let classPost: string;

describe('a class post, on the class’s private page', () => {
  it('shows the caption and the photo’s description in Polish, marked, with the English original one tap away', async () => {
    const post = await corridor.post({
      audience: 'class:year-1',
      caption,
      files: [{ path: corpusPath('orient_landscape_1.jpg'), alt }],
    });
    classPost = post.id;
    await settle(corridor);
    const polish = article(await page(`${classPageUrl}/pl`), classPost);
    // The translation is the page's own text: no lang of its own (the document is lang="pl").
    expect(polish).toContain(`<p class="caption">[pl] ${caption}</p>`);
    expect(polish).toMatch(new RegExp(`<img [^>]*alt="\\[pl\\] ${alt}"(?! lang)`));
    expect(polish).toContain(
      `<details class="translated"><summary>${t('pl', 'translation.auto')} · ${t('pl', 'translation.showOriginal')}</summary>`,
    );
    // The original, inside <details> (no JavaScript needed), in its own language.
    const original = /<details class="translated">[\s\S]*?<\/details>/.exec(polish)?.[0] ?? '';
    expect(original).toContain(`<p class="caption" lang="en-GB" dir="auto">${caption}</p>`);
    expect(original).toContain(`<ul lang="en-GB" dir="auto"><li>${alt}</li></ul>`);
  });

  it('in Urdu too, right to left, the translation in Urdu and the English original marked as English', async () => {
    const markup = await page(`${classPageUrl}/ur`);
    expect(markup).toMatch(/<html lang="ur" dir="rtl">/);
    const urdu = article(markup, classPost);
    expect(urdu).toContain(`<p class="caption">[ur] ${caption}</p>`);
    expect(urdu).toContain(`<summary>${t('ur', 'translation.auto')} · ${t('ur', 'translation.showOriginal')}</summary>`);
    expect(urdu).toContain(`<p class="caption" lang="en-GB" dir="auto">${caption}</p>`);
  });

  it('a language no family chose shows the caption as written, marked as English, with no note', async () => {
    const romanian = article(await page(`${classPageUrl}/ro`), classPost);
    expect(romanian).toContain(`<p class="caption" lang="en-GB" dir="auto">${caption}</p>`);
    expect(romanian).not.toContain('<details');
    const english = article(await page(classPageUrl), classPost);
    expect(english).toContain(`<p class="caption">${caption}</p>`);
    expect(english).not.toContain('<details');
  });

  it('was translated once per language, however often the pages and messages are made again', async () => {
    // Another post re-renders the class page; the evening digest carries the post to the Polish family.
    await corridor.post({
      audience: 'class:year-1',
      caption: '',
      files: [{ path: corpusPath('orient_portrait_1.jpg'), alt: '' }],
    });
    clock.set('2026-06-10T17:00:00Z'); // 18:00 in London
    await corridor.local.runDigest();
    await settle(corridor);
    expect({ pl: calls('pl'), ur: calls('ur'), en: calls('en') }).toEqual({ pl: 1, ur: 1, en: 0 });
    expect(article(await page(`${classPageUrl}/pl`), classPost)).toContain(`[pl] ${caption}`);
    const [digest] = (await sentEmails(corridor, address('pl'))).filter((m) => m.body.html?.includes(`[pl] ${caption}`));
    expect(digest).toBeDefined();
  });
});

describe('the translate job crashes after translating, before rendering the pages', () => {
  it('its retry reads the stored translations (no second request) and renders them', async () => {
    planCrash('translate:before-render');
    const words = 'Year 1 measured the bean plants';
    const before = { pl: calls('pl'), ur: calls('ur') };
    const post = await corridor.post({ audience: 'class:year-1', caption: words });
    await settle(corridor);
    expect(crashed).toEqual([`translate:before-render ${post.id}`]);
    expect({ pl: calls('pl') - before.pl, ur: calls('ur') - before.ur }).toEqual({ pl: 1, ur: 1 });
    expect(article(await page(`${classPageUrl}/pl`), post.id)).toContain(`<p class="caption">[pl] ${words}</p>`);
    expect(article(await page(`${classPageUrl}/ur`), post.id)).toContain(`<p class="caption">[ur] ${words}</p>`);
  });
});

describe('a public post, on the school page and its own page', () => {
  const news = 'Our school choir sang at the town hall';
  let publicPost: string;

  it('a page rendered before its translation existed is rendered again when the translation arrives', async () => {
    clock.set('2026-06-11T08:00:00Z');
    libre.failFor('pl'); // the service is down for Polish when the post goes live
    const post = await corridor.post({
      audience: 'public',
      caption: news,
      files: [{ path: corpusPath('orient_landscape_2.jpg'), alt: 'The choir on the stage' }],
    });
    publicPost = post.id;
    await settle(corridor);
    // Polish: the original, marked as English, and nothing lost or held back.
    const before = await page(`/p/${publicPost}/pl`);
    expect(before).toContain(`<h1 class="caption" lang="en-GB" dir="auto">${news}</h1>`);
    expect(before).not.toContain('<details');
    // Urdu was translated at once: the post page and the school page show it.
    expect(await page(`/p/${publicPost}/ur`)).toContain(`<h1 class="caption">[ur] ${news}</h1>`);
    expect(article(await page('/s/demo/ur'), publicPost)).toContain(`[ur] ${news}`);

    // The service is back; the Polish family's evening digest translates the post, and the pages follow.
    libre.recover('pl');
    clock.set('2026-06-11T17:00:00Z');
    await corridor.local.runDigest();
    await settle(corridor);
    const after = await page(`/p/${publicPost}/pl`);
    expect(after).toContain(`<h1 class="caption">[pl] ${news}</h1>`);
    expect(after).toMatch(/<details class="translated"><summary>[^<]+<\/summary>\n<p class="caption" lang="en-GB" dir="auto">/);
    expect(article(await page('/s/demo/pl'), publicPost)).toContain(`[pl] ${news}`);
    // The English page and the feeds carry the caption as written.
    expect(await page(`/p/${publicPost}`)).not.toContain('[pl]');
    expect(await page('/s/demo/feed.json')).not.toContain('[pl]');
  });

  it('an edited caption is translated again, and the pages show the new translation only', async () => {
    const edited = 'Our school choir sang at the town hall on Tuesday';
    const before = calls('pl');
    expect((await corridor.api('PATCH', `/api/posts/${publicPost}`, { caption: edited })).status).toBe(200);
    await settle(corridor);
    const polish = await page(`/p/${publicPost}/pl`);
    expect(polish).toContain(`[pl] ${edited}`);
    expect(polish).not.toContain(`[pl] ${news}<`);
    expect(calls('pl')).toBe(before + 1);
  });

  it('a school’s correction shows as the school’s, on the pages too', async () => {
    const { body } = await corridor.api<{ source: { sourceHash: string } }>('GET', `/api/posts/${publicPost}/translations`);
    const corrected = { caption: 'ہمارے اسکول کے کوئر نے منگل کو ٹاؤن ہال میں گایا', alts: ['اسٹیج پر کوئر'] };
    const put = await corridor.api('PUT', `/api/posts/${publicPost}/translations/ur`, {
      sourceHash: body.source.sourceHash,
      ...corrected,
    });
    expect(put.status).toBe(200);
    await settle(corridor);
    const urdu = await page(`/p/${publicPost}/ur`);
    expect(urdu).toContain(`<h1 class="caption">${corrected.caption}</h1>`);
    expect(urdu).toContain(`<summary>${t('ur', 'translation.school')} · ${t('ur', 'translation.showOriginal')}</summary>`);
    expect(urdu).toContain(`alt="${corrected.alts[0]}"`);
  });

  it('a retract takes the post’s pages and its translations with it', async () => {
    expect((await corridor.api('DELETE', `/api/posts/${publicPost}`)).status).toBeLessThan(300);
    await settle(corridor);
    const gone = await fetch(`${corridor.url}/p/${publicPost}/pl`);
    expect(gone.status).toBe(404);
    expect(await page('/s/demo/ur')).not.toContain(publicPost);
    const { Items = [] } = await corridor.local.deps.clients.dynamo.send(
      new QueryCommand({
        TableName: corridor.local.deps.config.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
        ExpressionAttributeValues: { ':pk': tableKeys.postPartition(publicPost), ':t': tableKeys.postTranslationAnyPrefix },
        ConsistentRead: true,
      }),
    );
    expect(Items).toEqual([]);
  });
});
