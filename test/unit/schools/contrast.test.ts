import { describe, expect, it } from 'vitest';
import { contrastRatio, judgeAccent, ratioWords, relativeLuminance } from '../../../functions/core/schools/look/contrast';
import { accentSchema, welcomeSchema } from '../../../functions/core/schools/look/look';

/** The WCAG 2.x contrast rule a school's accent colour must pass (functions/core/schools/look/contrast.ts). */
describe('the accent colour’s contrast rule', () => {
  it('computes WCAG relative luminance and ratios at the known anchors', () => {
    expect(relativeLuminance('#000000')).toBe(0);
    expect(relativeLuminance('#ffffff')).toBe(1);
    expect(contrastRatio('#000000', '#ffffff')).toBe(21);
    expect(contrastRatio('#ffffff', '#000000')).toBe(21);
    expect(contrastRatio('#1d5fa8', '#1d5fa8')).toBe(1);
    // WebAIM's checker: #767676 on white is 4.54:1, the lightest grey that passes AA; #777777 is 4.48:1.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it('passes at 4.5:1 and refuses just under it, never rounding a failure up to 4.5', () => {
    expect(judgeAccent('#767676')).toMatchObject({ ok: true });
    const grey = judgeAccent('#777777');
    expect(grey.ok).toBe(false);
    expect(grey.words).toContain('its contrast with white is 4.4:1, and WCAG AA asks at least 4.5:1');
    expect(ratioWords(4.4999)).toBe('4.4:1');
  });

  it('says in words why a colour is refused, and why one passes', () => {
    expect(judgeAccent('#FFCC00')).toEqual({
      ok: false,
      ratio: expect.closeTo(1.51, 2),
      words:
        '#FFCC00 is too light to read: its contrast with white is 1.5:1, and WCAG AA asks at least 4.5:1 (for white text on it, and for it as text on the white page). Choose a darker shade.',
    });
    expect(judgeAccent('#7a1f5c').words).toBe('#7a1f5c reads well: contrast 9.6:1 with white (WCAG AA asks 4.5:1).');
    for (const bad of ['blue', '#fff', '#12345g', '1d5fa8', '#1d5fa8; color:red']) {
      const verdict = judgeAccent(bad);
      expect(verdict.ok, bad).toBe(false);
      expect(verdict.words, bad).toContain('is not a colour Corridor can use: write it as # and six hex digits');
    }
  });

  it('stores a passing accent lower-cased, and refuses with the verdict as the issue', () => {
    expect(accentSchema.parse(' #7A1F5C ')).toBe('#7a1f5c');
    const refused = accentSchema.safeParse('#ffcc00');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toContain('#ffcc00 is too light to read');
  });

  it('keeps a welcome line to one short line of plain text', () => {
    expect(welcomeSchema.parse('  Welcome to Oakfield!  ')).toBe('Welcome to Oakfield!');
    expect(welcomeSchema.safeParse('x'.repeat(141)).success).toBe(false);
    expect(welcomeSchema.safeParse('one\ntwo').success).toBe(false);
    expect(welcomeSchema.safeParse('<script>alert(1)</script>').success).toBe(false);
    // A "<" that starts no tag is plain text.
    expect(welcomeSchema.parse('Years 1 < 2 < 3, together')).toBe('Years 1 < 2 < 3, together');
  });
});
