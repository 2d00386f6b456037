import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isJoinToken, joinPath, joinToken, parseJoinLink } from '../../../functions/core/schools/join-link';

const KEY = 'a-link-signing-key-for-tests';
const at = (joinGeneration: number) => ({ id: 'year-1', joinGeneration });

describe('join tokens and their generation', () => {
  it('generation 0 is the token links carried before they could be rotated, so printed QR codes keep working', () => {
    // The pre-rotation formula, recomputed here rather than through the module: HMAC-SHA256 of "join\0school/class", 18 bytes.
    const printed = createHmac('sha256', KEY).update('join\0demo/year-1').digest().subarray(0, 18).toString('base64url');
    expect(joinToken(KEY, 'demo', at(0))).toBe(printed);
    expect(joinPath(KEY, 'demo', at(0))).toBe(`/join/demo/year-1/${printed}`);
  });

  it('each rotation gives a new token, and only the current generation is accepted', () => {
    const tokens = [0, 1, 2, 3].map((g) => joinToken(KEY, 'demo', at(g)));
    expect(new Set(tokens).size).toBe(tokens.length);
    for (const [current] of tokens.entries()) {
      expect(tokens.map((token) => isJoinToken(KEY, 'demo', at(current), token))).toEqual(tokens.map((_, g) => g === current));
    }
    expect(isJoinToken(KEY, 'demo', at(0), '')).toBe(false);
  });

  it('a rotated link still parses as a join link (the page can then answer "no longer valid")', () => {
    const path = joinPath(KEY, 'demo', at(5));
    expect(parseJoinLink(`https://corridor.example${path}`)).toEqual({
      schoolId: 'demo',
      classId: 'year-1',
      token: joinToken(KEY, 'demo', at(5)),
    });
  });
});
