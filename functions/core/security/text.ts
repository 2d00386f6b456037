/**
 * People's text arrives from phones, spreadsheets and pasted documents carrying characters nobody can
 * see: NUL and ESC (which end up raw in pages and feeds), carriage returns (which split an e-mail header
 * on a mailer that does not encode it), C1 controls, and letters decomposed differently on each phone
 * (`ä` as one code point or as `a` + a combining mark, so `#tägé` would be two tags). Every piece of
 * user text is cleaned once, where it enters (the API's JSON and forms); renderers and mailers also make
 * their one-line texts (subjects, titles) with `oneLine`, so older stored text is safe too.
 */

/** C0 controls but tab and line feed, DEL, and C1 controls. */
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
/** Every way of ending a line: CRLF, CR, LF, NEL, and Unicode's line and paragraph separators. */
const LINE_BREAKS = /\r\n|[\r\n\u0085\u2028\u2029]/g;

/** One user text, NFC-normalised, line breaks as `\n`, no control characters but tab and line feed. */
export function cleanText(text: string): string {
  return text.normalize('NFC').replace(LINE_BREAKS, '\n').replace(CONTROLS, '');
}

/** A text that must stay on one line (a header, a title): line breaks and tabs become single spaces. */
export function oneLine(text: string): string {
  return cleanText(text)
    .replace(/[\n\t]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * A whole document (a roster CSV): NFC and no stray controls, but its own line endings and tabs are
 * kept, since they are its structure.
 */
export function cleanDocument(text: string): string {
  return text.normalize('NFC').replace(CONTROLS, '');
}

/** `cleanText` applied to every string in a parsed JSON or form body (keys too). */
export function cleanDeep<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (Array.isArray(value)) return value.map(cleanDeep) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [cleanText(k), cleanDeep(v)])) as T;
  }
  return value;
}
