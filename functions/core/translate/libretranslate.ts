import * as z from 'zod';
import { TranslationFailed, type TranslationRequest, type Translator } from '../translator';

/** LibreTranslate's answer to `POST /translate` with an array `q`: one translation per text, or an error. */
const answerSchema = z.union([
  z.object({ translatedText: z.array(z.string()) }),
  z.object({ translatedText: z.string() }),
  z.object({ error: z.string() }),
]);

/** A translation server is given this long per request; a caption must not hold a message back for long. */
const TIMEOUT_MS = 20_000;

/**
 * Any server that speaks the LibreTranslate API (`POST {url}/translate`, JSON `{q, source, target,
 * format, api_key}`): a self-hosted LibreTranslate, or a compatible service the school points
 * `CORRIDOR_TRANSLATE_URL` at. All texts of a post go in one request.
 */
export function libreTranslator(baseUrl: string, apiKey?: string): Translator {
  const endpoint = `${baseUrl.replace(/\/+$/, '')}/translate`;
  return {
    name: 'libretranslate',
    async translate({ texts, from, to }: TranslationRequest): Promise<string[]> {
      const asked = texts.map((text, index) => ({ text, index })).filter(({ text }) => text.trim() !== '');
      if (asked.length === 0) return texts;
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          q: asked.map((a) => a.text),
          source: from,
          target: to,
          format: 'text',
          ...(apiKey ? { api_key: apiKey } : {}),
        }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const body = answerSchema.safeParse(await response.json().catch(() => undefined));
      if (!response.ok || !body.success || 'error' in body.data) {
        const reason = body.success && 'error' in body.data ? body.data.error : `HTTP ${response.status}`;
        throw new TranslationFailed(`the translation server said: ${reason}`);
      }
      const translated = Array.isArray(body.data.translatedText) ? body.data.translatedText : [body.data.translatedText];
      if (translated.length !== asked.length)
        throw new TranslationFailed('the translation server answered a different number of texts');
      const out = [...texts];
      asked.forEach(({ index }, i) => {
        out[index] = translated[i] ?? '';
      });
      return out;
    },
  };
}
