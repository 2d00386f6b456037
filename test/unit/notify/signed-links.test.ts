import { describe, expect, it } from 'vitest';
import {
  CONFIRM_LINK_TTL_S,
  keyedDigest,
  MANAGE_LINK_TTL_S,
  parentLinks,
  signLink,
  verifyLink,
} from '../../../functions/core/messaging/signed-links';

/** Links that act without a login: signed claims the server stores nothing for (pure, no emulator). */
const key = 'k'.repeat(43);
const now = new Date('2026-06-10T09:00:00Z');
const family = { id: 'fam1', linkGeneration: 2 };
const seconds = (s: number) => new Date(now.getTime() + s * 1000);

describe('signed family links', () => {
  it('a genuine manage link carries its family and generation, and works until it expires (30 days)', () => {
    const token = parentLinks.manageToken(key, family, now);
    expect(verifyLink(key, token, now)).toEqual({ p: 'manage', f: 'fam1', n: 2, x: expect.any(Number) });
    expect(verifyLink(key, token, seconds(MANAGE_LINK_TTL_S - 1))).toBeDefined();
    expect(verifyLink(key, token, seconds(MANAGE_LINK_TTL_S + 1))).toBeUndefined();
    // The join page proves the holder another way (the phone is already the family's): any age will do.
    expect(verifyLink(key, token, seconds(MANAGE_LINK_TTL_S + 1), { anyAge: true })).toMatchObject({ f: 'fam1' });
  });

  it('an edited claim, a wrong key, a truncated or padded token are refused', () => {
    const token = parentLinks.manageToken(key, family, now);
    const [payload, mac] = token.split('.');
    const edited = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()), f: 'fam2' }),
    ).toString('base64url');
    expect(verifyLink(key, `${edited}.${mac}`, now)).toBeUndefined();
    expect(verifyLink('x'.repeat(43), token, now)).toBeUndefined();
    expect(verifyLink(key, `${payload}.${mac?.slice(0, -2)}`, now)).toBeUndefined();
    expect(verifyLink(key, `${token}.extra`, now)).toBeUndefined();
    expect(verifyLink(key, payload ?? '', now)).toBeUndefined();
  });

  it('a well-signed token whose claim is not one of ours is refused', () => {
    expect(verifyLink(key, signLink(key, { p: 'manage', f: 'fam1', n: -1, x: 9e9 }), now)).toBeUndefined();
  });

  it('unsubscribe links never expire; confirmation links last a week', () => {
    const unsubscribe = parentLinks.unsubscribe('https://c.example', key, 'fam1', 'r1').split('/').at(-1) ?? '';
    expect(verifyLink(key, unsubscribe, seconds(10 * 365 * 86_400))).toEqual({ p: 'unsubscribe', f: 'fam1', r: 'r1' });
    const confirm = parentLinks.confirm('https://c.example', key, { e: 'a@b.example', s: 'demo', c: 'year-1' }, now);
    const token = confirm.split('/').at(-1) ?? '';
    expect(verifyLink(key, token, seconds(CONFIRM_LINK_TTL_S - 1))).toMatchObject({ p: 'confirm', e: 'a@b.example' });
    expect(verifyLink(key, token, seconds(CONFIRM_LINK_TTL_S + 1))).toBeUndefined();
  });

  it('a keyed digest is stable, depends on key and purpose, and does not contain the address', () => {
    const digest = keyedDigest(key, 'email', 'parent@example.org');
    expect(digest).toBe(keyedDigest(key, 'email', 'parent@example.org'));
    expect(digest).not.toBe(keyedDigest(key, 'phone', 'parent@example.org'));
    expect(digest).not.toBe(keyedDigest('y'.repeat(43), 'email', 'parent@example.org'));
    expect(digest).not.toContain('parent');
  });
});
