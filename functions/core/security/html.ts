/**
 * A tiny HTML builder where every interpolation is escaped unless it is already `Html`. Captions are
 * written by people and read by parents' browsers: escaping by default is the only safe default.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values, and drops control characters
 * (NUL, ESC, …) that no page should carry, even from text stored before the API cleaned it.
 */
export const escapeHtml = (text: string) =>
  // Most text (dates, URLs, words) needs neither step: one test instead of two replacements.
  needsEscaping.test(text)
    ? text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, '').replace(/[&<>"']/g, (c) => htmlEscapes[c] ?? c)
    : text;

/** Any character either step of `escapeHtml` changes (no `g` flag: `test` keeps no state between calls). */
const needsEscaping = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F&<>"']/;

type Interpolation = Html | string | number | undefined | null | false | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** Tagged template: `html\`<p>${caption}</p>\`` escapes `caption`. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i] as Interpolation) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Trusted markup (only for strings this codebase generated). */
export const raw = (markup: string) => new Html(markup);
