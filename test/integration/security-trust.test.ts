import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../functions/core/auth/tokens';
import { channel } from '../../functions/core/channels/channels';
import { addClass, getFamily, listFamilies } from '../../functions/core/families/family';
import { getPostWithMedia } from '../../functions/core/posts/store';
import { putSchool } from '../../functions/core/schools/school';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import {
  familyIdOf,
  type JoinLink,
  joinByEmail,
  joinLinks,
  sentEmails,
  submitForm,
  subscribePush,
  testClock,
} from '../helpers/parents';
import { type PushService, startPushService } from '../helpers/push-service';
import { listSiteKeys } from '../helpers/site-state';

/**
 * Issue 15's adversarial findings about trust, each reproduced against a real embedded Corridor (real
 * SDK on dynalite, s3rver and the SES emulator; a loopback push service that decrypts what it gets) and
 * shown refused: an approval bypass by editing, a forwarded e-mail's link taking over a family, one
 * school's erasure reaching into another, and media left live after an audience was narrowed.
 */

const clock = testClock('2026-05-04T09:00:00Z');
let corridor: TestCorridor;
let push: PushService;
let staffToken: string;
let otherAdmin: string;
let links: Record<string, JoinLink>;
const DAY_MS = 24 * 3600 * 1000;

beforeAll(async () => {
  push = await startPushService();
  corridor = await startTestCorridor({ now: clock.now, digestEveryMs: 0 });
  const deps = corridor.local.deps;
  ({ token: staffToken } = await createToken(deps, { schoolId: 'demo', role: 'staff', label: 'Year 1 iPad' }));
  await putSchool(deps, { id: 'other', name: 'Other School', classes: [{ id: 'owls', name: 'Owls' }] });
  ({ token: otherAdmin } = await createToken(deps, { schoolId: 'other', role: 'admin', label: 'other head' }));
  links = await joinLinks(corridor);
}, 60_000);
afterAll(async () => {
  await corridor?.stop();
  await push?.stop();
});

interface PostAnswer {
  post: { id: string; state: string; caption: string; audience: string[]; pendingChange?: { caption?: string } };
}
const getPost = async (id: string) => (await corridor.api<PostAnswer>('GET', `/api/posts/${id}`)).body.post;
const text = async (path: string) => {
  const response = await corridor.fetch(path);
  return response.ok ? await response.text() : `HTTP ${response.status}`;
};
/** Every public place a post could show. */
const publicOutputs = async (postId: string) =>
  (
    await Promise.all(['/s/demo', '/s/demo/feed.json', '/s/demo/rss.xml', '/embed/demo/feed.json', `/p/${postId}`].map(text))
  ).join('\n');

describe('approval bypass by editing', () => {
  beforeAll(async () => {
    expect((await corridor.api('PATCH', '/api/settings', { requiresApproval: true })).status).toBe(200);
  });
  afterAll(async () => {
    await corridor.api('PATCH', '/api/settings', { requiresApproval: false });
  });

  it('a staff edit of an approved class post to a new caption and `public` waits for approval; it never goes public unreviewed', async () => {
    const created = await corridor.post({ audience: 'class:year-1', caption: 'Year 1 painted leaves', token: staffToken });
    expect(created.state).toBe('pending_approval');
    expect((await corridor.api('POST', `/api/approvals/${created.id}/approve`)).status).toBe(200);
    await corridor.local.idle();
    expect((await getPost(created.id)).state).toBe('published');

    // The adversary's edit: a new caption and the whole world as audience.
    const edit = await corridor.api<PostAnswer>(
      'PATCH',
      `/api/posts/${created.id}`,
      { caption: 'Sneakyquokka went public', audience: 'public' },
      staffToken,
    );
    expect(edit.status).toBe(200);
    await corridor.local.idle();
    // The post stays as it was approved; the teacher sees her change waiting.
    expect(edit.body.post).toMatchObject({ caption: 'Year 1 painted leaves', audience: ['class:year-1'], state: 'published' });
    expect(edit.body.post.pendingChange).toMatchObject({ caption: 'Sneakyquokka went public', audience: ['public'] });
    const outside = await publicOutputs(created.id);
    expect(outside).not.toContain('Sneakyquokka');
    expect(outside).not.toContain(created.id);
    expect(await text(`/p/${created.id}`)).toBe('HTTP 404');

    // It is in the admin's queue as a change, with what it would become.
    const queue = await corridor.api<{ posts: { id: string; change: string; proposed?: { caption?: string } }[] }>(
      'GET',
      '/api/approvals',
    );
    expect(queue.body.posts.find((p) => p.id === created.id)).toMatchObject({
      change: 'edit',
      proposed: { caption: 'Sneakyquokka went public' },
    });

    // Sent back: dropped, the post unchanged, the author told; approved: out it goes.
    expect((await corridor.api('POST', `/api/approvals/${created.id}/send-back`, { reason: 'not public' })).status).toBe(200);
    expect((await getPost(created.id)).pendingChange).toBeUndefined();
    await corridor.api('PATCH', `/api/posts/${created.id}`, { caption: 'Leaves #autumn', audience: 'public' }, staffToken);
    expect(await publicOutputs(created.id)).not.toContain('Leaves #autumn');
    expect((await corridor.api('POST', `/api/approvals/${created.id}/approve`)).status).toBe(200);
    await corridor.local.idle();
    expect(await text('/s/demo/feed.json')).toContain('Leaves #autumn');
    expect(await getPost(created.id)).toMatchObject({ caption: 'Leaves #autumn', audience: ['public'] });

    const audit = await corridor.api<{ entries: { action: string; target: string; details: Record<string, unknown> }[] }>(
      'GET',
      '/api/audit',
    );
    const mine = audit.body.entries.filter((e) => e.target === created.id).map((e) => [e.action, e.details.change ?? '']);
    expect(mine).toEqual(
      expect.arrayContaining([
        ['post_sent_back', 'edit'],
        ['post_approved', 'edit'],
      ]),
    );
  });

  it('narrowing by a staff member applies at once (it only takes the post away from people)', async () => {
    const created = await corridor.post({ audience: 'school', caption: 'Whole school assembly', token: staffToken });
    await corridor.api('POST', `/api/approvals/${created.id}/approve`);
    await corridor.local.idle();
    const edit = await corridor.api<PostAnswer>('PATCH', `/api/posts/${created.id}`, { audience: 'class:year-2' }, staffToken);
    expect(edit.body.post).toMatchObject({ audience: ['class:year-2'] });
    expect(edit.body.post.pendingChange).toBeUndefined();
  });
});

describe('a forwarded e-mail cannot hand over the family', () => {
  let manageUrl: string;
  const parent = `parent-${Date.now()}@home.example`;
  const stranger = `stranger-${Date.now()}@elsewhere.example`;
  const linksTo = async (address: string, path: RegExp) =>
    (await sentEmails(corridor, address))
      .flatMap((m) => [...(m.body.text ?? '').matchAll(/https?:\/\/\S+/g)].map(([u]) => u))
      .filter((u) => path.test(u));

  beforeAll(async () => {
    manageUrl = await joinByEmail(corridor, (links['year-1'] as JoinLink).url, parent);
  });

  it('a stranger holding the manage link cannot add and confirm their own address', async () => {
    const asked = await submitForm(`${manageUrl}/emails`, { email: stranger });
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('Approve it there');
    // Nothing reaches the stranger's inbox: the approval went to the family's own address.
    expect(await sentEmails(corridor, stranger)).toEqual([]);
    const approvals = await linksTo(parent, /\/family\/approve\//);
    expect(approvals).toHaveLength(1);
    // The stranger cannot mint a confirmation for the family: an edited link is refused.
    const familyId = familyIdOf(manageUrl);
    const forged = Buffer.from(JSON.stringify({ p: 'confirm', e: stranger, f: familyId, a: true, x: 4102444800 })).toString(
      'base64url',
    );
    expect((await submitForm(`${corridor.url}/family/confirm/${forged}.AAAAAAAAAAAAAAAAAAAAAA`, {})).status).toBe(404);
    expect(Object.values((await getFamily(corridor.local.deps, familyId))?.emails ?? {}).map((e) => e.address)).toEqual([parent]);

    // The family, from its own inbox, approves; only then does the new address get its confirmation.
    const approve = new URL(approvals[0] as string);
    expect((await corridor.fetch(approve.pathname)).status).toBe(200);
    const approved = await submitForm(`${corridor.url}${approve.pathname}`, {});
    expect(await approved.text()).toContain('We sent a confirmation link');
    const confirm = (await linksTo(stranger, /\/family\/confirm\//))[0];
    expect(confirm).toBeDefined();
    expect((await submitForm(String(confirm), {})).status).toBe(303);
    expect(Object.keys((await getFamily(corridor.local.deps, familyId))?.emails ?? {})).toHaveLength(2);
    // An approval link works once.
    expect((await submitForm(`${corridor.url}${approve.pathname}`, {})).status).toBe(404);
  });

  it("a stranger's phone joins nothing of the family: not from the manage page, not with the link copied into the join page", async () => {
    const familyId = familyIdOf(manageUrl);
    const phone = push.browser();
    const viaPage = await corridor.fetch(`${new URL(manageUrl).pathname}/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subscription: phone.subscription }),
    });
    expect(viaPage.status).toBe(202);
    expect(((await viaPage.json()) as { pending: boolean }).pending).toBe(true);
    const token = manageUrl.split('/family/')[1];
    const viaJoin = await subscribePush((links['year-2'] as JoinLink).url, phone, token);
    expect(familyIdOf(viaJoin.manageUrl)).not.toBe(familyId);
    const family = await getFamily(corridor.local.deps, familyId);
    expect(Object.keys(family?.push ?? {})).toEqual([]);
    expect(family?.classes).toEqual({ demo: ['year-1'] });
  });

  it('"Sign out everywhere" ends every link at once; a new one reaches only the family', async () => {
    const before = (await linksTo(parent, /\/family\/[^/]+$/)).length;
    const signedOut = await submitForm(`${manageUrl}/sign-out`, {});
    expect(await signedOut.text()).toContain('A new link is on its way');
    for (const url of [manageUrl, `${manageUrl}/preferences`]) {
      const response = url.endsWith('preferences') ? await submitForm(url, { push: 'off' }) : await fetch(url);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain('This link has expired');
    }
    const fresh = (await linksTo(parent, /\/family\/[^/]+$/)).slice(before);
    expect(fresh).toHaveLength(1);
    expect((await fetch(String(fresh[0]))).status).toBe(200);
    manageUrl = String(fresh[0]);
  });

  it('a manage link expires after 30 days, with a page in plain words and a way to a new one', async () => {
    clock.advance(31 * DAY_MS);
    const expired = await fetch(manageUrl);
    expect(expired.status).toBe(404);
    const page = await expired.text();
    expect(page).toContain('Links to your family page work for 30 days');
    expect(page).toContain('Email me a new link');
    // Asking for a new link answers the same for a known and an unknown address, and mails only the known one.
    const unknown = await submitForm(`${corridor.url}/family/new-link`, { email: 'nobody@nowhere.example' });
    const known = await submitForm(`${corridor.url}/family/new-link`, { email: parent });
    expect(await unknown.text()).toBe(await known.text());
    expect(await sentEmails(corridor, 'nobody@nowhere.example')).toEqual([]);
    const newest = (await linksTo(parent, /\/family\/[^/]+$/)).at(-1);
    expect(newest).not.toBe(manageUrl);
    expect((await fetch(String(newest))).status).toBe(200);
  });
});

describe('erasure per school', () => {
  const put = (Item: Record<string, unknown>) =>
    corridor.local.deps.clients.dynamo.send(new PutCommand({ TableName: corridor.local.deps.config.tableName, Item }));
  type Audit = { entries: { action: string; actor: string; target: string; details: Record<string, unknown> }[] };

  it("one school's erasure leaves the family's other school, its data and its audit log untouched", async () => {
    const deps = corridor.local.deps;
    const address = `two-schools-${Date.now()}@home.example`;
    const manage = await joinByEmail(corridor, (links['year-1'] as JoinLink).url, address);
    const familyId = familyIdOf(manage);
    await addClass(deps, familyId, 'other', 'owls');
    // A delivery of each school's post in the family's ledger, as delivery records them.
    await put({ pk: 'POST#demo-post-1', sk: 'POST', id: 'demo-post-1', schoolId: 'demo' });
    await put({ pk: 'POST#other-post-1', sk: 'POST', id: 'other-post-1', schoolId: 'other' });
    for (const postId of ['demo-post-1', 'other-post-1']) {
      await put({ pk: `FAMILY#${familyId}`, sk: `DELIVERY#post:${postId}#email`, type: 'delivery', state: 'done' });
      await put({ pk: `OUTBOX#${postId}`, sk: `FAMILY#${familyId}`, type: 'outbox', familyId });
    }
    const demoAuditBefore = (await corridor.api<Audit>('GET', '/api/audit')).body.entries;

    expect((await corridor.api('DELETE', `/api/data/families/${familyId}`, undefined, otherAdmin)).status).toBe(200);

    const family = await getFamily(deps, familyId);
    expect(family?.classes).toEqual({ demo: ['year-1'] });
    expect(Object.values(family?.emails ?? {}).map((e) => e.address)).toEqual([address]);
    expect((await listFamilies(deps, 'demo')).map((f) => f.id)).toContain(familyId);
    expect((await listFamilies(deps, 'other')).map((f) => f.id)).not.toContain(familyId);
    const scan = async (pk: string) =>
      (
        await deps.clients.dynamo.send(
          new QueryCommand({
            TableName: deps.config.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
          }),
        )
      ).Items ?? [];
    expect((await scan(`FAMILY#${familyId}`)).map((i) => i.sk).filter((sk) => String(sk).startsWith('DELIVERY#'))).toEqual([
      'DELIVERY#post:demo-post-1#email',
    ]);
    expect(await scan('OUTBOX#other-post-1')).toEqual([]);
    expect(await scan('OUTBOX#demo-post-1')).toHaveLength(1);
    // The other school's log says what happened to it; the family's own school's log is unchanged.
    expect((await corridor.api<Audit>('GET', '/api/audit')).body.entries).toEqual(demoAuditBefore);
    const otherLog = (await corridor.api<Audit>('GET', '/api/audit', undefined, otherAdmin)).body.entries;
    expect(otherLog.find((e) => e.action === 'family_erased')).toMatchObject({
      target: familyId,
      details: { scope: 'this school' },
    });
    // Its manage page still works for what is left.
    expect((await fetch(manage)).status).toBe(200);

    // The last school's erasure erases the family itself.
    expect((await corridor.api('DELETE', `/api/data/families/${familyId}`)).status).toBe(200);
    expect(await getFamily(deps, familyId)).toBeUndefined();
    const demoLog = (await corridor.api<Audit>('GET', '/api/audit')).body.entries;
    expect(demoLog.find((e) => e.action === 'family_erased' && e.target === familyId)?.details.scope).toBe('family');
  });

  it('a parent\'s own "delete everything" still deletes everything, and every school\'s log says so', async () => {
    const deps = corridor.local.deps;
    const manage = await joinByEmail(corridor, (links['year-2'] as JoinLink).url, `leaving-${Date.now()}@home.example`);
    const familyId = familyIdOf(manage);
    await addClass(deps, familyId, 'other', 'owls');
    expect((await submitForm(`${manage}/erase`, { confirm: 'yes' })).status).toBe(200);
    expect(await getFamily(deps, familyId)).toBeUndefined();
    for (const token of [corridor.token, otherAdmin]) {
      const log = (await corridor.api<Audit>('GET', '/api/audit', undefined, token)).body.entries;
      const entry = log.find((e) => e.action === 'family_erased' && e.actor === 'the family (from its own page)');
      expect(entry).toMatchObject({ target: '', details: { scope: 'family' } });
      expect(JSON.stringify(log)).not.toContain(familyId); // nothing names the family once it erased itself
    }
  });
});

describe('narrowing an audience re-keys its media', () => {
  it('public → one class: the old media URLs answer 404 and the objects are gone from the bucket', async () => {
    const post = await corridor.post({
      audience: 'public',
      caption: 'Sunflowers, for everyone',
      files: [{ path: corpusPath('photo_android_pixel_gps.jpg'), alt: 'sunflowers' }],
      extra: { consentConfirmed: true },
    });
    expect(post.state).toBe('published');
    const before =
      (await getPostWithMedia(corridor.local.deps, post.id))?.media.flatMap((m) => m.outputs.map((o) => o.key)) ?? [];
    expect(before.length).toBeGreaterThan(4);
    for (const key of before) expect((await corridor.fetch(`/${key}`)).status).toBe(200);

    const edit = await corridor.api('PATCH', `/api/posts/${post.id}`, { audience: 'class:year-1' });
    expect(edit.status).toBe(200);
    await corridor.local.idle();

    const after = (await getPostWithMedia(corridor.local.deps, post.id))?.media.flatMap((m) => m.outputs.map((o) => o.key)) ?? [];
    expect(after).toHaveLength(before.length);
    expect(after.filter((key) => before.includes(key))).toEqual([]);
    for (const key of before) expect((await corridor.fetch(`/${key}`)).status).toBe(404);
    for (const key of after) expect((await corridor.fetch(`/${key}`)).status).toBe(200);
    const bucket = await listSiteKeys(corridor.local.deps, 'media/');
    expect(before.filter((key) => bucket.includes(key))).toEqual([]);
    expect(after.every((key) => bucket.includes(key))).toBe(true);
    // The class feed shows the post with its new addresses only; nothing public shows it.
    const { body } = await corridor.api<{ channels: { id: string; jsonFeedUrl: string }[] }>('GET', '/api/schools/me/channels');
    const classFeed = body.channels.find((c) => c.id === channel.class('demo', 'year-1').id);
    const feed = await text(new URL(String(classFeed?.jsonFeedUrl)).pathname);
    expect(feed).toContain('Sunflowers, for everyone');
    expect(after.some((key) => feed.includes(key))).toBe(true);
    expect(before.some((key) => feed.includes(key))).toBe(false);
    expect(await publicOutputs(post.id)).not.toContain('Sunflowers, for everyone');
  });
});
