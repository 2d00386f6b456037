import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDay, formatShortDate, t, tHtml } from '../../../functions/core/i18n/messages';
import { raw } from '../../../functions/core/security/html';

/**
 * Messages are formatted once when they take no values, and formatters are kept by a short key: both only
 * save work, so plain text and HTML of the same message must stay apart, and values must still be escaped.
 */
describe('messages', () => {
  it('keeps plain text and HTML of a message without values apart, however often asked', () => {
    for (let i = 0; i < 2; i++) {
      expect(t('en-GB', 'safety.approvePhone')).toBe('Add a new phone to the notifications your family gets from school?');
      expect(tHtml('en-GB', 'safety.approvePhone').value).toBe(
        'Add <strong>a new phone</strong> to the notifications your family gets from school?',
      );
    }
    expect(t('pl', 'site.noPosts')).not.toBe(t('en-GB', 'site.noPosts'));
  });

  it('escapes string values in HTML only, and keeps Html values as they are', () => {
    expect(tHtml('en-GB', 'site.postFrom', { date: 'a <b> & c' }).value).toBe('Post from a &lt;b&gt; &amp; c');
    expect(tHtml('en-GB', 'site.postFrom', { date: raw('<time>x</time>') }).value).toBe('Post from <time>x</time>');
    expect(t('en-GB', 'site.postFrom', { date: 'a <b>' })).toBe('Post from a <b>');
  });

  it('writes moments in the language and on the school clock asked for', () => {
    const iso = '2026-06-10T08:05:00Z';
    expect(formatDateTime('en-GB', iso, 'Europe/London')).toBe('10 Jun 2026, 09:05');
    expect(formatDateTime('en-GB', iso, 'UTC')).toBe('10 Jun 2026, 08:05');
    expect(formatShortDate('en-GB', iso, 'Europe/London')).toBe('10 Jun 2026');
    expect(formatDay('en-GB', '2026-06-10')).toBe('Wednesday 10 June');
    expect(formatDay('pl', '2026-06-10')).not.toBe(formatDay('en-GB', '2026-06-10'));
  });
});
