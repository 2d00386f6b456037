import type { MessageKey } from '../i18n/messages';
import type { TranslatedBy } from './post-translations';

/**
 * How families are told a text is a translation, everywhere they read one (pages, e-mails, pushes): by
 * the machine ("Translated automatically") or by the school, which stands behind it ("Translated by the
 * school"). `push` is the push body that carries the text itself.
 */
export const translationMarks: Record<TranslatedBy, { mark: MessageKey; push: MessageKey }> = {
  machine: { mark: 'translation.auto', push: 'translation.pushBody' },
  school: { mark: 'translation.school', push: 'translation.pushBodySchool' },
};
