import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCALE, locales, negotiateLocale } from '../../../functions/core/i18n/locales';
import { catalogue as catalogueOf, type MessageKey, t, tHtml } from '../../../functions/core/i18n/messages';

/**
 * The catalogues are judged by intl-messageformat's own parser: every language has every key English
 * has, each message parses, uses exactly the placeholders and tags the English one uses, and every plural
 * gives each category its language's plural rules (Intl.PluralRules) know.
 */

interface Shape {
  arguments: Set<string>;
  tags: Set<string>;
  /** For each plural argument: the categories it spells out. */
  plurals: { argument: string; categories: string[] }[];
}

// The AST element kinds of @formatjs/icu-messageformat-parser (its TYPE enum).
const LITERAL = 0;
const POUND = 7;
const SELECT = 5;
const PLURAL = 6;
const TAG = 8;

interface Element {
  type: number;
  value?: string;
  options?: Record<string, { value: Element[] }>;
  children?: Element[];
  pluralType?: string;
}

function shapeOf(message: string, locale: string): Shape {
  const shape: Shape = { arguments: new Set(), tags: new Set(), plurals: [] };
  const walk = (elements: Element[]) => {
    for (const element of elements) {
      if (element.type === LITERAL || element.type === POUND) continue;
      if (element.type === TAG) {
        shape.tags.add(String(element.value));
        walk(element.children ?? []);
        continue;
      }
      shape.arguments.add(String(element.value));
      if (element.type === PLURAL)
        shape.plurals.push({ argument: String(element.value), categories: Object.keys(element.options ?? {}) });
      if (element.type === SELECT || element.type === PLURAL)
        for (const option of Object.values(element.options ?? {})) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(message, locale).getAst() as unknown as Element[]);
  return shape;
}

const english = catalogueOf(DEFAULT_LOCALE) as Record<MessageKey, string>;
const keys = Object.keys(english) as MessageKey[];

describe.each(locales)('the %s catalogue', (locale) => {
  const catalogue = catalogueOf(locale);

  it('has every key English has, and no key English lacks', () => {
    expect(keys.filter((key) => catalogue[key] === undefined)).toEqual([]);
    expect(Object.keys(catalogue).filter((key) => !(key in english))).toEqual([]);
  });

  it('uses exactly the placeholders and tags English uses, in messages that parse', () => {
    const problems: string[] = [];
    for (const key of keys) {
      const message = catalogue[key];
      if (message === undefined) continue;
      const theirs = shapeOf(message, locale);
      const ours = shapeOf(english[key], DEFAULT_LOCALE);
      const missing = [...ours.arguments].filter((a) => !theirs.arguments.has(a));
      const extra = [...theirs.arguments].filter((a) => !ours.arguments.has(a));
      const tags = [...ours.tags].filter((tag) => !theirs.tags.has(tag));
      if (missing.length) problems.push(`${key}: missing {${missing.join('}, {')}}`);
      if (extra.length) problems.push(`${key}: unknown {${extra.join('}, {')}}`);
      if (tags.length) problems.push(`${key}: missing <${tags.join('>, <')}>`);
    }
    expect(problems).toEqual([]);
  });

  it('spells out every plural category the language has', () => {
    const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
    const problems: string[] = [];
    for (const key of keys) {
      const message = catalogue[key];
      if (message === undefined) continue;
      for (const plural of shapeOf(message, locale).plurals) {
        const missing = categories.filter((c) => !plural.categories.includes(c));
        if (missing.length) problems.push(`${key} {${plural.argument}}: no ${missing.join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('holds no markup beyond <b> and <hidden>, and no HTML entities (messages are escaped as text)', () => {
    const stray = keys.filter((key) => /&|<(?!\/?(b|hidden)>)/.test(catalogue[key] ?? ''));
    expect(stray).toEqual([]);
  });
});

describe('"N new posts" in languages with many plural forms', () => {
  const newPosts = (locale: (typeof locales)[number], count: number) => t(locale, 'digest.pushMany', { count });

  it('Polish: one, few (2–4, 22–24), many (5–21, 25…) — not the English one/other', () => {
    expect(newPosts('pl', 1)).toBe('Dziś: 1 nowy wpis');
    expect(newPosts('pl', 2)).toBe('Dziś: 2 nowe wpisy');
    expect(newPosts('pl', 4)).toBe('Dziś: 4 nowe wpisy');
    expect(newPosts('pl', 5)).toBe('Dziś: 5 nowych wpisów');
    expect(newPosts('pl', 12)).toBe('Dziś: 12 nowych wpisów');
    expect(newPosts('pl', 22)).toBe('Dziś: 22 nowe wpisy');
    expect(newPosts('pl', 25)).toBe('Dziś: 25 nowych wpisów');
  });

  it('Arabic: zero, one, two, few (3–10), many (11–99), other (100…)', () => {
    expect(newPosts('ar', 0)).toBe('اليوم: لا منشورات جديدة');
    expect(newPosts('ar', 1)).toBe('اليوم: منشور جديد واحد');
    expect(newPosts('ar', 2)).toBe('اليوم: منشوران جديدان');
    expect(newPosts('ar', 3)).toBe('اليوم: 3 منشورات جديدة');
    expect(newPosts('ar', 11)).toBe('اليوم: 11 منشورًا جديدًا');
    expect(newPosts('ar', 100)).toBe('اليوم: 100 منشور جديد');
  });

  it('Welsh: zero, one, two, few (3), many (6), other', () => {
    expect(newPosts('cy', 0)).toBe('Heddiw: dim postiadau newydd');
    expect(newPosts('cy', 1)).toBe('Heddiw: 1 postiad newydd');
    expect(newPosts('cy', 2)).toBe('Heddiw: 2 bostiad newydd');
    expect(newPosts('cy', 3)).toBe('Heddiw: 3 phostiad newydd');
    expect(newPosts('cy', 6)).toBe('Heddiw: 6 phostiad newydd');
    expect(newPosts('cy', 4)).toBe('Heddiw: 4 o bostiadau newydd');
    expect(newPosts('cy', 20)).toBe('Heddiw: 20 o bostiadau newydd');
  });

  it('English: one and other', () => {
    expect(newPosts('en-GB', 1)).toBe('Today: 1 new post');
    expect(newPosts('en-GB', 3)).toBe('Today: 3 new posts');
  });
});

describe('formatting', () => {
  it('escapes what people wrote, and turns the two tags into markup', () => {
    expect(tHtml('pl', 'check.sent', { address: '<a@b.example>' }).value).toBe(
      'Wysłaliśmy link potwierdzający na adres <strong>&lt;a@b.example&gt;</strong>.',
    );
    expect(tHtml('en-GB', 'manage.leave', { name: 'Year 1 & 2' }).value).toBe(
      'Leave<span class="visually-hidden"> Year 1 &amp; 2</span>',
    );
    expect(t('en-GB', 'manage.leave', { name: 'Year 1' })).toBe('Leave Year 1');
  });
});

describe('choosing a language from Accept-Language', () => {
  it.each([
    ['pl', 'pl'],
    ['pl-PL,pl;q=0.9,en;q=0.8', 'pl'],
    ['en-US,en;q=0.9', 'en-GB'],
    ['ur-PK', 'ur'],
    ['fr-FR,ar;q=0.5', 'ar'],
    ['pt-BR', 'pt'],
    ['pa-Guru-IN', 'pa'],
    ['pa-Arab', 'en-GB'],
    ['de, cy;q=0.1', 'cy'],
    ['en;q=0.2, so;q=0.8', 'so'],
    ['', 'en-GB'],
    [undefined, 'en-GB'],
    ['*', 'en-GB'],
    ['ta;q=0', 'en-GB'],
  ])('%s → %s', (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });
});
