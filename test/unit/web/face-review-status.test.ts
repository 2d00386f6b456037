import { describe, expect, it } from 'vitest';
import type { MediaView, PostView } from '../../../web/compose/api';
import { describe as statusOf, waitsForFaces } from '../../../web/compose/status';

/** The composer's words for a draft under face review (web/compose/status.ts), from the API's states. */
const draft = (...media: Partial<MediaView>[]): PostView => ({
  id: 'p1',
  state: 'draft',
  audience: ['public'],
  caption: '',
  status: '',
  url: undefined,
  failure: undefined,
  createdAt: '2026-12-07T05:00:00Z',
  publishedAt: undefined,
  retractedAt: undefined,
  publishAt: undefined,
  tags: [],
  sentBack: undefined,
  pendingChange: undefined,
  live: false,
  gone: false,
  goneAfterMs: undefined,
  media: media.map((m, i) => ({
    id: `m${i}`,
    state: 'ready',
    status: '',
    kind: 'image',
    progress: undefined,
    failure: undefined,
    width: undefined,
    height: undefined,
    durationSeconds: undefined,
    faceChoice: undefined,
    faces: undefined,
    faceReview: undefined,
    faceBlurReason: undefined,
    ...m,
  })),
});

describe('a draft under face review, in words', () => {
  it('uploading, then looking for faces, then waiting for the teacher; the review shows only then', () => {
    const steps = [
      draft({ faceReview: true, state: 'awaiting_upload' }),
      draft({ faceReview: true, state: 'processing' }),
      draft({ faceReview: true, faces: [{ x: 0.1, y: 0.1, w: 0.1, h: 0.1, blur: false }] }),
    ];
    expect(steps.map((p) => [statusOf(p).label, statusOf(p).final, waitsForFaces(p)])).toEqual([
      ['Uploading…', false, false],
      ['Looking for faces in your photos…', false, false],
      ['Not sent yet: check the faces, then send', true, true],
    ]);
  });

  it('a refused file ends it in words, and no review is offered', () => {
    const post = draft(
      { faceReview: true },
      {
        state: 'failed',
        failure: { code: 'damaged', message: 'This file is damaged — please take the photo or recording again.' },
      },
    );
    expect(statusOf(post)).toMatchObject({
      label: 'Not published: This file is damaged — please take the photo or recording again.',
      tone: 'problem',
      final: true,
    });
    expect(waitsForFaces(post)).toBe(false);
  });

  it('a plain draft stays a draft', () => {
    expect(statusOf(draft({}))).toMatchObject({ label: 'Draft', final: true });
    expect(waitsForFaces(draft({}))).toBe(false);
  });
});
