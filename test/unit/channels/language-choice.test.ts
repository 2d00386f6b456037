import { describe, expect, it } from 'vitest';
import { chooseLanguage, type LanguageChoice, type PageRequest } from '../../../functions/core/channels/language-choice';
import { languageEdgeSource } from '../../../functions/core/channels/language-edge';
import { rewriteFunctionSource } from '../../../infra/cdn';

/**
 * The language choice made in front of the cache — by the local server (TypeScript) and by the CloudFront
 * viewer-request function (ES5 source, evaluated here as CloudFront would run it) — on the same requests:
 * both must send every browser to the same URL.
 */
type EdgeRequest = {
  uri: string;
  querystring?: Record<string, { value: string }>;
  cookies?: Record<string, { value: string }>;
  headers?: Record<string, { value: string }>;
};
type EdgeResponse = {
  statusCode: number;
  headers: Record<string, { value: string }>;
  cookies?: Record<string, { value: string; attributes: string }>;
};
const corridorLanguage = new Function(`${languageEdgeSource}; return corridorLanguage;`)() as (
  r: EdgeRequest,
) => EdgeResponse | undefined;
const handler = new Function(`${rewriteFunctionSource}; return handler;`)() as (e: {
  request: EdgeRequest;
}) => EdgeRequest | EdgeResponse;

const edge = (request: PageRequest): LanguageChoice => {
  const response = corridorLanguage({
    uri: request.path,
    ...(request.lang ? { querystring: { lang: { value: request.lang } } } : {}),
    ...(request.cookie
      ? {
          cookies: Object.fromEntries(
            request.cookie
              .split('; ')
              .map((c) => c.split('='))
              .map(([k = '', v = '']) => [k, { value: v }]),
          ),
        }
      : {}),
    ...(request.acceptLanguage ? { headers: { 'accept-language': { value: request.acceptLanguage } } } : {}),
  });
  if (!response) return { kind: 'serve', negotiated: false };
  const cookie = response.cookies?.corridor_lang;
  return {
    kind: 'redirect',
    location: response.headers.location?.value ?? '',
    ...(cookie ? { setCookie: `corridor_lang=${cookie.value}; ${cookie.attributes.replace('; Secure', '')}` } : {}),
  };
};
/** The local choice without the `negotiated` detail the CloudFront side expresses differently (it never varies). */
const local = (request: PageRequest): LanguageChoice => {
  const choice = chooseLanguage(request);
  return choice.kind === 'serve' ? { kind: 'serve', negotiated: false } : choice;
};

const requests: PageRequest[] = [
  { path: '/s/demo' },
  { path: '/s/demo', acceptLanguage: 'pl-PL,pl;q=0.9,en;q=0.5' },
  { path: '/s/demo/', acceptLanguage: 'en-US,en;q=0.9' },
  { path: '/s/demo', acceptLanguage: 'pa-Arab-PK, ur;q=0.5' },
  { path: '/s/demo', acceptLanguage: 'fr, pt-BR;q=0.8' },
  { path: '/s/demo', acceptLanguage: 'ta;q=0, *' },
  { path: '/s/demo/pl', acceptLanguage: 'ur' },
  { path: '/s/demo/pl', lang: 'cy' },
  { path: '/s/demo/cy', lang: 'en-GB' },
  { path: '/s/demo', lang: 'xx', acceptLanguage: 'ar' },
  { path: '/p/01HZX', cookie: 'corridor_lang=cy', acceptLanguage: 'pl' },
  { path: '/p/01HZX', cookie: 'other=1; corridor_lang=en-GB', acceptLanguage: 'pl' },
  { path: '/c/abc123/ur' },
  { path: '/s/demo/t/trips', acceptLanguage: 'so' },
  { path: '/s/demo/archive/3', acceptLanguage: 'gu' },
  { path: '/embed/demo', acceptLanguage: 'bn-IN' },
  { path: '/w/trust', acceptLanguage: 'ro' },
];

describe('the language choice in front of the cache', () => {
  it.each(requests)('is the same locally and on CloudFront: %o', (request) => {
    expect(edge(request)).toEqual(local(request));
  });

  it('sends a Polish browser to the Polish page and remembers a picked language for a year', () => {
    expect(local({ path: '/s/demo', acceptLanguage: 'pl' })).toEqual({ kind: 'redirect', location: '/s/demo/pl' });
    expect(local({ path: '/s/demo/pl', lang: 'ur' })).toEqual({
      kind: 'redirect',
      location: '/s/demo/ur',
      setCookie: 'corridor_lang=ur; Path=/; Max-Age=31536000; SameSite=Lax',
    });
    expect(chooseLanguage({ path: '/s/demo', acceptLanguage: 'en' })).toEqual({ kind: 'serve', negotiated: true });
    expect(chooseLanguage({ path: '/s/demo/ta' })).toEqual({ kind: 'serve', negotiated: false });
  });

  it('on CloudFront, leaves feeds and media alone and still rewrites pages to index.html', () => {
    expect(corridorLanguage({ uri: '/s/demo/feed.json', headers: { 'accept-language': { value: 'pl' } } })).toBeUndefined();
    expect(corridorLanguage({ uri: '/media/p1/abc.jpg', headers: { 'accept-language': { value: 'pl' } } })).toBeUndefined();
    expect(handler({ request: { uri: '/s/demo/pl' } })).toEqual({ uri: '/s/demo/pl/index.html' });
    const redirect = handler({ request: { uri: '/s/demo', headers: { 'accept-language': { value: 'ar' } } } }) as EdgeResponse;
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers['cache-control']?.value).toBe('private, no-store');
  });
});
