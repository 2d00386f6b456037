import { execFile } from 'node:child_process';

/** What Debian's python3-feedparser (an independent parser) makes of a feed. */
export interface ParsedFeed {
  bozo: boolean;
  bozoException?: string;
  version: string;
  title: string;
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
  "entries": [{
    "id": e.get("id", ""), "title": e.get("title", ""), "link": e.get("link", ""), "summary": e.get("summary", ""),
    "media": [dict(m) for m in e.get("media_content", [])],
    "enclosures": [{"href": x.get("href", ""), "type": x.get("type", ""), "length": x.get("length", "")} for x in e.get("enclosures", [])],
  } for e in d.entries],
}))
`;

/** Parses a feed with /usr/bin/python3 + feedparser (the Debian interpreter that has it). */
export async function parseWithFeedparser(xml: string): Promise<ParsedFeed> {
  const child = execFile('/usr/bin/python3', ['-c', script], { maxBuffer: 64 * 1024 * 1024 });
  const output = new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.stderr?.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`feedparser failed: ${err}`))));
  });
  child.stdin?.end(xml);
  return JSON.parse(await output) as ParsedFeed;
}

/**
 * The fields JSON Feed 1.1 requires (https://www.jsonfeed.org/version/1.1/): returns the problems found,
 * empty when the feed is valid.
 */
export function jsonFeedProblems(feed: unknown): string[] {
  const problems: string[] = [];
  const f = feed as Record<string, unknown>;
  if (f.version !== 'https://jsonfeed.org/version/1.1') problems.push('version must be https://jsonfeed.org/version/1.1');
  if (typeof f.title !== 'string' || f.title === '') problems.push('title is required');
  if (!Array.isArray(f.items)) return [...problems, 'items must be an array'];
  for (const [i, item] of (f.items as Record<string, unknown>[]).entries()) {
    if (typeof item.id !== 'string' || item.id === '') problems.push(`items[${i}].id is required`);
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
