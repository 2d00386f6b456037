/**
 * Captions are plain text written on a phone. Hashtags become tag feeds; links become clickable.
 * Both are found here, once, so the feeds, pages and widget agree on them.
 */

/**
 * `#word` preceded by start or whitespace; letters (any script, with their combining marks: Devanagari's
 * vowel signs, a decomposed `ä`), digits and underscores.
 */
const TAG_PATTERN = /(^|\s)#([\p{L}\p{M}\p{N}_]{1,50})/gu;

/** A tag as it is stored, linked and named in keys: lower case, NFC (one spelling of `tägé` per tag). */
const normaliseTag = (tag: string) => tag.toLowerCase().normalize('NFC');

/** The caption's distinct tags, normalised, in order of first use. */
export function extractTags(caption: string): string[] {
  return [...new Set([...caption.matchAll(TAG_PATTERN)].map((m) => normaliseTag(m[2] ?? '')))];
}

/** A caption split into text, link and tag pieces, for renderers that must escape each piece. */
export type CaptionPiece =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'tag'; text: string; tag: string };

// Only http(s) links: a caption must never produce a javascript: or data: URL.
const LINK_OR_TAG = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'])|((?:^|(?<=\s))#[\p{L}\p{M}\p{N}_]{1,50})/gu;

/** Splits a caption into pieces; concatenating their texts gives back the caption. */
export function captionPieces(caption: string): CaptionPiece[] {
  const pieces: CaptionPiece[] = [];
  let last = 0;
  for (const match of caption.matchAll(LINK_OR_TAG)) {
    const index = match.index ?? 0;
    if (index > last) pieces.push({ kind: 'text', text: caption.slice(last, index) });
    const [text] = match;
    if (match[1]) pieces.push({ kind: 'link', text, href: text });
    else pieces.push({ kind: 'tag', text, tag: normaliseTag(text.slice(1)) });
    last = index + text.length;
  }
  if (last < caption.length) pieces.push({ kind: 'text', text: caption.slice(last) });
  return pieces;
}
