import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import { incomingKey } from '../../functions/aws/keys';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';

/**
 * The API the composer's face review stands on (issue 19, acceptance 2 and 3): a draft created with
 * `reviewFaces` is searched and kept clear with its original, its default follows the rules (the school's
 * setting here, pupils' consent below), and the submit's choices are checked against them — keeping a
 * face clear is a consent confirmation, refused without it where pupils lack consent, audited — before
 * the photo is rendered again as chosen. The browser side is test/browser/faces-composer.test.ts.
 */

const PHOTO = corpusPath('group_faces_stairs.jpg');

interface ErrorAnswer {
  error: { code: string; message: string; details?: string[] };
}
interface AuditAnswer {
  entries: { action: string; target: string; details: Record<string, unknown> }[];
}

let corridor: TestCorridor;
beforeAll(async () => {
  corridor = await startTestCorridor();
});
afterAll(() => corridor?.stop());

const getPost = async (id: string) => (await corridor.api<{ post: PostView }>('GET', `/api/posts/${id}`)).body.post;

/** Posts the group photo as a review draft and waits until its faces are found. */
async function reviewDraft(caption: string): Promise<PostView> {
  const created = await corridor.post({
    audience: 'public',
    caption,
    files: [{ path: PHOTO, alt: 'The choir on the stairs' }],
    extra: { draft: true, reviewFaces: true },
  });
  await expect.poll(async () => (await getPost(created.id)).media[0]?.state, { timeout: 300_000, interval: 1_000 }).toBe('ready');
  return getPost(created.id);
}

async function originalKept(post: PostView): Promise<boolean> {
  const { deps } = corridor.local;
  const key = incomingKey('demo', post.id, post.media[0]?.id ?? '');
  return deps.clients.s3.send(new HeadObjectCommand({ Bucket: deps.config.incomingBucket, Key: key })).then(
    () => true,
    (error: { name?: string }) => {
      if (error.name === 'NotFound') return false;
      throw error;
    },
  );
}

const consentEntries = async (postId: string) =>
  (await corridor.api<AuditAnswer>('GET', '/api/audit')).body.entries.filter(
    (e) => e.action === 'consent_confirmed' && e.target === postId,
  );

describe('the face review of a draft', () => {
  it('is for drafts only, said in words', async () => {
    const answer = await corridor.api<ErrorAnswer>('POST', '/api/posts', {
      idempotencyKey: crypto.randomUUID(),
      audience: 'public',
      media: [{ contentType: 'image/jpeg', bytes: 1000 }],
      reviewFaces: true,
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toContain('faces are chosen one by one in a draft only');
  });

  it('with the school blurring faces in public posts: faces start blurred, kept clear with the original until the submit; showing one is audited', async () => {
    expect((await corridor.api('PATCH', '/api/settings', { blurFacesInPublic: true })).status).toBe(200);
    try {
      const draft = await reviewDraft('Choir, the school blurs faces');
      const item = draft.media[0];
      expect(draft.state).toBe('draft');
      expect(item).toMatchObject({ faceReview: true, faceChoice: 'blur', faceBlurReason: 'setting' });
      const n = item?.faces?.length ?? 0;
      expect(n).toBeGreaterThanOrEqual(5);
      // Found, not yet blurred: the teacher sees the picture as it is and chooses.
      expect(item?.faces?.every((f) => !f.blur)).toBe(true);
      expect(await originalKept(draft)).toBe(true);

      const wrongCount = await corridor.api<ErrorAnswer>('POST', `/api/posts/${draft.id}/submit`, {
        faces: { [item?.id ?? '']: [true] },
      });
      expect(wrongCount.status).toBe(422);
      expect(wrongCount.body.error.message).toBe(`Photo 1 has ${n} faces; send one choice for each (1 were sent).`);
      expect((await getPost(draft.id)).state).toBe('draft');

      // The setting is the school's, not a pupil's consent: no confirmation is asked, but it is recorded.
      const flags = Array.from({ length: n }, (_, i) => i !== 0);
      const submitted = await corridor.api('POST', `/api/posts/${draft.id}/submit`, { faces: { [item?.id ?? '']: flags } });
      expect(submitted.status).toBe(200);
      await expect.poll(async () => (await getPost(draft.id)).state, { timeout: 300_000, interval: 1_000 }).toBe('published');
      const published = await getPost(draft.id);
      expect(published.media[0]?.faces?.map((f) => f.blur)).toEqual(flags);
      expect(published.media[0]?.faceReview).toBeUndefined();
      expect(await originalKept(published)).toBe(false);
      expect((await consentEntries(draft.id)).map((e) => e.details)).toEqual([
        {
          audience: ['public'],
          pupils: [],
          facesKept: 'faces kept clear in file 1 of 1',
          blurReason: 'the school blurs faces in public posts',
        },
      ]);
    } finally {
      await corridor.api('PATCH', '/api/settings', { blurFacesInPublic: false });
    }
  }, 600_000);

  it('with pupils lacking consent: keeping a face clear is refused without the confirmation; every face blurred needs none', async () => {
    const roster = ['Surname,Forename,Reg Group,Photo Consent', 'Lee,Sam,Year 2,None'].join('\r\n');
    const imported = await corridor.fetch('/api/consent/roster', {
      method: 'PUT',
      headers: { authorization: `Bearer ${corridor.token}`, 'content-type': 'text/csv' },
      body: roster,
    });
    expect(imported.status).toBe(200);
    const draft = await reviewDraft('Choir, Sam has no consent');
    const item = draft.media[0];
    expect(item).toMatchObject({ faceReview: true, faceChoice: 'blur', faceBlurReason: 'consent' });
    const n = item?.faces?.length ?? 0;

    const refused = await corridor.api<ErrorAnswer>('POST', `/api/posts/${draft.id}/submit`, {
      faces: { [item?.id ?? '']: Array.from({ length: n }, (_, i) => i !== 2) },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('consent_required');
    expect(refused.body.error.details).toEqual(['Sam Lee (Year 2, no photos)']);
    // Nothing moved: still a draft under review, nothing recorded.
    expect((await getPost(draft.id)).media[0]?.faceReview).toBe(true);
    expect(await consentEntries(draft.id)).toEqual([]);

    // No choice sent: the default (every face blurred, as the rules say) goes out without a confirmation.
    expect((await corridor.api('POST', `/api/posts/${draft.id}/submit`, {})).status).toBe(200);
    await expect.poll(async () => (await getPost(draft.id)).state, { timeout: 300_000, interval: 1_000 }).toBe('published');
    expect((await getPost(draft.id)).media[0]?.faces?.every((f) => f.blur)).toBe(true);
    expect(await consentEntries(draft.id)).toEqual([]);
  }, 600_000);
});
