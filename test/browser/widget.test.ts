import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import {
  DESKTOP,
  type HostSite,
  launchChromium,
  PHONE,
  phoneLayoutProblems,
  screenshot,
  seriousAxeViolations,
  startHostSite,
} from '../helpers/browser';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';

/**
 * The website widget as a school website runs it: `embed.js` on a page of another origin whose CSP
 * allows scripts (and fetches, images, media, frames) only from Corridor — no inline script or style,
 * no eval — and a stylesheet that tries hard to break whatever it is given.
 */
const XSS_CAPTION = 'Sports day <script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> #sportsday';
const HOSTILE_CSS = `
img, video, audio, canvas { display: none !important; }
a { color: rgb(255, 0, 0) !important; text-decoration: none !important; }
ul { display: block !important; padding: 50px !important; }
p { font-size: 40px !important; }
article { border: 10px solid rgb(255, 0, 0) !important; }
corridor-feed { --corridor-accent: rgb(122, 31, 92); }
`;

let corridor: TestCorridor;
let host: HostSite;
let browser: Browser;
const publicPosts: PostView[] = [];
const privateCaptions = ['For Year 2 families only: trip money due', 'Whole-school families: INSET day reminder'];

const hostPage = (body: string, title = 'Greenfield Primary — News') => `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="stylesheet" href="/host.css"></head>
<body><header><a id="before" href="/">Greenfield home</a></header>
<main><h1>Latest news</h1>
${body}
</main>
<footer><a id="after" href="/contact">Contact us</a></footer></body></html>`;

beforeAll(async () => {
  corridor = await startTestCorridor();
  const photo = (name: string, alt: string) => ({ path: corpusPath(name), contentType: 'image/jpeg', alt });
  // Oldest first, so the widget (newest first) shows them in reverse.
  publicPosts.push(
    await corridor.post({
      audience: 'public',
      caption: 'Our video newsletter',
      files: [{ path: corpusPath('video_3gp5_h264_rot90.mp4'), contentType: 'video/mp4', alt: 'The head with this week’s news' }],
    }),
    await corridor.post({
      audience: 'public',
      caption: 'Reception painted sunflowers #art',
      files: [photo('orient_landscape_1.jpg', 'Sunflower paintings on the wall')],
    }),
    await corridor.post({ audience: 'public', caption: XSS_CAPTION, files: [photo('orient_portrait_6.jpg', 'Children racing')] }),
    await corridor.post({
      audience: 'public',
      caption: 'Year 1 reading aloud #reading',
      files: [{ path: corpusPath('audio_iphone_voice_memo.m4a'), contentType: 'audio/mp4', alt: 'A child reading a poem' }],
    }),
    await corridor.post({
      audience: 'public',
      caption: 'Our new library corner',
      files: [photo('orient_landscape_3.jpg', 'Bookshelves and beanbags'), photo('orient_portrait_2.jpg', 'A reading tent')],
    }),
  );
  await corridor.post({
    audience: 'class:year-2',
    caption: privateCaptions[0],
    files: [photo('orient_landscape_5.jpg', 'Trip')],
  });
  await corridor.post({ audience: 'school', caption: privateCaptions[1] });
  for (const post of publicPosts) expect(post.state).toBe('published');

  // The CSP names the host Corridor was started with (127.0.0.1, the default HOST), not corridor.url: the
  // media URLs must use that same host, or every image, video and sound is blocked (issue 18).
  const origin = `http://127.0.0.1:${new URL(corridor.url).port}`;
  const csp = [
    "default-src 'none'",
    `script-src ${origin}`,
    `connect-src ${origin}`,
    `img-src ${origin}`,
    `media-src ${origin}`,
    `frame-src ${origin}`,
    "style-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const page = (body: string) => ({
    body: hostPage(body),
    contentType: 'text/html; charset=utf-8',
    headers: { 'content-security-policy': csp },
  });
  host = await startHostSite({
    '/': page(`<script src="${origin}/embed.js" data-school="demo" data-limit="6" async></script>`),
    '/limited': page(`<script src="${origin}/embed.js" data-school="demo" data-limit="2" async></script>`),
    '/unknown-school': page(`<script src="${origin}/embed.js" data-school="no-such-school" async></script>`),
    '/iframe': page(
      `<iframe id="news" src="${origin}/embed/demo" title="News from Demo Primary School" width="360" height="900"></iframe>
<iframe id="school-page" src="${origin}/s/demo" title="The school page (refuses to be framed)" width="360" height="200"></iframe>`,
    ),
    '/host.css': { body: HOSTILE_CSS, contentType: 'text/css' },
  });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await corridor?.stop();
});

/** A page that records CSP violations and every Set-Cookie it receives. */
async function openHostPage(context: BrowserContext, path: string) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`), true);
  });
  const cookies: string[] = [];
  page.on('response', (response) => {
    const header = response.headers()['set-cookie'];
    if (header) cookies.push(`${response.url()}: ${header}`);
  });
  await page.goto(`${host.url}${path}`);
  return { page, cookies, violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations) };
}

const rendered = (page: Page) => page.locator('corridor-feed section:not([aria-busy])').waitFor();

describe('what the widget loads', () => {
  it('serves embed.js as JavaScript to any origin, cached briefly, setting no cookie', async () => {
    const response = await corridor.fetch('/embed.js', { headers: { origin: 'https://www.greenfield.sch.uk' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cache-control')).toMatch(/^public, max-age=300\b/);
    expect(response.headers.get('set-cookie')).toBeNull();
    const etag = response.headers.get('etag') ?? '';
    expect((await corridor.fetch('/embed.js', { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('reads a feed rendered from the public channel only', async () => {
    const response = await corridor.fetch('/embed/demo/feed.json');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const feed = (await response.json()) as { items: { url: string; content_text: string }[] };
    expect(feed.items.map((i) => i.url)).toEqual([...publicPosts].reverse().map((p) => p.url));
    for (const caption of privateCaptions) expect(JSON.stringify(feed)).not.toContain(caption);
  });
});

describe('the embed widget on a school website (another origin, strict CSP)', () => {
  let context: BrowserContext;
  let page: Page;
  let cookies: string[];
  let violations: () => Promise<string[]>;

  beforeAll(async () => {
    context = await browser.newContext(PHONE);
    ({ page, cookies, violations } = await openHostPage(context, '/'));
    await rendered(page);
  });
  afterAll(() => context.close());

  it('renders the latest public posts, newest first, inside a shadow root', async () => {
    const inShadow = await page.evaluate(() => {
      const host = document.querySelector('corridor-feed');
      return { shadow: Boolean(host?.shadowRoot), lightChildren: host?.children.length };
    });
    expect(inShadow).toEqual({ shadow: true, lightChildren: 0 });
    const links = await page
      .locator('corridor-feed article .meta a')
      .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(links).toEqual([...publicPosts].reverse().map((p) => p.url));
    await expect.poll(() => page.locator('corridor-feed .title').textContent()).toBe('Demo Primary School');
  });

  it('never shows a post for families only', async () => {
    const text = (await page.locator('corridor-feed').evaluate((el) => el.shadowRoot?.textContent ?? '')) as string;
    for (const caption of privateCaptions) expect(text).not.toContain(caption);
    expect(text).toContain('Our new library corner');
  });

  it('shows a caption with a script tag as text and runs nothing', async () => {
    const caption = page.locator('corridor-feed .caption', { hasText: 'Sports day' });
    expect(await caption.textContent()).toBe(XSS_CAPTION);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('corridor-feed script').count()).toBe(0);
    expect(await page.locator('corridor-feed img[src="x"]').count()).toBe(0);
  });

  it('serves responsive, lazy images: srcset, sizes, width/height, and the browser picks from srcset', async () => {
    const images = page.locator('corridor-feed article img');
    expect(await images.count()).toBe(3);
    const first = images.first();
    await first.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => {
      const img = document.querySelector('corridor-feed')?.shadowRoot?.querySelector('img');
      return Boolean(img?.complete && img.naturalWidth > 0);
    });
    const facts = await first.evaluate((img: HTMLImageElement) => {
      const source = img.parentElement?.querySelector('source');
      const candidates = [img.srcset, source?.srcset ?? ''].flatMap((s) => s.split(',').map((c) => c.trim().split(' ')[0]));
      return {
        loading: img.loading,
        sizes: img.sizes,
        widths: img.srcset.split(',').map((c) => c.trim().split(' ')[1]),
        sourceType: source?.type,
        hasSize: img.getAttribute('width') !== null && img.getAttribute('height') !== null,
        alt: img.alt,
        pickedFromSrcset: candidates.includes(img.currentSrc),
      };
    });
    expect(facts.loading).toBe('lazy');
    expect(facts.sizes).toContain('100vw');
    expect(facts.widths.length).toBeGreaterThan(1);
    for (const width of facts.widths) expect(width).toMatch(/^\d+w$/);
    expect(facts.sourceType).toBe('image/webp');
    expect(facts.hasSize).toBe(true);
    expect(facts.alt).toBe('Bookshelves and beanbags');
    expect(facts.pickedFromSrcset).toBe(true);
  });

  it('plays sound with a labelled audio player', async () => {
    const audio = page.locator('corridor-feed audio');
    expect(await audio.count()).toBe(1);
    expect(await audio.getAttribute('aria-label')).toBe('A child reading a poem');
    expect(await audio.evaluate((a: HTMLAudioElement) => a.controls && /^http:\/\/127\.0\.0\.1:\d+\/media\//.test(a.src))).toBe(
      true,
    );
  });

  it('keeps the host page’s CSS out, and takes its theme from custom properties', async () => {
    const styles = await page.evaluate(() => {
      const root = document.querySelector('corridor-feed')?.shadowRoot;
      const style = (selector: string) => {
        const el = root?.querySelector(selector);
        return el ? getComputedStyle(el) : undefined;
      };
      return {
        imgDisplay: style('img')?.display,
        audioDisplay: style('audio')?.display,
        linkColor: style('.meta a')?.color,
        captionSize: style('.caption')?.fontSize,
        articleBorder: style('article')?.borderTopWidth,
        listPadding: style('ul')?.paddingLeft,
      };
    });
    expect(styles.imgDisplay).toBe('block');
    expect(styles.audioDisplay).toBe('block');
    expect(styles.linkColor).toBe('rgb(122, 31, 92)');
    expect(styles.captionSize).not.toBe('40px');
    expect(styles.articleBorder).toBe('1px');
    expect(styles.listPadding).toBe('0px');
  });

  it('breaks no rule of the host’s CSP (no inline script or style, no eval) and sets no cookie', async () => {
    expect(await violations()).toEqual([]);
    expect(cookies).toEqual([]);
    expect(await context.cookies()).toEqual([]);
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  it('is reachable by keyboard in reading order, with a visible focus ring', async () => {
    const expected = await page.evaluate(() => {
      const root = document.querySelector('corridor-feed')?.shadowRoot;
      const inWidget = [...(root?.querySelectorAll<HTMLElement>('a[href], audio[controls], video[controls]') ?? [])];
      const describe = (el: Element) => `${el.tagName.toLowerCase()} ${el.getAttribute('href') ?? el.getAttribute('aria-label')}`;
      return ['a /', ...inWidget.map(describe), 'a /contact'];
    });
    await page.locator('#before').focus();
    const visited = [await deepFocus(page)];
    let ring = '';
    for (let i = 0; i < 40 && visited.at(-1) !== 'a /contact'; i++) {
      await page.keyboard.press('Tab');
      const now = await deepFocus(page);
      if (now !== visited.at(-1)) visited.push(now);
      if (now.startsWith('a ') && now.includes('/p/') && !ring) {
        ring = await page.evaluate(() => {
          let el = document.activeElement;
          while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
          return el ? getComputedStyle(el).outlineStyle : '';
        });
      }
    }
    expect(visited).toEqual(expected);
    expect(ring).toBe('solid');
  });

  it('passes axe (no serious or critical violations), fits a 390 px screen, and has 44 px targets', async () => {
    // Only the widget: the host fixture's red-on-white links fail contrast on purpose.
    expect(await seriousAxeViolations(page, 'corridor-feed')).toEqual([]);
    const layout = await phoneLayoutProblems(page);
    expect(layout.horizontalOverflow).toBeLessThanOrEqual(0);
    const widgetTargets = await page.evaluate(() =>
      [...(document.querySelector('corridor-feed')?.shadowRoot?.querySelectorAll('a') ?? [])].map((a) =>
        Math.round(a.getBoundingClientRect().height),
      ),
    );
    for (const height of widgetTargets) expect(height).toBeGreaterThanOrEqual(44);
    await screenshot(page, 'widget-phone');
  });
});

describe('every image, video and sound under a CSP naming the host Corridor was started with', () => {
  for (const [name, device] of [
    ['390 px', PHONE],
    ['1280 px', DESKTOP],
  ] as const) {
    it(`shows them all with no CSP violation at ${name}`, async () => {
      const context = await browser.newContext(device);
      try {
        const { page, violations } = await openHostPage(context, '/');
        await rendered(page);
        // Scroll every item into view (lazy images load), and ask players for their metadata: preload is
        // `none` in the widget, so this is what a parent's tap on play would fetch first.
        const counts = await page.locator('corridor-feed').evaluate(async (host) => {
          const root = host.shadowRoot;
          const media = [...(root?.querySelectorAll<HTMLImageElement | HTMLMediaElement>('img, video, audio') ?? [])];
          for (const el of media) el.scrollIntoView();
          const players = media.filter((el): el is HTMLMediaElement => el instanceof HTMLMediaElement);
          for (const player of players) {
            player.preload = 'metadata';
            player.load();
          }
          return {
            images: media.length - players.length,
            videos: root?.querySelectorAll('video').length,
            sounds: root?.querySelectorAll('audio').length,
          };
        });
        expect(counts).toEqual({ images: 3, videos: 1, sounds: 1 });
        await page.waitForFunction(() => {
          const root = document.querySelector('corridor-feed')?.shadowRoot;
          const images = [...(root?.querySelectorAll('img') ?? [])];
          const players = [...(root?.querySelectorAll<HTMLMediaElement>('video, audio') ?? [])];
          return images.every((i) => i.complete && i.naturalWidth > 0) && players.every((p) => p.readyState >= 1);
        });
        const sources = await page
          .locator('corridor-feed')
          .evaluate((host) =>
            [
              ...(host.shadowRoot?.querySelectorAll<HTMLImageElement | HTMLMediaElement | HTMLVideoElement>(
                'img, video, audio',
              ) ?? []),
            ].flatMap((el) => [el.currentSrc, ...(el instanceof HTMLVideoElement ? [el.poster] : [])]),
          );
        for (const src of sources) expect(src).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\//);
        // The video's poster went through img-src: draw it to be sure it arrived.
        const posterLoaded = await page.locator('corridor-feed').evaluate(async (host) => {
          const poster = host.shadowRoot?.querySelector('video')?.poster;
          if (!poster) return false;
          const img = new Image();
          img.src = poster;
          await img.decode().catch(() => undefined);
          return img.naturalWidth > 0;
        });
        expect(posterLoaded).toBe(true);
        expect(await violations()).toEqual([]);
        await screenshot(page, `widget-csp-${name.replace(' ', '')}`);
      } finally {
        await context.close();
      }
    });
  }
});

async function deepFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return 'none';
    return `${el.tagName.toLowerCase()} ${el.getAttribute('href') ?? el.getAttribute('aria-label')}`;
  });
}

describe('the widget’s options and failures', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await browser.newContext(DESKTOP);
  });
  afterAll(() => context.close());

  it('shows as many posts as data-limit asks', async () => {
    const { page } = await openHostPage(context, '/limited');
    await rendered(page);
    expect(await page.locator('corridor-feed article').count()).toBe(2);
    await page.close();
  });

  it('looks right on a desktop page', async () => {
    const { page } = await openHostPage(context, '/');
    await rendered(page);
    await page.waitForFunction(() =>
      [...(document.querySelector('corridor-feed')?.shadowRoot?.querySelectorAll('img') ?? [])].every((i) => i.complete),
    );
    await screenshot(page, 'widget-desktop');
    await page.close();
  });

  it('falls back to a link to the school page when the feed cannot be fetched (offline)', async () => {
    const page = await context.newPage();
    await page.route(`${corridor.url}/embed/demo/feed.json`, (route) => route.abort('internetdisconnected'));
    await page.goto(`${host.url}/`);
    await rendered(page);
    const link = page.locator('corridor-feed a');
    expect(await link.count()).toBe(1);
    expect(await link.textContent()).toBe('See our latest news');
    expect(await link.getAttribute('href')).toBe(`${corridor.url}/s/demo`);
    await page.close();
  });

  it('falls back to a link for a school that has no feed', async () => {
    const { page } = await openHostPage(context, '/unknown-school');
    await rendered(page);
    expect(await page.locator('corridor-feed a').getAttribute('href')).toBe(`${corridor.url}/s/no-such-school`);
    expect(await page.locator('corridor-feed article').count()).toBe(0);
    await page.close();
  });
});

describe('the iframe alternative', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await browser.newContext(PHONE);
  });
  afterAll(() => context.close());

  it('is framed by another origin and lists public posts only, escaped, links opening the top window', async () => {
    const { page, violations } = await openHostPage(context, '/iframe');
    const frame = page.frameLocator('#news');
    await frame.locator('article').first().waitFor();
    expect(await frame.locator('article').count()).toBe(publicPosts.length);
    const text = await frame.locator('main').textContent();
    for (const caption of privateCaptions) expect(text).not.toContain(caption);
    expect(text).toContain(XSS_CAPTION);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await frame.locator('base').getAttribute('target')).toBe('_top');
    expect(await frame.locator('audio[controls]').count()).toBe(1);
    expect(await frame.locator('img[srcset][loading=lazy]').count()).toBeGreaterThan(0);
    expect(await violations()).toEqual([]);
    await screenshot(page, 'widget-iframe-phone');
    await page.close();
  });

  it('is the only page that may be framed: the school page refuses', async () => {
    const page = await context.newPage();
    await page.goto(`${host.url}/iframe`);
    const schoolFrame = await (await page.locator('#school-page').elementHandle())?.contentFrame();
    // X-Frame-Options: DENY and frame-ancestors 'none': Chromium puts its error page in the frame.
    expect(schoolFrame?.url()).toMatch(/^chrome-error:/);
    await page.close();
  });

  it('passes axe and fits a 390 px screen on its own', async () => {
    const page = await context.newPage();
    await page.goto(`${corridor.url}/embed/demo`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect((await phoneLayoutProblems(page)).horizontalOverflow).toBeLessThanOrEqual(0);
    await page.close();
  });
});
