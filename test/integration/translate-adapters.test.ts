import { TranslateClient } from '@aws-sdk/client-translate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amazonTranslateText } from '../../functions/aws/translate';
import { amazonTranslator } from '../../functions/core/translate/amazon';
import { libreTranslator } from '../../functions/core/translate/libretranslate';
import {
  startAmazonTranslateStandIn,
  startLibreTranslateStandIn,
  type TranslationStandIn,
} from '../helpers/translation-services';

/**
 * The two translator adapters against local servers that STAND IN for the services (no network here):
 * Amazon Translate through the real AWS SDK client — its real JSON 1.1 serialisation and SigV4 signing —
 * and LibreTranslate through its HTTP API. The stand-ins answer as the services do, errors included.
 */

let amazon: TranslationStandIn;
let libre: TranslationStandIn;
beforeAll(async () => {
  amazon = await startAmazonTranslateStandIn();
  libre = await startLibreTranslateStandIn();
});
afterAll(async () => {
  await amazon?.stop();
  await libre?.stop();
});

const amazonClient = () =>
  new TranslateClient({
    region: 'eu-west-2',
    endpoint: amazon.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    maxAttempts: 1,
  });

describe('Amazon Translate (through @aws-sdk/client-translate, against a stand-in)', () => {
  it('sends each non-empty text as a signed TranslateText call and returns the translations in order', async () => {
    const translator = amazonTranslator(amazonTranslateText(amazonClient()));
    const out = await translator.translate({ texts: ['Sports day relay', '', 'The relay race'], from: 'en', to: 'pl' });
    expect(out).toEqual(['[pl] Sports day relay', '', '[pl] The relay race']);
    expect(amazon.requests.map((r) => r.texts[0])).toEqual(['Sports day relay', 'The relay race']);
    const [first] = amazon.requests;
    expect(first?.from).toBe('en');
    expect(first?.to).toBe('pl');
    expect(first?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(String(first?.headers.authorization)).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/eu-west-2\/translate\/aws4_request/);
    expect(translator.name).toBe('amazon-translate');
  });

  it('a service error reaches the caller as an error (the caller falls back to the original)', async () => {
    amazon.failFor('ur');
    await expect(
      amazonTranslator(amazonTranslateText(amazonClient())).translate({ texts: ['Hello'], from: 'en', to: 'ur' }),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableException',
    });
  });
});

describe('LibreTranslate API (against a stand-in)', () => {
  it('sends all of a post’s texts in one request and puts the answers back in their places', async () => {
    const translator = libreTranslator(`${libre.url}/`);
    const out = await translator.translate({ texts: ['', 'Year 2 built a bug hotel', 'Bug hotel'], from: 'en', to: 'cy' });
    expect(out).toEqual(['', '[cy] Year 2 built a bug hotel', '[cy] Bug hotel']);
    expect(libre.requests).toHaveLength(1);
    expect(libre.requests[0]).toMatchObject({ texts: ['Year 2 built a bug hotel', 'Bug hotel'], from: 'en', to: 'cy' });
  });

  it('asks nothing when every text is empty', async () => {
    const before = libre.requests.length;
    expect(await libreTranslator(libre.url).translate({ texts: ['', ' '], from: 'en', to: 'pl' })).toEqual(['', ' ']);
    expect(libre.requests.length).toBe(before);
  });

  it('the server’s error message becomes the error', async () => {
    libre.failFor('so');
    await expect(libreTranslator(libre.url).translate({ texts: ['Hello'], from: 'en', to: 'so' })).rejects.toThrow(
      'the translation server said: Cannot translate text: so model is not loaded',
    );
  });

  it('a server that is not there is an error, not a hang', async () => {
    const gone = await startLibreTranslateStandIn();
    await gone.stop();
    await expect(libreTranslator(gone.url).translate({ texts: ['Hello'], from: 'en', to: 'pl' })).rejects.toThrow();
  });
});
