import * as z from 'zod';

/**
 * The languages Corridor speaks to parents: English, Welsh (schools in Wales must work in it) and the
 * home languages most common among pupils in England (school census; Romanian from the 2021 Census).
 * Each has a catalogue in ./catalogues/<tag>.json; en-GB is the source the others are checked against.
 */
export const locales = ['en-GB', 'cy', 'pl', 'ro', 'ur', 'pa', 'bn', 'ar', 'so', 'pt', 'gu', 'ta'] as const;
export type Locale = (typeof locales)[number];
export const DEFAULT_LOCALE: Locale = 'en-GB';
export const localeSchema = z.enum(locales);

export interface LocaleInfo {
  /** The language's own name for itself, for the picker (a parent looks for their language, not ours). */
  name: string;
  dir: 'ltr' | 'rtl';
  /** What a translator is asked for (Amazon Translate and LibreTranslate both take these codes). */
  translateCode: string;
}

export const localeInfo: Record<Locale, LocaleInfo> = {
  'en-GB': { name: 'English', dir: 'ltr', translateCode: 'en' },
  cy: { name: 'Cymraeg', dir: 'ltr', translateCode: 'cy' },
  pl: { name: 'Polski', dir: 'ltr', translateCode: 'pl' },
  ro: { name: 'Română', dir: 'ltr', translateCode: 'ro' },
  ur: { name: 'اردو', dir: 'rtl', translateCode: 'ur' },
  pa: { name: 'ਪੰਜਾਬੀ', dir: 'ltr', translateCode: 'pa' },
  bn: { name: 'বাংলা', dir: 'ltr', translateCode: 'bn' },
  ar: { name: 'العربية', dir: 'rtl', translateCode: 'ar' },
  so: { name: 'Soomaali', dir: 'ltr', translateCode: 'so' },
  pt: { name: 'Português', dir: 'ltr', translateCode: 'pt' },
  gu: { name: 'ગુજરાતી', dir: 'ltr', translateCode: 'gu' },
  ta: { name: 'தமிழ்', dir: 'ltr', translateCode: 'ta' },
};

export const isLocale = (value: unknown): value is Locale => localeSchema.safeParse(value).success;

/** A locale from a form or query value, or undefined for anything we do not speak. */
export const localeOrUndefined = (value: unknown): Locale | undefined => (isLocale(value) ? value : undefined);

/**
 * The best language we speak for an `Accept-Language` header (RFC 9110 §12.5.4): highest q first, an
 * exact tag before a language alone (`en-US` → English, `pt-BR` → Portuguese, `pa-Guru-IN` → Panjabi),
 * English when nothing matches. Panjabi in Shahmukhi (`pa-Arab`) is not matched to Gurmukhi: a reader
 * of one script cannot read the other.
 */
export function negotiateLocale(header: string | undefined | null): Locale {
  const wanted = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((w) => w.tag !== '' && w.tag !== '*' && w.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of wanted) {
    const exact = locales.find((l) => l.toLowerCase() === tag);
    if (exact) return exact;
    const [language, script] = tag.split('-');
    if (language === 'pa' && script === 'arab') continue;
    const byLanguage = locales.find((l) => l.split('-')[0]?.toLowerCase() === language);
    if (byLanguage) return byLanguage;
  }
  return DEFAULT_LOCALE;
}

/**
 * The language staff write captions and alt texts in. Corridor has no per-school setting for it yet, so
 * captions are marked English (`lang="en-GB" dir="auto"`) inside pages and messages in other languages.
 */
export const CAPTION_LOCALE: Locale = 'en-GB';
