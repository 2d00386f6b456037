import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw } from '../../../functions/core/security/html';

/** The two replacements escapeHtml made on every string before it first tested whether any was needed. */
const reference = (text: string) =>
  text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

describe('escapeHtml', () => {
  const samples = [
    '',
    'plain words',
    '12 Jun 2026, 09:30',
    'https://example.org/s/demo?lang=pl',
    'Tom & Jerry <script>alert("x")</script>',
    "it's",
    'bell\u0007 and NUL\u0000 and ESC\u001b and C1\u0085',
    'tab\tand\nnewline\rkept',
    'زيارة المتحف — Wycieczka 🚌',
  ];

  it('escapes exactly as the two replacements did, and returns clean text unchanged', () => {
    for (const text of samples) expect(escapeHtml(text), JSON.stringify(text)).toBe(reference(text));
    // The test regex keeps no state between calls (no `g` flag): the same dirty text twice, twice escaped.
    expect(escapeHtml('<b>')).toBe('&lt;b&gt;');
    expect(escapeHtml('<b>')).toBe('&lt;b&gt;');
  });

  it('builds templates with every interpolation escaped unless it is Html', () => {
    const caption = 'A & B <i>';
    expect(html`<p title="${caption}">${caption}${raw('<br>')}${[1, ' ', undefined, false, null]}</p>`.value).toBe(
      '<p title="A &amp; B &lt;i&gt;">A &amp; B &lt;i&gt;<br>1 </p>',
    );
    expect(html`${'x'}`.value).toBe('x');
    expect(html`only text`.value).toBe('only text');
  });
});
