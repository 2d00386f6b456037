import type { Deps } from '../deps';
import { getFamilies, listFamilies, reachesFamily } from '../families/family';
import { CAPTION_LOCALE, type Locale, localeInfo, locales } from '../i18n/locales';
import type { School } from '../schools/school';

/**
 * Which languages a post for `audience` is translated into: those the families it reaches chose, other
 * than the language captions are written in, each with how many families read it (counts only, as the
 * reach counts are: no family is named). Read from the families as they are now, so a composer can show
 * it before the post exists; a family that joins or changes language later is counted next time.
 */
export interface TranslationLanguage {
  locale: Locale;
  /** The language's own name ("Polski"), with its direction, as the parents' picker shows it. */
  name: string;
  dir: 'ltr' | 'rtl';
  families: number;
}

export interface TranslationPlan {
  /** The school turned caption translation on (the settings' `translateCaptions`). */
  translating: boolean;
  /** A machine translator is set up; without one only the school's own translations reach families. */
  machine: boolean;
  languages: TranslationLanguage[];
}

export async function translationPlan(deps: Deps, school: School, audience: readonly string[]): Promise<TranslationPlan> {
  const plan = { translating: school.translateCaptions, machine: deps.translator !== undefined };
  if (!school.translateCaptions || audience.length === 0) return { ...plan, languages: [] };
  const reached = (await listFamilies(deps, school.id)).filter((family) => reachesFamily(audience, family));
  const counts = new Map<Locale, number>();
  // batchGetAll reads 100 at a time: a whole school is a few requests.
  for (const family of (
    await getFamilies(
      deps,
      reached.map((f) => f.id),
    )
  ).values()) {
    const locale = family.preferences.language;
    if (locale !== CAPTION_LOCALE) counts.set(locale, (counts.get(locale) ?? 0) + 1);
  }
  // In the picker's order, so the list does not jump about between posts.
  const languages = locales
    .filter((locale) => counts.has(locale))
    .map((locale) => ({ locale, name: localeInfo[locale].name, dir: localeInfo[locale].dir, families: counts.get(locale) ?? 0 }));
  return { ...plan, languages };
}
