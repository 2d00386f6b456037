import { CAPTION_LOCALE, type Locale } from '../../i18n/locales';
import { t } from '../../i18n/messages';
import { type Html, html } from '../../security/html';
import { translationMarks } from '../../translate/marks';
import type { CaptionTranslation } from '../../translate/post-translations';
import type { FeedEntry } from '../entry';
import { captionHtml, type TagHref } from './media-html';

/**
 * A post as a page in one language shows it: its caption and alt texts in the page's language when the
 * school's translation of these very texts is stored (machine-made or corrected by staff — the same
 * items e-mails and pushes read), else as staff wrote them, marked as English. The original stays one
 * tap away without JavaScript (`<details>`), in its own `lang`.
 */
export interface ShownEntry {
  /** The entry with the texts the page shows (translated, when there is a translation). */
  entry: FeedEntry;
  /** The entry as staff wrote it. */
  original: FeedEntry;
  /** The language of the shown texts: the page's when translated, else the captions' language. */
  textLocale: Locale;
  translation?: CaptionTranslation;
}

export function shownIn(entry: FeedEntry, locale: Locale, translation: CaptionTranslation | undefined): ShownEntry {
  if (!translation || locale === CAPTION_LOCALE) return { entry, original: entry, textLocale: CAPTION_LOCALE };
  return {
    entry: {
      ...entry,
      caption: entry.caption.trim() === '' ? entry.caption : translation.caption,
      // An alt text the translator left empty keeps the original (a photo is never left undescribed).
      media: entry.media.map((m, i) => ({ ...m, alt: translation.alts[i]?.trim() ? (translation.alts[i] ?? m.alt) : m.alt })),
    },
    original: entry,
    textLocale: locale,
    translation,
  };
}

/** Links in a translated caption are the original's; #tags are not linked (a translated tag names no page). */
export const shownTagHref = (shown: ShownEntry, tagHref: TagHref): TagHref => (shown.translation ? () => undefined : tagHref);

/**
 * "Translated automatically · Show original" (or "Translated by the school"), opening the caption and the
 * descriptions of the pictures as staff wrote them, marked as English so a screen reader reads them so.
 */
export function translationNote(shown: ShownEntry, locale: Locale, tagHref: TagHref): Html {
  const { translation, original } = shown;
  if (!translation) return html``;
  const alts = original.media.map((m) => m.alt).filter((alt) => alt.trim() !== '');
  return html`<details class="translated"><summary>${t(locale, translationMarks[translation.by].mark)} · ${t(locale, 'translation.showOriginal')}</summary>
${original.caption.trim() ? captionHtml(original.caption, tagHref, { locale }) : ''}${
  alts.length > 0
    ? html`<p>${t(locale, 'translation.descriptions')}</p><ul lang="${CAPTION_LOCALE}" dir="auto">${alts.map((alt) => html`<li>${alt}</li>`)}</ul>`
    : ''
}</details>`;
}
