/**
 * What a phone downloads to show a page's pictures, decided from the page's real markup the way a
 * browser decides — so the cost model follows whatever `<picture>`, `srcset` and `sizes` the renderers
 * write, and the variants the pipeline really made.
 *
 * The phone: 390 CSS px wide at 3 device pixels per CSS px (an iPhone 12–15; most phones are 360–430 px
 * at 2.6–3.5×), decoding AVIF, WebP and JPEG (Safari 16+, Chrome 85+).
 *
 * The selection rule modelled (HTML's "select an image source", with the common UA choice):
 * 1. in a `<picture>`, the first `<source>` whose `type` the phone decodes (and whose `media`, if any,
 *    matches); else the `<img>`'s own `srcset`/`src`;
 * 2. `sizes`: the first entry whose media condition matches the 390 px viewport gives the slot width;
 * 3. each `w` candidate's density is its width ÷ the slot width; the phone takes the **smallest
 *    candidate whose density is at least 3** (the largest, if none is). That is what WebKit and Gecko
 *    do; Chromium may take the next smaller one when 3 is below the geometric mean of the two densities
 *    around it, so on Android the figure is an upper bound.
 * Every picture on the page counts as fetched (`loading="lazy"` ones too: a family scrolls the post),
 * and every player's poster and whole file (played to the end: an upper bound).
 */
export const PHONE = { viewportCssPx: 390, dpr: 3, decodes: ['image/avif', 'image/webp', 'image/jpeg'] } as const;

/** One image the phone fetches: its URL as written in the page. */
export interface Fetched {
  url: string;
  /** The candidate's declared width (`w`), when it came from a srcset. */
  width?: number;
  type?: string;
}

type Attributes = Record<string, string>;

const attributesOf = (tag: string): Attributes =>
  Object.fromEntries(
    [...tag.matchAll(/([a-zA-Z-]+)="([^"]*)"/g)].map(([, name, value]) => [name?.toLowerCase(), decode(value ?? '')]),
  );

const decode = (value: string) =>
  value
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

/** The images a page makes the phone fetch, in page order. */
export function phoneFetches(page: string): Fetched[] {
  const fetched: Fetched[] = [];
  // Pictures first (their <img> is chosen with the <source>s), then the <img>s outside any picture.
  const outside = page.replace(/<picture[\s>][\s\S]*?<\/picture>/g, (picture) => {
    fetched.push(choosePicture(picture));
    return '';
  });
  for (const [tag] of outside.matchAll(/<img\s[^>]*>/g)) fetched.push(chooseImg(attributesOf(tag)));
  for (const [tag] of page.matchAll(/<(?:video|audio)\s[^>]*>/g)) {
    const player = attributesOf(tag);
    if (player.poster) fetched.push({ url: player.poster });
    if (player.src) fetched.push({ url: player.src });
  }
  return fetched;
}

function choosePicture(picture: string): Fetched {
  for (const [tag] of picture.matchAll(/<source\s[^>]*>/g)) {
    const source = attributesOf(tag);
    if (source.type && !(PHONE.decodes as readonly string[]).includes(source.type)) continue;
    if (source.media && !mediaMatches(source.media)) continue;
    if (source.srcset) return { ...chooseCandidate(source.srcset, source.sizes), ...(source.type ? { type: source.type } : {}) };
  }
  const img = /<img\s[^>]*>/.exec(picture)?.[0];
  if (!img) throw new Error(`a <picture> without an <img>: ${picture.slice(0, 120)}`);
  return chooseImg(attributesOf(img));
}

function chooseImg(img: Attributes): Fetched {
  if (img.srcset) return chooseCandidate(img.srcset, img.sizes);
  if (!img.src) throw new Error('an <img> with neither src nor srcset');
  return { url: img.src };
}

/** Step 3: the smallest candidate dense enough for the screen (descriptors `w` or `x`). */
function chooseCandidate(srcset: string, sizes: string | undefined): Fetched {
  const slot = slotWidth(sizes ?? '100vw');
  const candidates = srcset
    .split(/,\s+/)
    .map((entry) => {
      const [url = '', descriptor = '1x'] = entry.trim().split(/\s+/);
      const value = Number.parseFloat(descriptor);
      if (descriptor.endsWith('w')) return { url, width: value, density: value / slot };
      if (descriptor.endsWith('x')) return { url, density: value };
      throw new Error(`a srcset descriptor the model does not know: "${descriptor}"`);
    })
    .sort((a, b) => a.density - b.density);
  const chosen = candidates.find((c) => c.density >= PHONE.dpr) ?? candidates.at(-1);
  if (!chosen) throw new Error(`an empty srcset: "${srcset}"`);
  return { url: chosen.url, ...(chosen.width ? { width: chosen.width } : {}) };
}

/** Step 2: the slot width in CSS px from `sizes`, at the phone's viewport. */
export function slotWidth(sizes: string): number {
  for (const entry of splitTopLevel(sizes)) {
    const condition = /^(\(.*\))\s+(.+)$/.exec(entry.trim());
    if (!condition) return lengthPx(entry.trim());
    if (mediaMatches(condition[1] ?? '')) return lengthPx(condition[2] ?? '');
  }
  return PHONE.viewportCssPx; // no entry matched: the spec's default, 100vw
}

/** Commas outside parentheses separate `sizes` entries (`calc(…)` and conditions hold none, but be safe). */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of list) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  return [...parts, current].filter((p) => p.trim() !== '');
}

/** `(max-width: 720px)`, `(min-width: 40em)`, joined with `and`: all the renderers write. */
function mediaMatches(condition: string): boolean {
  return condition.split(/\s+and\s+/).every((part) => {
    const feature = /^\(\s*(max|min)-width:\s*([\d.]+)(px|em|rem)\s*\)$/.exec(part.trim());
    if (!feature) throw new Error(`a media condition the model does not know: "${part}"`);
    const px = Number(feature[2]) * (feature[3] === 'px' ? 1 : 16);
    return feature[1] === 'max' ? PHONE.viewportCssPx <= px : PHONE.viewportCssPx >= px;
  });
}

/** A length: px, vw, em/rem (16 px), or `calc()` of those added and subtracted. */
function lengthPx(length: string): number {
  const calc = /^calc\((.*)\)$/.exec(length);
  const terms = (calc ? (calc[1] ?? '') : length).replace(/\s+-\s+/g, ' + -').split(/\s+\+\s+/);
  return terms.reduce((sum, term) => {
    const value = /^(-?[\d.]+)(px|vw|em|rem)$/.exec(term.trim());
    if (!value) throw new Error(`a length the model does not know: "${length}"`);
    const n = Number(value[1]);
    return sum + (value[2] === 'px' ? n : value[2] === 'vw' ? (n * PHONE.viewportCssPx) / 100 : n * 16);
  }, 0);
}
