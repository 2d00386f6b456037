import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableKeys } from '../../functions/aws/keys';
import { getSchool } from '../../functions/core/schools/school';
import { libreTranslator } from '../../functions/core/translate/libretranslate';
import { FAILURE_MEMORY_MS, translationFor, translationSpend } from '../../functions/core/translate/post-translations';
import { corpusPath } from '../helpers/corpus';
import { settle, startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { faultPlan } from '../helpers/faults';
import {
  addPhoneToFamily,
  type JoinLink,
  joinByEmail,
  joinLinks,
  savePreferences,
  sentEmails,
  testClock,
} from '../helpers/parents';
import { type PushService, startPushService } from '../helpers/push-service';
import { startLibreTranslateStandIn, type TranslationStandIn } from '../helpers/translation-services';

/**
 * Captions translated for families who chose another language, once per (post, language): the translator
 * (a local server STANDING IN for a LibreTranslate server, counting requests) is asked once for Polish,
 * once for Urdu, never for the English family — not again for a second message (the evening digest),
 * nor after a sender crashed and was re-driven; again after the caption is edited. A language the
 * translator fails on gets the original with a note, delivered all the same. A retract deletes them.
 */

const clock = testClock('2026-06-10T08:00:00Z'); // Wednesday, 09:00 in London
const { faults, crashed, plan: planCrash } = faultPlan();

let corridor: TestCorridor;
let push: PushService;
let libre: TranslationStandIn;
let links: Record<string, JoinLink>;
const stamp = Date.now();
const address = (lang: string) => `family-${lang}-${stamp}@example.org`;
let polishPhone: string;

beforeAll(async () => {
  libre = await startLibreTranslateStandIn();
  push = await startPushService();
  corridor = await startTestCorridor({ now: clock.now, digestEveryMs: 0, faults, translator: libreTranslator(libre.url) });
  links = await joinLinks(corridor);
});
afterAll(async () => {
  await corridor?.stop();
  await push?.stop();
  await libre?.stop();
});

const calls = (to: string) => libre.requests.filter((r) => r.to === to).length;
const caption = 'Year 1 planted beans today';
const edited = 'Year 1 planted beans and peas today';
let postId: string;

describe('a school that turns translation on', () => {
  it('is off until an admin turns it on in the settings', async () => {
    const before = await corridor.api<{ settings: Record<string, unknown> }>('GET', '/api/settings');
    expect(before.body.settings).toMatchObject({ translateCaptions: false, translationBudgetChars: 250_000 });
    const on = await corridor.api<{ settings: Record<string, unknown> }>('PATCH', '/api/settings', { translateCaptions: true });
    expect(on.body.settings).toMatchObject({ translateCaptions: true, requiresApproval: false });
  });

  it('families join in Polish, Urdu, Romanian and English', async () => {
    const year1 = (links['year-1'] as JoinLink).url;
    const polish = await joinByEmail(corridor, year1, address('pl'), 'pl');
    const phone = push.browser();
    polishPhone = phone.id;
    // The family approves its new phone from its confirmed address first (a forwarded link adds nobody).
    await addPhoneToFamily(polish, phone, { corridor, address: address('pl') });
    await savePreferences(polish, { push: 'instant', email: 'digest' });
    for (const lang of ['ur', 'ro', undefined]) {
      const manage = await joinByEmail(corridor, year1, address(lang ?? 'en'), lang);
      await savePreferences(manage, { push: 'off', email: 'instant' });
    }
    libre.failFor('ro');
  });

  it('translates a new post once per language, even when a sender crashes after sending and is re-driven', async () => {
    planCrash('deliver:after-send');
    const post = await corridor.post({
      audience: 'class:year-1',
      caption,
      files: [{ path: corpusPath('orient_landscape_1.jpg'), alt: 'Bean pots' }],
    });
    postId = post.id;
    expect(crashed).toHaveLength(1);
    // The crashed sender's claim is taken over once its lease ends; it sends only what was not recorded.
    clock.advance(5 * 60_000);
    await corridor.local.runDigest();
    await settle(corridor);

    expect({ pl: calls('pl'), ur: calls('ur'), ro: calls('ro'), en: calls('en') }).toEqual({ pl: 1, ur: 1, ro: 1, en: 0 });
    // Caption and alt text travel together, from English.
    expect(libre.requests.find((r) => r.to === 'pl')).toMatchObject({ texts: [caption, 'Bean pots'], from: 'en' });
    expect(await translationSpend(corridor.local.deps, 'demo')).toBe(3 * (caption.length + 'Bean pots'.length));
  });

  it('the Polish phone’s push carries the translation, marked as one', async () => {
    const pushes = push.received.filter((m) => m.browserId === polishPhone).map((m) => m.payload);
    expect(pushes.length).toBeGreaterThanOrEqual(1);
    for (const payload of pushes) expect(payload.body).toBe(`[pl] ${caption} (przetłumaczono automatycznie)`);
  });

  it('the Urdu e-mail shows the translation in Urdu, says so, and keeps the English original beside it', async () => {
    const [mail] = await sentEmails(corridor, address('ur'));
    const instant = (await sentEmails(corridor, address('ur'))).find((m) => m.body.html?.includes(`[ur] ${caption}`));
    expect(mail).toBeDefined();
    const html = instant?.body.html ?? '';
    expect(html).toContain(`<p lang="ur" dir="rtl" style="white-space:pre-line;margin:8px 0">[ur] ${caption}</p>`);
    expect(html).toMatch(new RegExp(`<blockquote lang="en-GB" dir="auto"[^>]*>${caption}</blockquote>`));
    expect(html).toContain('خودکار ترجمہ · اصل:');
    expect(html).toContain('alt="[ur] Bean pots"');
    expect(instant?.subject).toContain(`[ur] ${caption}`);
    expect(instant?.body.text).toContain(`(خودکار ترجمہ · اصل: ${caption})`);
  });

  it('a language the translator fails on gets the original with a note, and is not held back', async () => {
    const [mail] = (await sentEmails(corridor, address('ro'))).filter((m) => m.body.text?.includes(caption));
    expect(mail?.body.html).toContain(`<p lang="en-GB" dir="auto" style="white-space:pre-line;margin:8px 0">${caption}</p>`);
    expect(mail?.body.html).toContain('Traducerea automată nu este disponibilă pentru această postare; iată originalul.');
    expect(mail?.body.html).not.toContain('[ro]');
    // The failure is remembered a short while: another message of the same moment (a re-driven sender)
    // goes with the original without asking again; once that while is over, the next one asks.
    const school = await getSchool(corridor.local.deps, 'demo');
    if (!school) throw new Error('no demo school');
    const text = { postId, caption, alts: ['Bean pots'] };
    const asked = calls('ro');
    expect(await translationFor(corridor.local.deps, school, text, 'ro')).toBe('failed');
    expect(calls('ro')).toBe(asked);
    clock.advance(FAILURE_MEMORY_MS);
    expect(await translationFor(corridor.local.deps, school, text, 'ro')).toBe('failed');
    expect(calls('ro')).toBe(asked + 1);
  });

  it('the English family reads the caption as written, with no note', async () => {
    const [mail] = (await sentEmails(corridor, address('en'))).filter((m) => m.body.text?.includes(caption));
    expect(mail?.body.text).not.toMatch(/translat/i);
  });

  it('an edited caption is translated again for the next message (the evening digest), and only once', async () => {
    clock.set('2026-06-10T10:00:00Z');
    expect((await corridor.api('PATCH', `/api/posts/${postId}`, { caption: edited })).status).toBe(200);
    await corridor.local.idle();
    clock.set('2026-06-10T17:00:00Z'); // 18:00 in London
    await corridor.local.runDigest();
    await corridor.local.runDigest();
    const digests = (await sentEmails(corridor, address('pl'))).filter((m) => m.subject.startsWith('Dziś w szkole'));
    expect(digests).toHaveLength(1);
    expect(digests[0]?.body.html).toContain(`[pl] ${edited}`);
    expect(calls('pl')).toBe(2);
    expect(libre.requests.filter((r) => r.to === 'pl').at(-1)?.texts).toEqual([edited, 'Bean pots']);
  });

  it('a retract deletes the post’s translations with it', async () => {
    const translations = async () =>
      (
        await corridor.local.deps.clients.dynamo.send(
          new QueryCommand({
            TableName: corridor.local.deps.config.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
            ExpressionAttributeValues: { ':pk': tableKeys.postPartition(postId), ':t': tableKeys.postTranslationPrefix },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [];
    expect((await translations()).map((item) => item.sk).sort()).toEqual(['TRANSLATION#pl', 'TRANSLATION#ur']);
    expect((await corridor.api('DELETE', `/api/posts/${postId}`)).status).toBeLessThan(300);
    await settle(corridor);
    expect(await translations()).toEqual([]);
  });

  it('stops asking once the month’s character budget is spent: the original goes out, with the note', async () => {
    clock.set('2026-06-11T08:00:00Z');
    await corridor.api('PATCH', '/api/settings', { translationBudgetChars: 10 });
    const before = libre.requests.length;
    await corridor.post({ audience: 'class:year-1', caption: 'Year 1 went to the park' });
    await settle(corridor);
    expect(libre.requests.length).toBe(before);
    const [mail] = (await sentEmails(corridor, address('ur'))).filter((m) => m.body.text?.includes('Year 1 went to the park'));
    expect(mail?.body.html).toContain('اس پوسٹ کا خودکار ترجمہ دستیاب نہیں؛ یہ اصل ہے۔');
  });
});
