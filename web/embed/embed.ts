/**
 * The school-website widget:
 *   <script src="https://HOST/embed.js" data-school="demo" data-limit="6" async></script>
 * renders the school's latest public posts into a Shadow DOM root inserted after the script tag.
 *
 * Rules it keeps (a host page trusts us with its visitors): no cookies or storage, no trackers, no
 * eval, no markup built from feed data (every caption and alt is a text node or an attribute), and it
 * works under a strict CSP that allows only our origin (styles are a constructed stylesheet, inline
 * styles are set through the CSSOM). When the feed cannot be read it shows a link to the school page.
 */
import { type Child, h, replace } from '../shared/dom';
import {
  type FeedItem,
  type FeedMedia,
  type JsonFeed,
  pickLanguage,
  pickOutputs,
  schoolAccent,
  srcset,
  type WidgetWords,
} from './feed';
import { drawPlaceholder } from './placeholder';
import { styles } from './styles';

const MAX_LIMIT = 20;

interface WidgetOptions {
  school: string;
  limit: number;
  /** Where feed and pages live: the script's own origin. */
  origin: string;
  feedUrl: string;
  /** Link target, e.g. `_top` inside the iframe alternative. */
  target?: string;
  headingLevel: number;
  title?: string;
}

function optionsFrom(script: HTMLScriptElement): WidgetOptions | undefined {
  const school = script.dataset.school ?? '';
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(school)) return undefined;
  const origin = new URL(script.src, location.href).origin;
  const limit = Math.min(MAX_LIMIT, Math.max(1, Number.parseInt(script.dataset.limit ?? '', 10) || 6));
  const level = Number.parseInt(script.dataset.headingLevel ?? '', 10);
  return {
    school,
    limit,
    origin,
    // The public channel cut to what a widget shows, rendered by the fan-out and served with CORS.
    feedUrl: `${origin}/embed/${school}/feed.json`,
    target: script.dataset.target,
    headingLevel: level >= 2 && level <= 6 ? level : 2,
    title: script.dataset.title,
  };
}

/** One stylesheet object shared by every widget on the page. */
let sheet: CSSStyleSheet | undefined;

function attachStyles(root: ShadowRoot): void {
  try {
    sheet ??= new CSSStyleSheet();
    sheet.replaceSync(styles);
    root.adoptedStyleSheets = [sheet];
  } catch {
    // Browsers without constructable stylesheets: a <style> element (blocked by a CSP without
    // 'unsafe-inline' for styles, in which case the widget is plain but still usable).
    root.appendChild(h('style', null, styles));
  }
}

/** English words for a feed that carries none (an older feed): what the widget said before it spoke other languages. */
const ENGLISH: WidgetWords = {
  dir: 'ltr',
  postFrom: 'Post from {date}',
  moreFrom: 'More from {title}',
  latestNews: 'See our latest news',
  noPosts: 'No posts yet.',
  video: 'Video',
  recording: 'Sound recording',
  more: { one: '+# more', other: '+# more' },
};

/** The words, dates and plural rules of the visitor's language, and the school's clock. */
interface Speech {
  lang: string;
  words: WidgetWords;
  date: Intl.DateTimeFormat;
  plural: Intl.PluralRules;
}

function speech(feed: JsonFeed | undefined): Speech {
  const languages = feed?._corridor?.widget?.languages ?? {};
  const lang = pickLanguage(navigator.languages ?? [navigator.language], Object.keys(languages));
  const timeZone = feed?._corridor?.widget?.timezone;
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' };
  let date: Intl.DateTimeFormat;
  try {
    date = new Intl.DateTimeFormat(lang, { ...options, timeZone });
  } catch {
    date = new Intl.DateTimeFormat(lang, options); // a time zone this browser does not know
  }
  return { lang, words: languages[lang] ?? ENGLISH, date, plural: new Intl.PluralRules(lang) };
}

/** Splits a template at `{name}` so the value can be an element (a `<time>`), never markup. */
function fill(template: string, name: string, value: Child): Child[] {
  const [before = '', after = ''] = template.split(`{${name}}`);
  return [before, value, after];
}

function link(options: WidgetOptions, href: string, ...children: Child[]): HTMLAnchorElement {
  return h('a', { href, target: options.target, rel: options.target ? 'noopener' : undefined }, ...children);
}

function mediaNode(media: FeedMedia, words: WidgetWords): HTMLElement | undefined {
  const o = pickOutputs(media);
  const frame = h('div', { class: 'media' });
  if (media.dominant_color) frame.style.backgroundColor = media.dominant_color;
  if (media.width && media.height) frame.style.aspectRatio = `${media.width} / ${media.height}`;
  if (media.kind === 'audio') {
    if (!o.audio) return undefined;
    return h('audio', { controls: true, preload: 'none', src: o.audio.url, 'aria-label': media.alt || words.recording });
  }
  if (media.kind === 'video') {
    if (!o.video) return undefined;
    frame.appendChild(
      h('video', {
        controls: true,
        playsInline: true,
        preload: 'none',
        src: o.video.url,
        poster: o.poster?.url,
        'aria-label': media.alt || words.video,
      }),
    );
    return frame;
  }
  if (!o.jpeg) return undefined;
  // `auto` sizes lazy images by their laid-out width; browsers without it use the fallback list.
  const sizes = 'auto, (max-width: 480px) 100vw, 360px';
  const img = h('img', {
    src: o.jpeg.url,
    srcset: srcset(media, 'image/jpeg'),
    sizes,
    alt: media.alt,
    width: media.width ?? o.jpeg.width,
    height: media.height ?? o.jpeg.height,
    loading: 'lazy',
    decoding: 'async',
  });
  const webp = srcset(media, 'image/webp');
  if (media.placeholder) {
    const canvas = drawPlaceholder(media.placeholder);
    if (canvas) {
      frame.appendChild(canvas);
      img.addEventListener('load', () => canvas.remove(), { once: true });
    }
  }
  frame.appendChild(h('picture', null, webp && h('source', { type: 'image/webp', srcset: webp, sizes }), img));
  return frame;
}

function itemNode(options: WidgetOptions, item: FeedItem, say: Speech): HTMLLIElement {
  const media = item._corridor?.media ?? [];
  const first = media.map((m) => mediaNode(m, say.words)).find(Boolean);
  const more = media.length - 1;
  const date = new Date(item.date_published);
  return h(
    'li',
    null,
    h(
      'article',
      null,
      first,
      // Staff write in English: marked so, and laid out by its own direction inside an Urdu widget.
      item.content_text && h('p', { class: 'caption', lang: 'en-GB', dir: 'auto' }, item.content_text),
      h(
        'p',
        { class: 'meta' },
        link(
          options,
          item.url,
          ...fill(
            say.words.postFrom,
            'date',
            h('time', { datetime: item.date_published }, Number.isNaN(date.getTime()) ? '' : say.date.format(date)),
          ),
          more > 0 &&
            ` · ${(say.words.more[say.plural.select(more)] ?? say.words.more.other ?? '+#').replace('#', more.toLocaleString(say.lang))}`,
        ),
      ),
    ),
  );
}

function render(root: ShadowRoot, options: WidgetOptions, feed: JsonFeed): void {
  const say = speech(feed);
  const section = root.lastChild as Element;
  section.setAttribute('lang', say.lang);
  section.setAttribute('dir', say.words.dir);
  const schoolUrl = feed.home_page_url || `${options.origin}/s/${options.school}`;
  const items = (feed.items ?? []).slice(0, options.limit);
  const headingId = `corridor-${options.school}-${Math.random().toString(36).slice(2, 8)}`;
  // A default only: the host's own --corridor-accent (inherited from outside) still wins. Set through the
  // CSSOM, which a strict CSP allows.
  const accent = schoolAccent(feed);
  if (accent) (root.lastChild as HTMLElement).style.setProperty('--corridor-school-accent', accent);
  const heading = h(`h${options.headingLevel}` as 'h2', { id: headingId, class: 'title' }, options.title ?? feed.title);
  replace(
    section,
    heading,
    items.length === 0
      ? h('p', null, say.words.noPosts)
      : h(
          'ul',
          { role: 'list', 'aria-labelledby': headingId },
          items.map((item) => itemNode(options, item, say)),
        ),
    h('p', { class: 'more' }, link(options, schoolUrl, ...fill(say.words.moreFrom, 'title', feed.title))),
  );
}

function renderFallback(root: ShadowRoot, options: WidgetOptions): void {
  replace(
    root.lastChild as Element,
    h('p', { class: 'more' }, link(options, `${options.origin}/s/${options.school}`, speech(undefined).words.latestNews)),
  );
}

async function mount(script: HTMLScriptElement): Promise<void> {
  const options = optionsFrom(script);
  if (!options) return;
  script.dataset.corridorMounted = '';
  const host = document.createElement('corridor-feed');
  host.dataset.school = options.school;
  script.after(host);
  const root = host.attachShadow({ mode: 'open' });
  attachStyles(root);
  root.appendChild(h('section', { class: 'widget', 'aria-busy': 'true' }));
  try {
    const response = await fetch(options.feedUrl, { credentials: 'omit', referrerPolicy: 'no-referrer' });
    if (!response.ok) throw new Error(String(response.status));
    render(root, options, (await response.json()) as JsonFeed);
  } catch {
    renderFallback(root, options);
  }
  (root.lastChild as Element).removeAttribute('aria-busy');
}

// `currentScript` is set while this (classic, possibly async) script runs; a page that loads the widget
// several times, or by other means, gets every unmounted tag.
const current = document.currentScript as HTMLScriptElement | null;
const tags = current?.dataset.school
  ? [current]
  : [...document.querySelectorAll<HTMLScriptElement>('script[data-school][src*="embed.js"]:not([data-corridor-mounted])')];
for (const tag of tags) void mount(tag);
