import type { Deps } from '../deps';
import type { Locale } from '../i18n/locales';
import { getSchool, type School } from '../schools/school';
import { type CaptionTranslation, currentTranslations, type TranslatableText } from '../translate/post-translations';
import type { FeedEntry } from './entry';

/**
 * What the pages show of translations: for each entry, the stored translations of its very texts (the
 * same items e-mails and pushes read, core/translate), by language — read when a page is rendered, so
 * any render (publish, edit, a new look, a translation arriving) shows what is stored at that moment.
 * Only for schools that translate: the others cost no read.
 */
export type EntryTranslations = ReadonlyMap<string, Partial<Record<Locale, CaptionTranslation>>>;

export const NO_TRANSLATIONS: EntryTranslations = new Map();

/** The texts of an entry a translation is made from: the caption and each media item's alt text, in order. */
export const entryText = (entry: Pick<FeedEntry, 'postId' | 'caption' | 'media'>): TranslatableText => ({
  postId: entry.postId,
  caption: entry.caption,
  alts: entry.media.map((m) => m.alt),
});

/** The translations the pages of these entries show. `school`, when known, saves reading it (a wall reads each school once). */
export async function pageTranslations(deps: Deps, entries: FeedEntry[], school?: School): Promise<EntryTranslations> {
  const translates = new Map<string, Promise<boolean>>();
  if (school) translates.set(school.id, Promise.resolve(school.translateCaptions));
  const schoolTranslates = (schoolId: string) => {
    let answer = translates.get(schoolId);
    if (!answer) {
      answer = getSchool(deps, schoolId).then((s) => s?.translateCaptions ?? false);
      translates.set(schoolId, answer);
    }
    return answer;
  };
  const found = new Map<string, Partial<Record<Locale, CaptionTranslation>>>();
  await Promise.all(
    entries.map(async (entry) => {
      if (!(await schoolTranslates(entry.schoolId))) return;
      const translations = await currentTranslations(deps, entryText(entry));
      if (Object.keys(translations).length > 0) found.set(entry.postId, translations);
    }),
  );
  return found;
}
