import { describe, expect, it } from 'vitest';
import { defaultPreferences } from '../../../functions/core/families/preferences';
import { eveningByEmail } from '../../../functions/core/notify/policy';

describe('which families get the evening e-mail', () => {
  const prefs = defaultPreferences();

  it('a family without a phone chose e-mail', () => {
    expect(eveningByEmail(prefs, 0)).toBe(true);
  });

  it('a family whose phone takes the evening message is push-first: no evening e-mail unless it asked', () => {
    expect(eveningByEmail(prefs, 1)).toBe(false);
    expect(eveningByEmail(prefs, 2)).toBe(false);
    expect(eveningByEmail({ ...prefs, digestEmailToo: true }, 1)).toBe(true);
  });

  it('a family whose phone takes every post, or nothing, gets its evening message by e-mail', () => {
    expect(eveningByEmail({ ...prefs, push: 'instant' }, 1)).toBe(true);
    expect(eveningByEmail({ ...prefs, push: 'off' }, 1)).toBe(true);
  });

  it('families stored before the choice existed read as "not asked"', () => {
    expect(defaultPreferences().digestEmailToo).toBe(false);
  });
});
