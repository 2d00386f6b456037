import { DEFAULT_LOCALE, locales } from '../i18n/locales';
import { LANGUAGE_COOKIE, LANGUAGE_COOKIE_MAX_AGE_SECONDS, LANGUAGE_VARY } from './language-choice';

/**
 * The language choice of language-choice.ts as plain ES5 for a CloudFront viewer-request function
 * (cloudfront-js-2.0), which runs in front of CloudFront's cache as the local server's check runs in front
 * of its site cache. `corridorLanguage(request)` returns a 302 response (to the language's URL, with the
 * cookie when `?lang=` picked one) or undefined to let the request through. The same Accept-Language
 * rules as `negotiateLocale`; a unit test runs this source and the TypeScript side by side on the same
 * requests. CloudFront event shapes: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
 */
export const languageEdgeSource = `var CORRIDOR_LOCALES = ${JSON.stringify(locales)};
var CORRIDOR_DEFAULT = ${JSON.stringify(DEFAULT_LOCALE)};
function corridorLocale(value) {
  for (var i = 0; i < CORRIDOR_LOCALES.length; i++) if (CORRIDOR_LOCALES[i] === value) return value;
  return undefined;
}
function corridorNegotiate(header) {
  var parts = (header || '').split(',');
  var wanted = [];
  for (var i = 0; i < parts.length; i++) {
    var bits = parts[i].trim().split(';');
    var tag = bits[0].trim().toLowerCase();
    var q = 1;
    for (var j = 1; j < bits.length; j++) {
      var m = /^\\s*q=([0-9.]+)\\s*$/.exec(bits[j]);
      if (m) { q = Number(m[1]); break; }
    }
    if (tag !== '' && tag !== '*' && q > 0) wanted.push({ tag: tag, q: q, index: i });
  }
  wanted.sort(function (a, b) { return b.q - a.q || a.index - b.index; });
  for (var k = 0; k < wanted.length; k++) {
    var t = wanted[k].tag;
    for (var l = 0; l < CORRIDOR_LOCALES.length; l++) if (CORRIDOR_LOCALES[l].toLowerCase() === t) return CORRIDOR_LOCALES[l];
    var sub = t.split('-');
    if (sub[0] === 'pa' && sub[1] === 'arab') continue;
    for (var n = 0; n < CORRIDOR_LOCALES.length; n++) if (CORRIDOR_LOCALES[n].split('-')[0].toLowerCase() === sub[0]) return CORRIDOR_LOCALES[n];
  }
  return CORRIDOR_DEFAULT;
}
function corridorRedirect(location, picked) {
  var response = { statusCode: 302, statusDescription: 'Found', headers: {
    location: { value: location },
    'cache-control': { value: 'private, no-store' },
    vary: { value: ${JSON.stringify(LANGUAGE_VARY)} } } };
  if (picked) response.cookies = { ${JSON.stringify(LANGUAGE_COOKIE)}: { value: picked,
    attributes: 'Path=/; Max-Age=${LANGUAGE_COOKIE_MAX_AGE_SECONDS}; SameSite=Lax; Secure' } };
  return response;
}
function corridorLanguage(request) {
  var path = request.uri.replace(/\\/+$/, '');
  var segments = path.split('/');
  if (!/^\\/(s|p|w|c|embed)\\//.test(path + '/') || segments[segments.length - 1].indexOf('.') !== -1) return undefined;
  var last = segments[segments.length - 1];
  var current = last !== CORRIDOR_DEFAULT ? corridorLocale(last) : undefined;
  var plain = current ? segments.slice(0, -1).join('/') : path;
  var here = function (locale) { return locale === CORRIDOR_DEFAULT ? plain : plain + '/' + locale; };
  var query = request.querystring || {};
  var picked = query.lang && corridorLocale(query.lang.value);
  if (picked) return corridorRedirect(here(picked), picked);
  if (current) return undefined;
  var cookies = request.cookies || {};
  var headers = request.headers || {};
  var remembered = cookies.${LANGUAGE_COOKIE} && corridorLocale(cookies.${LANGUAGE_COOKIE}.value);
  var wanted = remembered || corridorNegotiate(headers['accept-language'] && headers['accept-language'].value);
  return wanted === CORRIDOR_DEFAULT ? undefined : corridorRedirect(here(wanted));
}`;
