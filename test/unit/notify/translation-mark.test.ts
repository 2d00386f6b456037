import { describe, expect, it } from 'vitest';
import { type NotifiedPost, postEmail, postPush } from '../../../functions/core/notify/message';

/**
 * How a family is told who translated what it reads: the machine ("translated automatically") or the
 * school (a translation staff wrote or corrected: "translated by the school"), in the push line, the
 * e-mail's note and its text part — each time with the original beside it. Judged on the rendered words.
 */
const caption = 'Sports day is on Friday';
const post = (translation: NotifiedPost['translation']): NotifiedPost => ({
  entry: {
    postId: 'p1',
    schoolId: 'demo',
    caption,
    publishedAt: '2026-06-10T08:00:00Z',
    updatedAt: '2026-06-10T08:00:00Z',
    tags: [],
    media: [],
  },
  url: 'https://school.example/p/p1',
  label: 'Year 1 · Demo Primary School',
  urgent: false,
  ...(translation ? { translation } : {}),
});
const links = { manageUrl: 'https://school.example/family/x', unsubscribeUrl: 'https://school.example/family/unsubscribe/x' };
const reader = { locale: 'pl' as const, timezone: 'Europe/London' };
const polish = 'Dzień sportu jest w piątek';

describe('the mark on a translated caption', () => {
  it('a school’s translation is marked “translated by the school”, never “automatically”', () => {
    const school = post({ caption: polish, alts: [], by: 'school' });
    expect(postPush(school, links.manageUrl, 'pl').body).toBe(`${polish} (przetłumaczone przez szkołę)`);
    const mail = postEmail(school, links, reader);
    expect(mail.html).toContain('Przetłumaczone przez szkołę · Oryginał:');
    expect(mail.html).not.toMatch(/automatycznie/i);
    expect(mail.text).toContain(`${polish}\n(Przetłumaczone przez szkołę · Oryginał: ${caption})`);
  });

  it('a machine translation (or one stored before the mark existed) says “translated automatically”', () => {
    for (const by of ['machine', undefined] as const) {
      const machine = post({ caption: polish, alts: [], ...(by ? { by } : {}) });
      expect(postPush(machine, links.manageUrl, 'pl').body).toBe(`${polish} (przetłumaczono automatycznie)`);
      expect(postEmail(machine, links, reader).html).toContain('Przetłumaczono automatycznie · Oryginał:');
    }
  });

  it('the original, untranslated, carries no mark at all', () => {
    expect(postPush(post(undefined), links.manageUrl, 'pl').body).toBe(caption);
    expect(postEmail(post(undefined), links, reader).text).not.toMatch(/przetłumacz/i);
  });
});
