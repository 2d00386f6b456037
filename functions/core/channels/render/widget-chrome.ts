import { localeInfo } from '../../i18n/locales';
import { t } from '../../i18n/messages';
import { pageLocales } from './site-chrome';

/**
 * The widget's own words in every language, carried in its feed (`_corridor.widget`), so the script on a
 * school's website stays small (no catalogues, no message parser in it) and still speaks the visitor's
 * language. Placeholders stay as `{date}` and `{title}`; "+N more" comes as one template per plural
 * category of the language (`#` for the number), which the widget picks with Intl.PluralRules.
 */
export interface WidgetWords {
  dir: 'ltr' | 'rtl';
  postFrom: string;
  moreFrom: string;
  latestNews: string;
  noPosts: string;
  video: string;
  recording: string;
  more: Partial<Record<Intl.LDMLPluralRule, string>>;
}

/** A number that falls in each plural category of a language (1 → one, 2 → two, 3 → few in Arabic, …). */
function pluralSamples(locale: string): [Intl.LDMLPluralRule, number][] {
  const rules = new Intl.PluralRules(locale);
  const samples = new Map<Intl.LDMLPluralRule, number>();
  for (let n = 0; n <= 200 && samples.size < rules.resolvedOptions().pluralCategories.length; n++) {
    const category = rules.select(n);
    if (!samples.has(category)) samples.set(category, n);
  }
  return [...samples];
}

/** The same for every school and every render: built once. */
let words: Record<string, WidgetWords> | undefined;

export function widgetWords(): Record<string, WidgetWords> {
  words ??= Object.fromEntries(
    pageLocales.map((locale) => [
      locale,
      {
        dir: localeInfo[locale].dir,
        postFrom: t(locale, 'site.postFrom', { date: '{date}' }),
        moreFrom: t(locale, 'site.moreFrom', { title: '{title}' }),
        latestNews: t(locale, 'site.latestNews'),
        noPosts: t(locale, 'site.noPosts'),
        video: t(locale, 'site.video'),
        recording: t(locale, 'site.recording'),
        more: Object.fromEntries(
          pluralSamples(locale).map(([category, n]) => [
            category,
            t(locale, 'site.more', { count: n }).replace(new Intl.NumberFormat(locale).format(n), '#'),
          ]),
        ),
      },
    ]),
  );
  return words;
}
