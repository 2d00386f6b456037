import { escapeHtml } from '../security/html';

/**
 * A deliberately small Markdown: headings, paragraphs, bullet and numbered lists, **bold**, *emphasis*,
 * `code` and [links](https://…). Everything is escaped first and only these constructs become markup,
 * so an admin's text can never inject a tag, an attribute or a script into the composer (no raw HTML,
 * no images, and links only to http, https and mailto).
 */
export function renderMarkdown(markdown: string): string {
  const blocks: string[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | undefined;
  const flushParagraph = () => {
    if (paragraph.length > 0) blocks.push(`<p>${inline(paragraph.join(' '))}</p>`);
    paragraph = [];
  };
  const flushList = () => {
    if (list) {
      const tag = list.ordered ? 'ol' : 'ul';
      blocks.push(`<${tag}>${list.items.map((item) => `<li>${inline(item)}</li>`).join('')}</${tag}>`);
    }
    list = undefined;
  };
  for (const rawLine of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const line = rawLine.trim();
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    const bullet = /^[-*]\s+(.*)$/.exec(line);
    const numbered = /^\d{1,3}[.)]\s+(.*)$/.exec(line);
    if (line === '') {
      flushParagraph();
      flushList();
    } else if (heading) {
      flushParagraph();
      flushList();
      const level = (heading[1] as string).length + 1; // the page's own title is the h1
      blocks.push(`<h${level}>${inline(heading[2] as string)}</h${level}>`);
    } else if (bullet || numbered) {
      flushParagraph();
      const ordered = Boolean(numbered);
      if (list && list.ordered !== ordered) flushList();
      list ??= { ordered, items: [] };
      list.items.push(((bullet ?? numbered) as RegExpExecArray)[1] as string);
    } else if (list) {
      // A continuation line belongs to the last item.
      list.items[list.items.length - 1] += ` ${line}`;
    } else {
      paragraph.push(line);
    }
  }
  flushParagraph();
  flushList();
  return blocks.join('\n');
}

const safeLink = /^(https?:\/\/|mailto:)/i;

/** Inline markup on escaped text: code spans first (their content stays literal), then links, then emphasis. */
function inline(text: string): string {
  return escapeHtml(text)
    .split(/(`[^`]+`)/)
    .map((part) =>
      part.length > 1 && part.startsWith('`') && part.endsWith('`') ? `<code>${part.slice(1, -1)}</code>` : links(part),
    )
    .join('');
}

/** Links become anchors (safe schemes only); emphasis applies to their labels and the text between, never to URLs. */
function links(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(/\[([^\]]+)\]\(([^)\s]+)\)/g)) {
    const [whole, label, url] = match as unknown as [string, string, string];
    out += emphasis(text.slice(last, match.index));
    out += safeLink.test(url) ? `<a href="${url}" rel="noopener noreferrer nofollow">${emphasis(label)}</a>` : emphasis(whole);
    last = match.index + whole.length;
  }
  return out + emphasis(text.slice(last));
}

const emphasis = (text: string) =>
  text
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*([^*\s][^*]*)\*(?!\w)/g, '$1<em>$2</em>')
    .replace(/(^|[^_\w])_([^_\s][^_]*)_(?!\w)/g, '$1<em>$2</em>');
