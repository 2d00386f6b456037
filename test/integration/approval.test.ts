import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../functions/core/auth/tokens';
import { putSchool } from '../../functions/core/schools/school';
import { putTrust } from '../../functions/core/schools/trust';
import { DEMO_SCHOOL } from '../../functions/local/seed';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { sentTo } from '../helpers/mailbox';
import { type StaffBrowser, signInAsNewStaff } from '../helpers/staff';

let corridor: TestCorridor;
let staffToken: string;
let teacher: StaffBrowser;
beforeAll(async () => {
  corridor = await startTestCorridor();
  await putTrust(corridor.local.deps, { id: 'north', name: 'North Trust' });
  await putSchool(corridor.local.deps, { ...DEMO_SCHOOL, wallTrustId: 'north' });
  ({ token: staffToken } = await createToken(corridor.local.deps, { schoolId: 'demo', role: 'staff', label: 'Year 2 iPad' }));
  await signInAsNewStaff(corridor, 'head@school.example', 'admin');
  teacher = await signInAsNewStaff(corridor, 'teacher@school.example', 'staff');
  expect((await corridor.api('PATCH', '/api/settings', { requiresApproval: true })).status).toBe(200);
});
afterAll(() => corridor?.stop());

const photo = { path: corpusPath('png_exif_gps_1x1.png'), contentType: 'image/png', alt: 'a sunflower' };

interface PostAnswer {
  post: { id: string; state: string; sentBack?: { reason: string; by: string } };
}

/** Every place a post could show, public and private, with the text each answers (or its status). */
async function everyChannel(postId: string, tag: string): Promise<Record<string, string>> {
  const { body } = await corridor.api<{ channels: { id: string; pageUrl: string; rssUrl: string; jsonFeedUrl: string }[] }>(
    'GET',
    '/api/schools/me/channels',
  );
  const privateUrls = body.channels.flatMap((c) => [c.pageUrl, c.rssUrl, c.jsonFeedUrl]).map((u) => new URL(u).pathname);
  const paths = [
    '/s/demo',
    '/s/demo/feed.json',
    '/s/demo/rss.xml',
    `/s/demo/t/${tag}`,
    `/s/demo/t/${tag}/feed.json`,
    `/s/demo/t/${tag}/rss.xml`,
    `/p/${postId}`,
    `/api/oembed?url=${encodeURIComponent(`${corridor.url}/p/${postId}`)}`,
    '/w/north',
    '/w/north/feed.json',
    '/w/north/rss.xml',
    ...privateUrls,
  ];
  expect(privateUrls.length).toBeGreaterThanOrEqual(3 * 4); // families + three classes
  const answers: Record<string, string> = {};
  for (const path of paths) {
    const response = await corridor.fetch(path);
    answers[path] = response.ok ? await response.text() : `HTTP ${response.status}`;
  }
  return answers;
}

const shows = (answer: string, marker: string, postId: string) => answer.includes(marker) || answer.includes(postId);

describe('approval of staff posts', () => {
  it('a staff post is invisible in every channel until an admin approves it, then appears in each', async () => {
    // An admin's post goes straight out, even with approval on.
    const admins = await corridor.post({ audience: 'public', caption: 'Zebracrossing mural #approvaltest', files: [photo] });
    expect(admins.state).toBe('published');
    const staffPost = await corridor.post({
      audience: 'public',
      caption: 'Quokkasketch by Year 2 #approvaltest',
      files: [photo],
      token: staffToken,
    });
    const postId = staffPost.id;
    const pending = await corridor.api<PostAnswer>('GET', `/api/posts/${postId}`, undefined, staffToken);
    expect(pending.body.post.state).toBe('pending_approval');

    const before = await everyChannel(postId, 'approvaltest');
    // The admin's earlier post is there (so each channel exists and is readable)…
    expect(Object.values(before).filter((a) => a.includes('Zebracrossing')).length).toBeGreaterThanOrEqual(10);
    // …and the staff post is in none of them.
    for (const [path, answer] of Object.entries(before)) expect(shows(answer, 'Quokkasketch', postId), path).toBe(false);
    expect(before[`/p/${postId}`]).toBe('HTTP 404');
    expect(before[`/api/oembed?url=${encodeURIComponent(`${corridor.url}/p/${postId}`)}`]).toBe('HTTP 404');

    // The admin's queue shows it with its processed picture; staff cannot see the queue or approve.
    const queue = await corridor.api<{ posts: { id: string; author: string; preview: { outputs: { url: string }[] }[] }[] }>(
      'GET',
      '/api/approvals',
    );
    const queued = queue.body.posts.find((p) => p.id === postId);
    expect(queued?.author).toBe('Year 2 iPad');
    const previewUrl = queued?.preview[0]?.outputs[0]?.url ?? '';
    expect((await fetch(previewUrl)).status).toBe(200);
    expect((await corridor.api('POST', `/api/approvals/${postId}/approve`, undefined, staffToken)).status).toBe(403);
    expect((await teacher.api('POST', `/api/approvals/${postId}/approve`)).status).toBe(403);

    expect((await corridor.api('POST', `/api/approvals/${postId}/approve`)).status).toBe(200);
    await corridor.local.idle();
    const after = await everyChannel(postId, 'approvaltest');
    for (const [path, answer] of Object.entries(after)) {
      expect(shows(answer, 'Quokkasketch', postId), path).toBe(true);
    }
    const approvedAgain = await corridor.api('POST', `/api/approvals/${postId}/approve`);
    expect(approvedAgain.status).toBe(409);
    const log = await corridor.api<{ entries: { action: string; target: string; actor: string }[] }>('GET', '/api/audit');
    expect(log.body.entries).toContainEqual(
      expect.objectContaining({ action: 'post_approved', target: postId, actor: 'demo admin' }),
    );
  });

  it('admins hear of a waiting post by email; a post sent back returns to its author with the reason', async () => {
    const created = await teacher.api<PostAnswer>('POST', '/api/posts', {
      idempotencyKey: crypto.randomUUID(),
      audience: 'class:year-2',
      caption: 'Trip photos with names',
    });
    expect(created.status).toBe(201);
    await corridor.local.idle();
    const postId = created.body.post.id;
    expect((await teacher.api<PostAnswer>('GET', `/api/posts/${postId}`)).body.post.state).toBe('pending_approval');
    const notices = (await sentTo(corridor, 'head@school.example')).filter((e) => e.subject.includes('waits for your approval'));
    expect(notices.map((e) => e.body.text)).toContainEqual(
      expect.stringContaining('teacher@school.example posted “Trip photos with names” to class:year-2'),
    );

    const missingReason = await corridor.api('POST', `/api/approvals/${postId}/send-back`, { reason: '  ' });
    expect(missingReason.status).toBe(400);
    const reason = 'Please remove the surnames from the caption.';
    expect((await corridor.api('POST', `/api/approvals/${postId}/send-back`, { reason })).status).toBe(200);
    const back = await teacher.api<PostAnswer>('GET', `/api/posts/${postId}`);
    expect(back.body.post.state).toBe('draft');
    expect(back.body.post.sentBack).toMatchObject({ reason, by: 'demo admin' });
    const [told] = (await sentTo(corridor, 'teacher@school.example')).filter((e) => e.subject.includes('sent back'));
    expect(told?.body.text).toContain(reason);
    const queue = await corridor.api<{ posts: { id: string }[] }>('GET', '/api/approvals');
    expect(queue.body.posts.map((p) => p.id)).not.toContain(postId);

    // Put right and sent again, it waits for approval once more.
    expect((await teacher.api('PATCH', `/api/posts/${postId}`, { caption: 'Trip photos' })).status).toBe(200);
    expect((await teacher.api('POST', `/api/posts/${postId}/submit`)).status).toBe(200);
    await corridor.local.idle();
    expect((await teacher.api<PostAnswer>('GET', `/api/posts/${postId}`)).body.post.state).toBe('pending_approval');
    const again = await corridor.api<{ posts: { id: string }[] }>('GET', '/api/approvals');
    expect(again.body.posts.map((p) => p.id)).toContain(postId);
  });

  it('only admins change the setting, and with it off staff posts go straight out', async () => {
    expect((await teacher.api('PATCH', '/api/settings', { requiresApproval: false })).status).toBe(403);
    expect((await corridor.api('PATCH', '/api/settings', { requiresApproval: 'yes' })).status).toBe(400);
    expect((await corridor.api('PATCH', '/api/settings', { requiresApproval: false })).status).toBe(200);
    const created = await teacher.api<PostAnswer>('POST', '/api/posts', {
      idempotencyKey: crypto.randomUUID(),
      audience: 'public',
      caption: 'No waiting now',
    });
    await corridor.local.idle();
    expect((await teacher.api<PostAnswer>('GET', `/api/posts/${created.body.post.id}`)).body.post.state).toBe('published');
  });
});
