import { createHash } from 'node:crypto';
import * as z from 'zod';
import { logger } from '../../aws/telemetry';
import type { Deps } from '../deps';
import { CAPTION_LOCALE, type Locale, localeInfo, localeOrUndefined } from '../i18n/locales';
import type { School } from '../schools/school';
import { billedCharacters } from '../translator';
import {
  charsSpent,
  deleteTranslationsOf,
  getFailureItem,
  getTranslationItem,
  listTranslationItems,
  putFailure,
  putTranslation,
  spendChars,
} from './store';

/**
 * Machine translations of a post's caption and alt texts, one stored item per (post, language) in the
 * post's partition (`TRANSLATION#<locale>`), made the first time a family reading that language is sent
 * the post, and read from the table every time after: a second message, a digest, a retry after a crash
 * never ask the translator again. The item records a digest of the texts it translated, so an edited
 * caption is translated again; a retract deletes them with the post's media. A failure (the service down,
 * the month's budget spent) sends that message with the original and a note, and is remembered for
 * FAILURE_MEMORY_MS (`TRANSLATION-FAILED#<locale>`, same texts only): the other messages of the same
 * moment — a sender re-driven after a crash, the family's second channel — go with the original too
 * instead of asking (and paying) again; a later message (the evening digest, an edit) tries again. Within one process concurrent senders share one request per (post, language, text);
 * two Lambdas meeting the same new post at the same moment may both ask — the conditional write keeps one.
 * Staff may correct a translation (corrections.ts): it takes the same place, marked as the school's, and
 * is read here like the machine's — without a machine translator too.
 */
export const storedTranslationSchema = z.object({
  sourceHash: z.string(),
  caption: z.string(),
  alts: z.array(z.string()),
  /** Which service made it, or `school` for a translation staff wrote or corrected (corrections.ts). */
  translator: z.string().optional(),
  translatedAt: z.string().optional(),
  /** Set when staff corrected it: who (as the audit log names them). The machine never overwrites it for the same texts. */
  correctedBy: z.string().optional(),
});
export type StoredTranslation = z.infer<typeof storedTranslationSchema>;

/** Who made a translation families read: the machine, or the school (a correction by staff). */
export type TranslatedBy = 'machine' | 'school';

export interface CaptionTranslation {
  caption: string;
  alts: string[];
  by: TranslatedBy;
}

export const translatedBy = (stored: StoredTranslation): TranslatedBy => (stored.correctedBy ? 'school' : 'machine');
const asOutcome = (stored: StoredTranslation): CaptionTranslation => ({
  caption: stored.caption,
  alts: stored.alts,
  by: translatedBy(stored),
});

/** What a family reads of a post: undefined = as written (no translation wanted); 'failed' = original, with a note. */
export type TranslationOutcome = CaptionTranslation | 'failed' | undefined;

export interface TranslatableText {
  postId: string;
  caption: string;
  alts: string[];
}

/** How long a failure to translate stands before the next message asks the translator again. */
export const FAILURE_MEMORY_MS = 15 * 60_000;

const inFlight = new Map<string, Promise<TranslationOutcome>>();

export interface TranslateOptions {
  /**
   * False when the caller re-renders the post's pages itself (the translate job, after all its
   * languages). Otherwise a new translation queues that job, so pages rendered before it arrived (a
   * message sent after the translator came back) show it too.
   */
  rerenderPages?: boolean;
}

/** A digest of the texts a translation was made from: a different one means the caption or an alt text was edited since. */
export const sourceHash = (text: Pick<TranslatableText, 'caption' | 'alts'>) =>
  createHash('sha256')
    .update(JSON.stringify([text.caption, text.alts]))
    .digest('base64url')
    .slice(0, 22);

/** The post's caption and alt texts in `locale`, when the school translates and the family reads another language. */
export async function translationFor(
  deps: Deps,
  school: School,
  text: TranslatableText,
  locale: Locale,
  options: TranslateOptions = {},
): Promise<TranslationOutcome> {
  if (!school.translateCaptions || locale === CAPTION_LOCALE) return undefined;
  if (text.caption.trim() === '' && text.alts.every((alt) => alt.trim() === '')) return undefined;
  const hash = sourceHash(text);
  const stored = await readTranslation(deps, text.postId, locale);
  // A school's correction of these same texts is read like a machine translation, and wins over asking.
  if (stored?.sourceHash === hash) return asOutcome(stored);
  // No machine translator (the embedded default without CORRIDOR_TRANSLATE_URL): only the school's own translations.
  if (!deps.translator) return undefined;
  if (await failedRecently(deps, text.postId, locale, hash)) return 'failed';
  const key = `${text.postId}\0${locale}\0${hash}`;
  let pending = inFlight.get(key);
  if (!pending) {
    pending = translate(deps, school, text, locale, hash, options).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

async function translate(
  deps: Deps,
  school: School,
  text: TranslatableText,
  locale: Locale,
  hash: string,
  options: TranslateOptions,
): Promise<TranslationOutcome> {
  const translator = deps.translator;
  if (!translator) return undefined;
  const texts = [text.caption, ...text.alts];
  if (!(await spendBudget(deps, school, billedCharacters(texts)))) {
    logger.warn("the school's translation budget is spent for this month; the post goes untranslated", {
      schoolId: school.id,
      postId: text.postId,
    });
    await rememberFailure(deps, text.postId, locale, hash);
    return 'failed';
  }
  let translated: string[];
  try {
    translated = await translator.translate({
      texts,
      from: localeInfo[CAPTION_LOCALE].translateCode,
      to: localeInfo[locale].translateCode,
    });
  } catch (error) {
    logger.error('translation failed; the original goes out', {
      postId: text.postId,
      locale,
      translator: translator.name,
      error,
    });
    await rememberFailure(deps, text.postId, locale, hash);
    return 'failed';
  }
  const [caption = '', ...alts] = translated;
  await storeTranslation(deps, text.postId, locale, { sourceHash: hash, caption, alts }, translator.name);
  const stored = await readTranslation(deps, text.postId, locale);
  if (options.rerenderPages !== false) await deps.queues.fanout({ kind: 'translate', postId: text.postId });
  // Another sender (or staff correcting it meanwhile) stored the same texts' translation first: everyone uses that one.
  return stored?.sourceHash === hash ? asOutcome(stored) : { caption, alts, by: 'machine' };
}

export async function readTranslation(deps: Deps, postId: string, locale: Locale): Promise<StoredTranslation | undefined> {
  const item = await getTranslationItem(deps, postId, locale);
  return item ? storedTranslationSchema.parse(item) : undefined;
}

/**
 * Every stored translation of a post that is of these very texts (the current caption and alt texts),
 * by language: what its pages show. One query of the post's partition, for all languages at once.
 */
export async function currentTranslations(
  deps: Deps,
  text: TranslatableText,
): Promise<Partial<Record<Locale, CaptionTranslation>>> {
  const hash = sourceHash(text);
  const found: Partial<Record<Locale, CaptionTranslation>> = {};
  for (const { locale: code, item } of await listTranslationItems(deps, text.postId)) {
    const locale = localeOrUndefined(code);
    const stored = storedTranslationSchema.parse(item);
    if (locale && locale !== CAPTION_LOCALE && stored.sourceHash === hash) found[locale] = asOutcome(stored);
  }
  return found;
}

const failureSchema = z.object({ sourceHash: z.string(), retryAfter: z.string() });

async function failedRecently(deps: Deps, postId: string, locale: Locale, hash: string): Promise<boolean> {
  const item = await getFailureItem(deps, postId, locale);
  if (!item) return false;
  const failure = failureSchema.parse(item);
  return failure.sourceHash === hash && deps.now().toISOString() < failure.retryAfter;
}

async function rememberFailure(deps: Deps, postId: string, locale: Locale, hash: string) {
  // Only read within FAILURE_MEMORY_MS; the store lets the table's TTL sweep it away a day later.
  await putFailure(deps, postId, locale, hash, new Date(deps.now().getTime() + FAILURE_MEMORY_MS));
}

async function storeTranslation(
  deps: Deps,
  postId: string,
  locale: Locale,
  value: Pick<StoredTranslation, 'sourceHash' | 'caption' | 'alts'>,
  by: string,
) {
  // Only over nothing, or over a translation of older texts (the caption was edited since): never over
  // one of the same texts, so a school's correction of them stays.
  await putTranslation(deps, postId, locale, { ...value, translator: by, translatedAt: deps.now().toISOString() }, false);
}

/**
 * Counts `chars` against the school's budget for this month (UTC); false, and nothing counted, when
 * they would take it over. One conditional update: concurrent senders cannot overspend together.
 */
async function spendBudget(deps: Deps, school: School, chars: number): Promise<boolean> {
  if (chars > school.translationBudgetChars) return false;
  return spendChars(deps, school.id, deps.now().toISOString().slice(0, 7), chars, school.translationBudgetChars);
}

/** Characters the school sent to the translator this month (for the settings page and tests). */
export async function translationSpend(deps: Deps, schoolId: string): Promise<number> {
  return charsSpent(deps, schoolId, deps.now().toISOString().slice(0, 7));
}

/** Deletes every translation of a post, and any remembered failure (a retract is total). Returns how many translations there were. */
export async function forgetTranslations(deps: Deps, postId: string): Promise<number> {
  return deleteTranslationsOf(deps, postId);
}
