import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IntlMessageFormat } from 'intl-messageformat';
import { escapeHtml, Html } from '../security/html';
import type enGB from './catalogues/en-GB.json';
import { type Locale, localeInfo } from './locales';

/**
 * Parent-facing words, in ICU MessageFormat (intl-messageformat: plurals and selects through
 * Intl.PluralRules of each language, so Welsh, Arabic and Polish get all their forms). Each message is a
 * whole sentence with its placeholders; nothing is built by gluing sentences together, because word
 * order differs between languages. Two tags are allowed inside messages: `<b>` (bold) and `<hidden>`
 * (text only screen readers read, e.g. which class a "Leave" button leaves).
 */
export type MessageKey = keyof typeof enGB;
export type Catalogue = Record<MessageKey, string>;

/**
 * Where the catalogues are: beside this module in the source (vitest and the embedded default), and
 * beside the bundle on Lambda, where every function's bundling copies them (infra/lambda.ts
 * `bundlingDefaults`). They are read from disk rather than bundled: twelve languages of JSON (~140 kB,
 * mostly 2–3-byte characters) would be parsed at every cold start, when a request needs one or two.
 */
const catalogueDir = () =>
  // A CommonJS bundle has __dirname (its own folder); an ES module (the source under Node) has import.meta.
  typeof __dirname === 'string' ? join(__dirname, 'catalogues') : fileURLToPath(new URL('./catalogues/', import.meta.url));

const loaded = new Map<Locale, Partial<Catalogue>>();

/** A language's catalogue, read once per process. A missing key fails the catalogue test, and falls back to English here. */
export function catalogue(locale: Locale): Partial<Catalogue> {
  let found = loaded.get(locale);
  if (!found) {
    found = JSON.parse(readFileSync(join(catalogueDir(), `${locale}.json`), 'utf8')) as Partial<Catalogue>;
    loaded.set(locale, found);
  }
  return found;
}

type Value = string | number | Html;
export type MessageValues = Record<string, Value>;

const compiled = new Map<string, IntlMessageFormat>();

function formatter(locale: Locale, key: MessageKey): IntlMessageFormat {
  const id = `${locale}\0${key}`;
  let format = compiled.get(id);
  if (!format) {
    const own = catalogue(locale)[key];
    format =
      own === undefined ? new IntlMessageFormat(catalogue('en-GB')[key] ?? key, 'en-GB') : new IntlMessageFormat(own, locale);
    compiled.set(id, format);
  }
  return format;
}

const joinParts = (result: unknown): string => (Array.isArray(result) ? result.map(String).join('') : String(result));

// The tag functions are made once, not per call: a page in twelve languages formats thousands of messages.
const plainTags = { b: (chunks: unknown[]) => chunks.join(''), hidden: (chunks: unknown[]) => chunks.join('') };
const htmlTags = {
  b: (chunks: unknown[]) => `<strong>${chunks.join('')}</strong>`,
  hidden: (chunks: unknown[]) => `<span class="visually-hidden">${chunks.join('')}</span>`,
};

/**
 * A message with no values says the same every time: formatted once per (kind, language, key). Most of a
 * page's words ("Older posts", "Get updates", the switcher's heading) are such messages.
 */
const constant = new Map<string, string>();

function formatted(locale: Locale, key: MessageKey, values: MessageValues, tags: typeof plainTags, asHtml: boolean): string {
  let empty = true;
  const all: Record<string, unknown> = {};
  for (const name in values) {
    empty = false;
    const value = values[name] as Value;
    all[name] = value instanceof Html ? value.value : asHtml && typeof value === 'string' ? escapeHtml(value) : value;
  }
  Object.assign(all, tags);
  if (!empty) return joinParts(formatter(locale, key).format(all));
  const id = `${asHtml ? 'h' : 't'}\0${locale}\0${key}`;
  let text = constant.get(id);
  if (text === undefined) {
    text = joinParts(formatter(locale, key).format(all));
    constant.set(id, text);
  }
  return text;
}

/** A message as plain text (e-mail text parts, push notifications, `<title>`): tags keep only their words. */
export function t(locale: Locale, key: MessageKey, values: MessageValues = {}): string {
  return formatted(locale, key, values, plainTags, false);
}

/**
 * A message as HTML: every string value escaped (captions and names are written by people), `Html`
 * values kept as they are, `<b>` and `<hidden>` turned into markup. Catalogue text itself is ours and
 * holds no other markup (the catalogue test checks).
 */
export function tHtml(locale: Locale, key: MessageKey, values: MessageValues = {}): Html {
  return new Html(formatted(locale, key, values, htmlTags, true));
}

/** The `lang` and `dir` of a document or fragment in this locale. */
export const langAttributes = (locale: Locale) => ({ lang: locale, dir: localeInfo[locale].dir });

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** The three ways a moment is written; named, so a formatter is found by a short key rather than by its options. */
const dateTimeStyles = {
  // The 24-hour clock everywhere (as the family page's hour pickers are), so no Latin "AM" lands in an Urdu sentence.
  dateTime: { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' },
  day: { weekday: 'long', day: 'numeric', month: 'long' },
  shortDate: { dateStyle: 'medium' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

/** Building a formatter costs far more than using one; a page in twelve languages formats hundreds of dates. */
function dateTimeFormat(locale: Locale, timeZone: string, style: keyof typeof dateTimeStyles): Intl.DateTimeFormat {
  const id = `${style}\0${locale}\0${timeZone}`;
  let format = dateTimeFormats.get(id);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...dateTimeStyles[style], timeZone });
    dateTimeFormats.set(id, format);
  }
  return format;
}

/** A moment as parents read it: in their language, on the school's clock, on the 24-hour clock. */
export const formatDateTime = (locale: Locale, iso: string, timeZone: string) =>
  dateTimeFormat(locale, timeZone, 'dateTime').format(new Date(iso));

/** A calendar day (YYYY-MM-DD, already the school's day) as "Wednesday 10 June" in the locale's own words. */
export const formatDay = (locale: Locale, day: string) =>
  dateTimeFormat(locale, 'UTC', 'day').format(new Date(`${day}T12:00:00Z`));

/** A day (an ISO instant) in short form: "10 Jun 2026". */
export const formatShortDate = (locale: Locale, iso: string, timeZone: string) =>
  dateTimeFormat(locale, timeZone, 'shortDate').format(new Date(iso));
