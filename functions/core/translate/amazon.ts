import { TranslateClient, TranslateTextCommand } from '@aws-sdk/client-translate';
import { TranslationFailed, type TranslationRequest, type Translator } from '../translator';

/**
 * Amazon Translate (TranslateText), one call per non-empty text: a caption and its alt texts are short
 * (TranslateText takes up to 10,000 bytes each). The Lambda's role allows translate:TranslateText only.
 */
export function amazonTranslator(client: TranslateClient = new TranslateClient({})): Translator {
  return {
    name: 'amazon-translate',
    async translate({ texts, from, to }: TranslationRequest): Promise<string[]> {
      const out: string[] = [];
      for (const text of texts) {
        if (text.trim() === '') {
          out.push(text);
          continue;
        }
        const { TranslatedText } = await client.send(
          new TranslateTextCommand({ Text: text, SourceLanguageCode: from, TargetLanguageCode: to }),
        );
        if (TranslatedText === undefined) throw new TranslationFailed('Amazon Translate returned no text');
        out.push(TranslatedText);
      }
      return out;
    },
  };
}
