import { type Html, html, raw } from '../../security/html';
import { lookBand, lookHead, type PageLook } from './page-look';

/** Phone-first, readable without JavaScript, no external fonts or trackers. */
const styles = `
:root{color-scheme:light dark;--accent:#1d5fa8;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
*{box-sizing:border-box}body{margin:0;line-height:1.5;background:Canvas;color:CanvasText}
header,main,footer{max-width:720px;margin:0 auto;padding:0 16px}
header{padding-top:16px}h1{font-size:1.5rem;margin:.5rem 0}
a{color:var(--accent)}@media (prefers-color-scheme:dark){:root{--accent:#8cbcf5}}
article{border-bottom:1px solid color-mix(in srgb,CanvasText 15%,transparent);padding:16px 0}
img,video{display:block;width:100%;height:auto;border-radius:8px;margin:8px 0}audio{width:100%;margin:8px 0}
.caption{white-space:pre-line;overflow-wrap:anywhere;margin:.25rem 0}
time{color:color-mix(in srgb,CanvasText 65%,transparent);font-size:.9rem}
nav a{display:inline-block;padding:12px 0;min-height:44px}
footer{padding:24px 16px;font-size:.9rem}
.gallery{list-style:none;padding:0;margin:8px 0;display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px}
.gallery img,.gallery video{margin:0}
.translated{margin:4px 0 8px;font-size:.95rem}.translated summary{cursor:pointer;min-height:44px;padding:10px 0;color:var(--accent)}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

export interface PageOptions {
  title: string;
  lang?: string;
  /** Text direction of the document: `rtl` for Urdu and Arabic. */
  dir?: 'ltr' | 'rtl';
  /** Extra `<head>` markup (Open Graph tags, feed links). */
  head?: Html;
  /** The school's look (page-look.ts); pages of a wall, or of a school without one, have the default. */
  look?: PageLook;
  body: Html;
}

/** The document shell shared by every server-rendered page. */
export function page(options: PageOptions): string {
  return `<!doctype html>\n${
    html`<html lang="${options.lang ?? 'en-GB'}" dir="${options.dir ?? 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
<style>${raw(styles)}</style>
${lookHead(options.look)}
${options.head}
</head>
<body>
${lookBand(options.look)}
${options.body}
</body>
</html>`.value
  }\n`;
}
