import { DomainError, type DomainErrorOptions } from './errors';
/**
 * The caption translator, a port: Amazon Translate on AWS (amazon.ts), any server speaking the
 * LibreTranslate API on the embedded default (libretranslate.ts, `CORRIDOR_TRANSLATE_URL`), none by
 * default — then captions stay in the language staff wrote them in, and only the interface is localised.
 */
export interface TranslationRequest {
  /** Texts to translate, in order (a caption and its alt texts); empty ones come back empty, unasked. */
  texts: string[];
  /** Language codes both services take (en, cy, pl, ur, pa, …: LocaleInfo.translateCode). */
  from: string;
  to: string;
}

export interface Translator {
  /** Recorded with each translation, so it says which service made it. */
  readonly name: string;
  /** The texts, translated, in the same order; throws when the service cannot (the caller falls back). */
  translate(request: TranslationRequest): Promise<string[]>;
}

/** The service answered, but not with a translation (an error body, a missing field). */
export class TranslationFailed extends DomainError {
  override name = 'TranslationFailed';
  constructor(message: string, options?: DomainErrorOptions) {
    super('translation_failed', 502, message, options);
  }
}

/** Characters a request is billed for (both services count characters of the texts sent). */
export const billedCharacters = (texts: string[]) => texts.reduce((sum, text) => sum + text.length, 0);
