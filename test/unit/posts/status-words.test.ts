import { describe, expect, it } from 'vitest';
import type { MediaItem } from '../../../functions/core/media/item';
import type { Post } from '../../../functions/core/posts/post';
import { mediaStatusWords, postStatusWords } from '../../../functions/core/posts/status-words';

/** `corridor status` and the API say what is happening in words, never just a state name. */

const post = (fields: Partial<Post>): Post => ({
  id: 'p1',
  schoolId: 'demo',
  audience: ['public'],
  caption: '',
  state: 'processing',
  mediaIds: [],
  createdAt: '2026-06-10T09:00:00Z',
  updatedAt: '2026-06-10T09:00:00Z',
  tags: [],
  version: 0,
  renderedVersion: 0,
  renderedChannels: [],
  createdBy: 'head',
  authorRole: 'admin',
  urgent: false,
  ...fields,
});

const file = (fields: Partial<MediaItem>): MediaItem => ({
  id: 'm1',
  postId: 'p1',
  schoolId: 'demo',
  index: 0,
  alt: '',
  declaredType: 'image/jpeg',
  declaredBytes: 1000,
  state: 'awaiting_upload',
  outputs: [],
  attempts: 0,
  createdAt: '2026-06-10T09:00:00Z',
  ...fields,
});

describe('status in words', () => {
  it('says what a processing post waits for, file by file', () => {
    expect(postStatusWords(post({}), [file({})])).toBe('Waiting for the upload');
    expect(
      postStatusWords(post({}), [
        file({ state: 'ready' }),
        file({ id: 'm2', declaredType: 'video/quicktime', state: 'processing', progress: 40 }),
      ]),
    ).toBe('File 2 of 2: Making the 720p video — 40 %');
    expect(mediaStatusWords(file({ declaredType: 'audio/mp4', state: 'processing', progress: 12.4 }))).toBe(
      'Preparing the recording — 12 %',
    );
    expect(mediaStatusWords(file({ uploadId: 'u', parts: { 1: 'e1', 2: 'e2' } }))).toBe('Uploading: 2 parts arrived');
    expect(postStatusWords(post({}), [file({ state: 'ready' })])).toBe('Processed, publishing');
  });

  it('gives the reason of a failure, and says when a post is live or gone everywhere', () => {
    const failure = { code: 'damaged', message: 'This file is damaged — please take the photo or recording again.' };
    expect(postStatusWords(post({ state: 'failed', failure }), [])).toBe(`Failed: ${failure.message}`);
    expect(postStatusWords(post({ state: 'published', version: 1, renderedVersion: 0 }), [])).toBe('Publishing to every channel');
    expect(postStatusWords(post({ state: 'published', version: 1, renderedVersion: 1 }), [])).toBe('Published on every channel');
    expect(postStatusWords(post({ state: 'retracted', version: 2, renderedVersion: 2 }), [])).toBe(
      'Retracted: gone from every channel',
    );
    expect(postStatusWords(post({ state: 'pending_approval' }), [])).toBe('Waiting for an admin to approve it');
  });
});
