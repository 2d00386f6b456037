import type { School } from '../../schools/school';
import { entryTitle, type FeedEntry, largestOutput } from '../entry';
import { html } from '../html';
import { displayDate, page } from './layout';
import { captionHtml, mediaHtml } from './media-html';

/** Links a school page advertises. */
export interface SchoolPageLinks {
  schoolUrl: string;
  jsonFeedUrl: string;
  rssUrl: string;
}

const entryArticle = (school: School, entry: FeedEntry, index: number) => html`<article>
<time datetime="${entry.publishedAt}">${displayDate(entry.publishedAt, school.timezone)}</time>
${captionHtml(entry.caption)}
${entry.media.map((m) => mediaHtml(m, { eager: index === 0 }))}
<a href="${entry.url}">Open this post<span class="visually-hidden"> from ${displayDate(entry.publishedAt, school.timezone)}</span></a>
</article>`;

/** The school's public page: the latest public posts, newest first. */
export function renderSchoolPage(school: School, links: SchoolPageLinks, entries: FeedEntry[]): string {
  return page({
    title: school.name,
    head: html`<link rel="alternate" type="application/rss+xml" title="${school.name}" href="${links.rssUrl}">
<link rel="alternate" type="application/feed+json" title="${school.name}" href="${links.jsonFeedUrl}">
<style>.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}</style>`,
    body: html`<header><h1>${school.name}</h1>
<nav aria-label="Feeds"><a href="${links.rssUrl}">RSS feed</a> · <a href="${links.jsonFeedUrl}">JSON feed</a></nav></header>
<main>
${entries.length === 0 ? html`<p>No posts yet.</p>` : entries.map((entry, i) => entryArticle(school, entry, i))}
</main>
<footer>Posted with Corridor.</footer>`,
  });
}

/** One post's page, with Open Graph and Twitter card tags for link previews. */
export function renderPostPage(school: School, schoolUrl: string, entry: FeedEntry): string {
  const title = entryTitle(entry);
  const preview = entry.media.map((m) => largestOutput(m, m.kind === 'image' ? 'image' : 'poster', 'image/jpeg')).find(Boolean);
  const previewAlt = entry.media.find((m) => m.kind === 'image')?.alt;
  return page({
    title: `${title} — ${school.name}`,
    head: html`<link rel="canonical" href="${entry.url}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="${school.name}">
<meta property="og:title" content="${title}">
<meta property="og:description" content="${entry.caption.slice(0, 300)}">
<meta property="og:url" content="${entry.url}">
${
  preview
    ? html`<meta property="og:image" content="${preview.url}">
<meta property="og:image:width" content="${preview.width}">
<meta property="og:image:height" content="${preview.height}">
${previewAlt ? html`<meta property="og:image:alt" content="${previewAlt}">` : ''}`
    : ''
}
<meta name="twitter:card" content="${preview ? 'summary_large_image' : 'summary'}">
<meta property="article:published_time" content="${entry.publishedAt}">`,
    body: html`<header><nav><a href="${schoolUrl}">← ${school.name}</a></nav></header>
<main><article>
<h1>${title}</h1>
<time datetime="${entry.publishedAt}">${displayDate(entry.publishedAt, school.timezone)}</time>
${captionHtml(entry.caption)}
${entry.media.map((m, i) => mediaHtml(m, { eager: i === 0 }))}
</article></main>`,
  });
}
