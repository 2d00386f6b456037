import { amazonTranslateText, type TranslateText } from '../../aws/translate';
import { TranslationFailed, type TranslationRequest, type Translator } from '../translator';

/**
 * Amazon Translate (TranslateText, through functions/aws/translate.ts), one call per non-empty text: a
 * caption and its alt texts are short (TranslateText takes up to 10,000 bytes each).
 */
export function amazonTranslator(translateText: TranslateText = amazonTranslateText()): Translator {
  return {
    name: 'amazon-translate',
    async translate({ texts, from, to }: TranslationRequest): Promise<string[]> {
      const out: string[] = [];
      for (const text of texts) {
        if (text.trim() === '') {
          out.push(text);
          continue;
        }
        const translated = await translateText(text, from, to);
        if (translated === undefined) throw new TranslationFailed('Amazon Translate returned no text');
        out.push(translated);
      }
      return out;
    },
  };
}
