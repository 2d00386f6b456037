import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVisible, nextState, type PostEvent } from '../../../functions/core/posts/lifecycle';
import { type Post, postSchema, postStates } from '../../../functions/core/posts/post';

/** The post state machine, as a table: what each event does in each state (pure, no emulator). */
const now = new Date('2026-06-10T09:00:00Z');
const post = (state: Post['state'], publishAt?: string): Post =>
  postSchema.parse({
    id: 'p1',
    schoolId: 'demo',
    audience: ['public'],
    caption: 'Beans',
    state,
    mediaIds: [],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    publishAt,
    version: 1,
    createdBy: 'teacher',
  });
const open = { now, needsApproval: false };
const strict = { now, needsApproval: true };
const later = '2026-06-10T15:30:00Z';

describe('the post lifecycle', () => {
  it('a submitted draft processes its files, then goes out, waits for approval or waits for its time', () => {
    expect(nextState(post('draft'), { kind: 'submit' }, open)).toBe('processing');
    expect(nextState(post('processing'), { kind: 'media_ready' }, open)).toBe('published');
    expect(nextState(post('processing'), { kind: 'media_ready' }, strict)).toBe('pending_approval');
    expect(nextState(post('processing', later), { kind: 'media_ready' }, open)).toBe('scheduled');
    expect(nextState(post('processing'), { kind: 'media_failed' }, open)).toBe('failed');
  });

  it('approval releases to published or scheduled; sending back returns it to the drafts', () => {
    expect(nextState(post('pending_approval'), { kind: 'approve' }, strict)).toBe('published');
    expect(nextState(post('pending_approval', later), { kind: 'approve' }, strict)).toBe('scheduled');
    expect(nextState(post('pending_approval'), { kind: 'send_back' }, strict)).toBe('draft');
  });

  it('a scheduled post goes out only once its time has come', () => {
    expect(nextState(post('scheduled', later), { kind: 'due' }, open)).toBe('scheduled');
    expect(nextState(post('scheduled', later), { kind: 'due' }, { ...open, now: new Date(later) })).toBe('published');
  });

  it('retract is total: every state but retracted goes to retracted, and nothing leaves retracted', () => {
    const events: PostEvent['kind'][] = ['submit', 'media_ready', 'media_failed', 'approve', 'send_back', 'due', 'retract'];
    for (const state of postStates) {
      const to = nextState(post(state), { kind: 'retract' }, open);
      expect(to).toBe(state === 'retracted' ? undefined : 'retracted');
    }
    for (const kind of events) expect(nextState(post('retracted'), { kind }, open)).toBeUndefined();
  });

  it('property: no event ever publishes a post that needs approval and has not been approved', () => {
    const kinds: PostEvent['kind'][] = ['submit', 'media_ready', 'media_failed', 'send_back', 'due', 'retract'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...kinds), { maxLength: 12 }), (sequence) => {
        let current = post('draft');
        for (const kind of sequence) {
          const to = nextState(current, { kind }, strict);
          if (to) current = { ...current, state: to };
          expect(isVisible(current.state)).toBe(false);
        }
      }),
    );
  });
});
