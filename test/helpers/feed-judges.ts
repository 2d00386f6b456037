import { execFile } from 'node:child_process';

/** What Debian's python3-feedparser (an independent parser) makes of a feed. */
export interface ParsedFeed {
  bozo: boolean;
  bozoException?: string;
  version: string;
  title: string;
  /** The channel's links (atom:link), e.g. RFC 5005 `prev-archive`. */
  links: { rel: string; href: string }[];
  entries: {
    id: string;
    title: string;
    link: string;
    summary: string;
    media: { url: string; type?: string; medium?: string; width?: string; height?: string }[];
    enclosures: { href: string; type: string; length: string }[];
  }[];
}

const script = `
import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
  "bozo": bool(d.bozo),
  "bozoException": str(d.get("bozo_exception", "")),
  "version": d.version,
  "title": d.feed.get("title", ""),
  "links": [{"rel": l.get("rel", ""), "href": l.get("href", "")} for l in d.feed.get("links", [])],
  "entries": [{
    "id": e.get("id", ""), "title": e.get("title", ""), "link": e.get("link", ""), "summary": e.get("summary", ""),
    "media": [dict(m) for m in e.get("media_content", [])],
    "enclosures": [{"href": x.get("href", ""), "type": x.get("type", ""), "length": x.get("length", "")} for x in e.get("enclosures", [])],
  } for e in d.entries],
}))
`;

/** Runs Debian's /usr/bin/python3 (the interpreter that has feedparser, html5lib, rdflib) on `input`; its stdout. */
function python3(args: string[], input: string | Buffer, what: string): Promise<string> {
  const child = execFile('/usr/bin/python3', args, { maxBuffer: 64 * 1024 * 1024 });
  const output = new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.stderr?.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${what} failed: ${err}`))));
  });
  child.stdin?.end(input);
  return output;
}

/** Parses a feed with /usr/bin/python3 + feedparser (the Debian interpreter that has it). */
export async function parseWithFeedparser(xml: string): Promise<ParsedFeed> {
  return JSON.parse(await python3(['-c', script], xml, 'feedparser')) as ParsedFeed;
}

const isUrl = (value: unknown) => typeof value === 'string' && /^https?:\/\/[^\s]+$/.test(value);

/** Extensions are objects under keys starting with `_`, each with an `about` URL (JSON Feed 1.1, Extensions). */
function extensionProblems(where: string, object: Record<string, unknown>): string[] {
  return Object.entries(object)
    .filter(([key]) => key.startsWith('_'))
    .flatMap(([key, value]) =>
      typeof value === 'object' && value !== null && isUrl((value as { about?: unknown }).about)
        ? []
        : [`${where}${key} is an extension without an about URL`],
    );
}

const authorsProblems = (where: string, authors: unknown): string[] => {
  if (authors === undefined) return [];
  if (!Array.isArray(authors) || authors.length === 0) return [`${where}authors must be a non-empty array`];
  return authors.flatMap((a: Record<string, unknown>, i) =>
    a.name === undefined && a.url === undefined && a.avatar === undefined
      ? [`${where}authors[${i}] needs a name, url or avatar`]
      : [a.url, a.avatar].filter((u) => u !== undefined && !isUrl(u)).map(() => `${where}authors[${i}] has a bad URL`),
  );
};

/**
 * What JSON Feed 1.1 requires and says (https://www.jsonfeed.org/version/1.1/): the required fields, URL
 * fields holding URLs, `authors` (not the 1.0 `author`), extensions with `about`, a `next_url` that is not
 * the feed itself, and an item `title` that is not just the text again. Returns the problems found,
 * empty when the feed is valid.
 */
export function jsonFeedProblems(feed: unknown): string[] {
  const problems: string[] = [];
  const f = feed as Record<string, unknown>;
  if (f.version !== 'https://jsonfeed.org/version/1.1') problems.push('version must be https://jsonfeed.org/version/1.1');
  if (typeof f.title !== 'string' || f.title === '') problems.push('title is required');
  for (const key of ['home_page_url', 'feed_url', 'next_url', 'icon', 'favicon'] as const) {
    if (f[key] !== undefined && !isUrl(f[key])) problems.push(`${key} must be a URL`);
  }
  if (f.author !== undefined) problems.push('author is JSON Feed 1.0: use authors');
  if (f.next_url !== undefined && f.next_url === f.feed_url) problems.push('next_url must not be the feed itself');
  problems.push(...authorsProblems('', f.authors), ...extensionProblems('', f));
  if (!Array.isArray(f.items)) return [...problems, 'items must be an array'];
  for (const [i, item] of (f.items as Record<string, unknown>[]).entries()) {
    if (typeof item.id !== 'string' || item.id === '') problems.push(`items[${i}].id is required`);
    if (item.title !== undefined && (item.title === '' || item.title === item.content_text)) {
      problems.push(`items[${i}].title repeats the text (leave it out)`);
    }
    problems.push(...authorsProblems(`items[${i}].`, item.authors), ...extensionProblems(`items[${i}].`, item));
    if (typeof item.content_html !== 'string' && typeof item.content_text !== 'string') {
      problems.push(`items[${i}] needs content_html or content_text`);
    }
    for (const [j, a] of ((item.attachments ?? []) as Record<string, unknown>[]).entries()) {
      if (typeof a.url !== 'string') problems.push(`items[${i}].attachments[${j}].url is required`);
      if (typeof a.mime_type !== 'string') problems.push(`items[${i}].attachments[${j}].mime_type is required`);
    }
  }
  return problems;
}

/**
 * Walks an RFC 5005 archive chain from a current document: `next(body)` gives the link to the older
 * document, or undefined at the oldest. Returns every document's URL and body, newest first. Stops with
 * an error on a loop, so a feed whose older link points back at itself cannot hang a test.
 */
export async function walkArchives(
  start: string,
  next: (body: string) => Promise<string | undefined> | string | undefined,
): Promise<{ url: string; body: string }[]> {
  const seen: { url: string; body: string }[] = [];
  for (let url: string | undefined = start; url !== undefined; ) {
    if (seen.some((d) => d.url === url)) throw new Error(`archive chain loops back to ${url}`);
    const response = await fetch(url);
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    const body = await response.text();
    seen.push({ url, body });
    url = await next(body);
  }
  return seen;
}

/** One finding of the W3C feed validator. */
export interface W3cFeedEvent {
  level: 'error' | 'warning' | 'info';
  type: string;
  message: string;
  line: number | null;
  column: number | null;
}

const w3cValidator = new URL('../judges/w3c-feedvalidator.py', import.meta.url).pathname;

/**
 * What the W3C Feed Validation Service (validator.w3.org/feed) says of a feed as served: its own code,
 * vendored in test/vendor/w3c-feedvalidator (MIT), run by test/judges/w3c-feedvalidator.py with Debian's python3 — the same checks as the online
 * service, at its level ("AA"), including the served Content-Type. Errors and warnings; [] is a clean feed.
 */
export async function w3cFeedValidator(url: string): Promise<W3cFeedEvent[]> {
  const res = await fetch(url);
  const body = Buffer.from(await res.arrayBuffer());
  const output = await python3([w3cValidator, url, res.headers.get('content-type') ?? ''], body, 'the W3C feed validator');
  return JSON.parse(output) as W3cFeedEvent[];
}
