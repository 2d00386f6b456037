import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../functions/core/guidelines/markdown';

/** The only markup the renderer may produce: these tags, and `href` + fixed `rel` on links to safe schemes. */
const allowedTag =
  /^<(\/?(h2|h3|h4|p|ul|ol|li|strong|em|code)|\/a|a href="(https?:\/\/|mailto:)[^"<>]*" rel="noopener noreferrer nofollow")>$/i;

const tagsIn = (html: string) => html.match(/<[^>]*>/g) ?? [];

describe('guidelines Markdown', () => {
  it('renders the constructs schools use', () => {
    const html = renderMarkdown(
      [
        '# Our guidelines',
        '',
        'Share **pupils’ work**, not *faces*. See [the policy](https://school.example/policy?a=1&b=2).',
        '',
        '- first names only',
        '- check `consent`',
        '  before posting',
        '',
        '1. write',
        '2. check',
      ].join('\n'),
    );
    expect(html).toBe(
      [
        '<h2>Our guidelines</h2>',
        '<p>Share <strong>pupils’ work</strong>, not <em>faces</em>. See <a href="https://school.example/policy?a=1&amp;b=2" rel="noopener noreferrer nofollow">the policy</a>.</p>',
        '<ul><li>first names only</li><li>check <code>consent</code> before posting</li></ul>',
        '<ol><li>write</li><li>check</li></ol>',
      ].join('\n'),
    );
  });

  it('never lets HTML, scripts, event handlers or unsafe links through', () => {
    const attacks = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '[click](javascript:alert(1))',
      '[click](JaVaScRiPt:alert(1))',
      '[x](data:text/html,<script>alert(1)</script>)',
      '[x](https://a.example/" onmouseover="alert(1))',
      '**<b onclick=x>bold</b>**',
      '`<script>`',
      '# <iframe src=//evil>',
    ];
    for (const attack of attacks) {
      const html = renderMarkdown(attack);
      for (const tag of tagsIn(html)) expect(tag, attack).toMatch(allowedTag);
      expect(html.toLowerCase(), attack).not.toMatch(/href="(javascript|data):/);
    }
    expect(renderMarkdown('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    // Emphasis never reaches into a URL.
    expect(renderMarkdown('[**a**](https://x.example/**y**_z_)')).toBe(
      '<p><a href="https://x.example/**y**_z_" rel="noopener noreferrer nofollow"><strong>a</strong></a></p>',
    );
  });

  it('whatever an admin types, only the allowed markup comes out', () => {
    const pieces = fc.constantFrom(
      '<',
      '>',
      '"',
      "'",
      '&',
      '*',
      '_',
      '`',
      '[',
      ']',
      '(',
      ')',
      '#',
      '-',
      '1.',
      '\n',
      ' ',
      'a',
      'javascript:',
      'https://x',
      'on',
      '=',
      'script',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string({ maxLength: 4 })), { maxLength: 60 }), (parts) => {
        const html = renderMarkdown(parts.join(''));
        for (const tag of tagsIn(html)) expect(tag).toMatch(allowedTag);
        for (const [, href] of html.matchAll(/href="([^"]*)"/g)) expect(href).not.toMatch(/[<>]/);
        // Every `<` in the output starts an allowed tag: no stray markup can hide inside text.
        expect(html.split('<').length - 1).toBe(tagsIn(html).length);
      }),
      { numRuns: 500 },
    );
  });
});
