import { TranslateClient, TranslateTextCommand } from '@aws-sdk/client-translate';

/** Translates one text between two language codes; undefined when the service answered with no text. */
export type TranslateText = (text: string, from: string, to: string) => Promise<string | undefined>;

/**
 * Amazon Translate's TranslateText, one call per text (each may be up to 10,000 bytes). The Lambda's role
 * allows translate:TranslateText only. Errors (throttling, an unsupported pair) reach the caller as thrown.
 */
export function amazonTranslateText(client: TranslateClient = new TranslateClient({})): TranslateText {
  return async (text, from, to) => {
    const { TranslatedText } = await client.send(
      new TranslateTextCommand({ Text: text, SourceLanguageCode: from, TargetLanguageCode: to }),
    );
    return TranslatedText;
  };
}
