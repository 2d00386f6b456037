import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../functions/core/audit/audit';
import { createToken } from '../../functions/core/auth/tokens';
import type { FaultPoint } from '../../functions/core/deps';
import { getSchool } from '../../functions/core/schools/school';
import { libreTranslator } from '../../functions/core/translate/libretranslate';
import { translationFor } from '../../functions/core/translate/post-translations';
import { corpusPath } from '../helpers/corpus';
import { settle, startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { type JoinLink, joinByEmail, joinLinks, savePreferences, sentEmails, testClock } from '../helpers/parents';
import { startLibreTranslateStandIn, type TranslationStandIn } from '../helpers/translation-services';

/**
 * Staff see and correct translations. The translator is a local server STANDING IN for a LibreTranslate
 * server; it counts every request, and the point of these tests is that count: a correction never asks
 * it, and the machine never writes over a correction of the same texts. A teacher's post waits for
 * approval (before publishing), the teacher corrects its Polish; after publishing, its Urdu. Families
 * read a correction marked "translated by the school", the audit log names who corrected what, and an
 * edited caption makes a correction outdated like a machine translation.
 */

interface Translations {
  translating: boolean;
  machine: boolean;
  languages: { locale: string; name: string; dir: string; families: number }[];
  source: { caption: string; alts: string[]; sourceHash: string };
  translations: Record<string, { caption: string; alts: string[]; by: string; correctedBy?: string }>;
  outdated: string[];
}

const clock = testClock('2026-06-10T08:00:00Z'); // Wednesday, 09:00 in London
let crashAt: FaultPoint | undefined;
function faults(point: FaultPoint) {
  if (point !== crashAt) return;
  crashAt = undefined;
  throw new Error(`injected crash at ${point}`);
}
let corridor: TestCorridor;
let libre: TranslationStandIn;
let teacher: string;
let links: Record<string, JoinLink>;
const stamp = Date.now();
const address = (who: string) => `corrections-${who}-${stamp}@example.org`;
const caption = 'Sports day is on Friday. Bring a water bottle.';
const alt = 'Children running on the field';
const polish = { caption: 'Dzień sportu jest w piątek. Przynieście butelkę wody.', alts: ['Dzieci biegają po boisku'] };
const urdu = { caption: 'کھیلوں کا دن جمعہ کو ہے۔ پانی کی بوتل لائیں۔', alts: ['بچے میدان میں دوڑ رہے ہیں'] };
let postId: string;

const calls = (to?: string) => libre.requests.filter((r) => to === undefined || r.to === to).length;
const translations = async () =>
  (await corridor.api<Translations>('GET', `/api/posts/${postId}/translations`, undefined, teacher)).body;
const correct = (language: string, body: unknown) =>
  corridor.api<{ translation?: { by: string }; error?: { code: string; message: string } }>(
    'PUT',
    `/api/posts/${postId}/translations/${language}`,
    body,
    teacher,
  );
const mailsWith = async (who: string, text: string) =>
  (await sentEmails(corridor, address(who))).filter((m) => m.body.html?.includes(text));

beforeAll(async () => {
  libre = await startLibreTranslateStandIn();
  corridor = await startTestCorridor({ now: clock.now, digestEveryMs: 0, faults, translator: libreTranslator(libre.url) });
  ({ token: teacher } = await createToken(corridor.local.deps, { schoolId: 'demo', role: 'staff', label: 'Year 1 teacher' }));
  links = await joinLinks(corridor);
  expect((await corridor.api('PATCH', '/api/settings', { translateCaptions: true, requiresApproval: true })).status).toBe(200);
  const year1 = (links['year-1'] as JoinLink).url;
  const year2 = (links['year-2'] as JoinLink).url;
  // Year 1: Polish and Urdu at once by email, a second Urdu family in the evening digest, an English one.
  for (const [who, lang, mode] of [
    ['pl', 'pl', 'instant'],
    ['ur', 'ur', 'instant'],
    ['ur-digest', 'ur', 'digest'],
    ['en', undefined, 'instant'],
  ] as const) {
    const manage = await joinByEmail(corridor, year1, address(who), lang);
    await savePreferences(manage, { push: 'off', email: mode });
  }
  // Year 2 only: a Romanian family (not in Year 1's languages).
  await savePreferences(await joinByEmail(corridor, year2, address('ro'), 'ro'), { push: 'off', email: 'instant' });
});
afterAll(async () => {
  await corridor?.stop();
  await libre?.stop();
});

describe('staff see which languages a post is translated into', () => {
  it('before the post exists: the languages of the families of its audience, with counts', async () => {
    const plan = await corridor.api<Translations>('GET', '/api/translations/languages?audience=class:year-1', undefined, teacher);
    expect(plan.status).toBe(200);
    expect(plan.body).toEqual({
      translating: true,
      machine: true,
      languages: [
        { locale: 'pl', name: 'Polski', dir: 'ltr', families: 1 },
        { locale: 'ur', name: 'اردو', dir: 'rtl', families: 2 },
      ],
    });
    const both = await corridor.api<Translations>(
      'GET',
      '/api/translations/languages?audience=class:year-1&audience=class:year-2',
      undefined,
      teacher,
    );
    expect(both.body.languages.map((l) => l.locale)).toEqual(['pl', 'ro', 'ur']);
    const bad = await corridor.api<{ error: { message: string } }>(
      'GET',
      '/api/translations/languages?audience=everyone',
      undefined,
      teacher,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^Please check:/);
  });

  it('a teacher’s post waiting for approval shows the same languages, none translated yet', async () => {
    const post = await corridor.post({
      audience: 'class:year-1',
      caption,
      files: [{ path: corpusPath('orient_landscape_1.jpg'), alt }],
      token: teacher,
    });
    postId = post.id;
    expect(post.state).toBe('pending_approval');
    const view = await translations();
    expect(view.languages.map((l) => [l.locale, l.families])).toEqual([
      ['pl', 1],
      ['ur', 2],
    ]);
    expect(view.source).toMatchObject({ caption, alts: [alt] });
    expect(view.translations).toEqual({});
    expect(calls()).toBe(0);
  });
});

describe('correcting a translation', () => {
  it('refuses, in words, what is not a whole translation of the current texts', async () => {
    const { sourceHash } = (await translations()).source;
    const refusals = {
      unknownLanguage: await correct('xx', { sourceHash, ...polish }),
      english: await correct('en-GB', { sourceHash, ...polish }),
      missingDescription: await correct('pl', { sourceHash, caption: polish.caption, alts: [] }),
      emptyCaption: await correct('pl', { sourceHash, caption: '  ', alts: polish.alts }),
      emptyDescription: await correct('pl', { sourceHash, caption: polish.caption, alts: [''] }),
      earlierText: await correct('pl', { sourceHash: 'an-earlier-caption', ...polish }),
      notJson: await correct('pl', 'caption=Dzień sportu'),
      noCaption: await correct('pl', { sourceHash, alts: polish.alts }),
    };
    const answers = Object.fromEntries(Object.entries(refusals).map(([k, r]) => [k, [r.status, r.body.error?.message]]));
    expect(answers).toEqual({
      unknownLanguage: [422, 'Choose one of the languages the post is translated into.'],
      english: [422, 'Choose one of the languages the post is translated into.'],
      missingDescription: [422, 'The post has 1 description(s) of its photos and videos; the translation gave 0.'],
      emptyCaption: [422, 'The translated caption is empty. Write the caption in this language.'],
      emptyDescription: [422, 'The description of item 1 is empty. Write it in this language.'],
      earlierText: [
        409,
        'The caption or a description changed since you opened this translation. Look at the new text and correct it again.',
      ],
      notJson: [400, 'The request body is not valid JSON.'],
      noCaption: [400, expect.stringMatching(/^Please check: .*caption/)],
    });
    expect((await translations()).translations).toEqual({});
  });

  it('before publishing: the Polish correction is stored as the school’s, without asking the translator', async () => {
    const { sourceHash } = (await translations()).source;
    const saved = await correct('pl', { sourceHash, ...polish });
    expect(saved.status).toBe(200);
    expect(saved.body.translation).toMatchObject({ ...polish, by: 'school', correctedBy: 'Year 1 teacher' });
    expect((await translations()).translations).toEqual({
      pl: expect.objectContaining({ ...polish, by: 'school', correctedBy: 'Year 1 teacher' }),
    });
    expect(calls()).toBe(0);
  });

  it('once approved, the Polish family reads the correction marked “translated by the school”; only Urdu is machine-translated', async () => {
    expect((await corridor.api('POST', `/api/approvals/${postId}/approve`)).status).toBe(200);
    await settle(corridor);
    expect({ pl: calls('pl'), ur: calls('ur'), en: calls('en') }).toEqual({ pl: 0, ur: 1, en: 0 });
    const [mail] = await mailsWith('pl', polish.caption);
    expect(mail?.body.html).toContain('Przetłumaczone przez szkołę · Oryginał:');
    expect(mail?.body.html).not.toContain('Przetłumaczono automatycznie');
    expect(mail?.body.html).toContain(`alt="${polish.alts[0]}"`);
    expect(mail?.body.text).toContain(`(Przetłumaczone przez szkołę · Oryginał: ${caption})`);
    const [machine] = await mailsWith('ur', `[ur] ${caption}`);
    expect(machine?.body.html).toContain('خودکار ترجمہ');
    const view = await translations();
    expect(view.translations.ur).toMatchObject({ caption: `[ur] ${caption}`, by: 'machine' });
    expect(view.translations.pl).toMatchObject({ by: 'school' });
  });

  it('after publishing: the Urdu correction replaces the machine’s, and the evening digest carries it', async () => {
    const { sourceHash } = (await translations()).source;
    // The first save crashes after storing, before the audit log: the author sees it fail and saves again.
    crashAt = 'correction:after-store';
    const crashed = await correct('ur', { sourceHash, ...urdu });
    expect([crashed.status, crashed.body.error?.message]).toEqual([500, 'Something went wrong on our side. Please try again.']);
    expect((await correct('ur', { sourceHash, ...urdu })).status).toBe(200);
    clock.set('2026-06-10T17:00:00Z'); // 18:00 in London
    await corridor.local.runDigest();
    await settle(corridor);
    const [digest] = await mailsWith('ur-digest', urdu.caption);
    expect(digest?.body.html).toContain(`<p lang="ur" dir="rtl" style="white-space:pre-line;margin:8px 0">${urdu.caption}</p>`);
    expect(digest?.body.html).toContain('اسکول کی جانب سے ترجمہ');
    expect(digest?.body.html).not.toContain('خودکار ترجمہ');
    expect(digest?.body.html).not.toContain(`[ur] ${caption}`);
    // Nobody asked the translator again: not the correction, not the digest.
    expect({ pl: calls('pl'), ur: calls('ur') }).toEqual({ pl: 0, ur: 1 });
  });

  it('the machine never writes over a correction of the same texts', async () => {
    const school = await getSchool(corridor.local.deps, 'demo');
    if (!school) throw new Error('no demo school');
    const text = { postId, caption, alts: [alt] };
    expect(await translationFor(corridor.local.deps, school, text, 'pl')).toEqual({ ...polish, by: 'school' });
    expect(await translationFor(corridor.local.deps, school, text, 'ur')).toEqual({ ...urdu, by: 'school' });
    expect(calls()).toBe(1);
  });

  it('every correction is in the audit log: who, which post, which language', async () => {
    const entries = (await listAudit(corridor.local.deps, 'demo')).filter((e) => e.action === 'translation_corrected');
    expect(entries.map((e) => [e.actor, e.target, e.details.language])).toEqual([
      ['Year 1 teacher', postId, 'pl'],
      ['Year 1 teacher', postId, 'ur'],
    ]);
  });

  it('an edited caption makes the corrections outdated: the new texts are machine-translated once, for the pages and the next message', async () => {
    const edited = 'Sports day moves to Monday. Bring a water bottle.';
    expect((await corridor.api('PATCH', `/api/posts/${postId}`, { caption: edited })).status).toBe(200);
    await corridor.local.idle();
    // Once the edit is live, the translate job translates the new texts for the post's pages
    // (channels/translate-job.ts): the corrections of the old texts are replaced, not shown.
    const view = await translations();
    expect(view.outdated).toEqual([]);
    expect(view.translations.pl).toMatchObject({ caption: `[pl] ${edited}`, alts: [`[pl] ${alt}`], by: 'machine' });
    expect(view.translations.ur).toMatchObject({ caption: `[ur] ${edited}`, by: 'machine' });
    const school = await getSchool(corridor.local.deps, 'demo');
    if (!school) throw new Error('no demo school');
    const next = await translationFor(corridor.local.deps, school, { postId, caption: edited, alts: [alt] }, 'pl');
    expect(next).toEqual({ caption: `[pl] ${edited}`, alts: [`[pl] ${alt}`], by: 'machine' });
    expect(calls('pl')).toBe(1);
  });

  it('a retracted post has no translations to correct', async () => {
    const { sourceHash } = (await translations()).source;
    expect((await corridor.api('DELETE', `/api/posts/${postId}`)).status).toBe(200);
    await settle(corridor);
    const refused = await correct('pl', { sourceHash, ...polish });
    expect([refused.status, refused.body.error?.message]).toEqual([
      409,
      'This post was retracted or could not be published, so it has no translations.',
    ]);
    expect((await translations()).translations).toEqual({});
  });

  it('a school that does not translate says so instead of storing a correction', async () => {
    await corridor.api('PATCH', '/api/settings', { translateCaptions: false, requiresApproval: false });
    const post = await corridor.post({ audience: 'class:year-1', caption: 'Library books back on Thursday' });
    postId = post.id;
    const view = await translations();
    expect(view).toMatchObject({ translating: false, languages: [] });
    const refused = await correct('pl', { sourceHash: view.source.sourceHash, caption: 'Książki do biblioteki', alts: [] });
    expect(refused.status).toBe(422);
    expect(refused.body.error?.message).toMatch(/^Your school does not translate captions/);
  });
});
