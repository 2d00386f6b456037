import { execFile } from 'node:child_process';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../functions/core/auth/tokens';
import { addressIdOf } from '../../functions/core/families/recipients';
import { sweep } from '../../functions/core/jobs/sweeper';
import { putSchool } from '../../functions/core/schools/school';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { type StaffBrowser, signInAsNewStaff } from '../helpers/staff';

let clock = new Date('2026-03-02T09:00:00Z');
let corridor: TestCorridor;
let teacher: StaffBrowser;
let otherAdmin: string;
const keepFamily = 'fam_keep_me_00002';
beforeAll(async () => {
  corridor = await startTestCorridor({ now: () => clock });
  teacher = await signInAsNewStaff(corridor, 'teacher@school.example');
  await putSchool(corridor.local.deps, { id: 'other', name: 'Other School', classes: [{ id: 'owls', name: 'Owls' }] });
  ({ token: otherAdmin } = await createToken(corridor.local.deps, { schoolId: 'other', role: 'admin', label: 'other head' }));
});
afterAll(() => corridor?.stop());

/** Every item in the table (the judge of "nothing remains"). */
async function scanTable(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await corridor.local.deps.clients.dynamo.send(
      new ScanCommand({ TableName: corridor.local.deps.config.tableName, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

interface AuditAnswer {
  entries: { at: string; action: string; actor: string; target: string; details: Record<string, unknown> }[];
}

describe('audit log', () => {
  it('records who posted, edited and retracted what, when; admins only; exports as CSV a spreadsheet reads', async () => {
    const created = await teacher.api<{ post: { id: string } }>('POST', '/api/posts', {
      idempotencyKey: crypto.randomUUID(),
      audience: 'public',
      caption: 'Sports day',
    });
    const postId = created.body.post.id;
    await corridor.local.idle();
    await teacher.api('PATCH', `/api/posts/${postId}`, { caption: 'Sports day — results' });
    await corridor.api('DELETE', `/api/posts/${postId}`);
    expect((await teacher.api('GET', '/api/audit')).status).toBe(403);
    const { body } = await corridor.api<AuditAnswer>('GET', '/api/audit');
    const aboutPost = body.entries.filter((e) => e.target === postId).map((e) => [e.action, e.actor, e.at]);
    expect(aboutPost).toEqual([
      ['post_created', 'teacher@school.example', clock.toISOString()],
      ['post_edited', 'teacher@school.example', clock.toISOString()],
      ['post_retracted', 'demo admin', clock.toISOString()],
    ]);
    expect(body.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['staff_invited', 'signed_in']));

    const csv = await corridor.fetch('/api/audit?format=csv', { headers: { authorization: `Bearer ${corridor.token}` } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="corridor-audit-demo.csv"');
    // Python's csv module is the independent reader.
    const rows = await judgeCsv(await csv.text());
    expect(rows[0]).toEqual(['at', 'actor', 'actor_id', 'action', 'target', 'details']);
    expect(rows).toHaveLength(body.entries.length + 1);
    expect(rows).toContainEqual(expect.arrayContaining(['post_edited', postId, '{"changed":["caption"]}']));
    // The other school's admin sees only their own (empty) log.
    expect((await corridor.api<AuditAnswer>('GET', '/api/audit', undefined, otherAdmin)).body.entries).toEqual([]);
  });
});

/** Parses CSV with Python's csv module. */
async function judgeCsv(text: string): Promise<string[][]> {
  const child = execFile('/usr/bin/python3', [
    '-c',
    'import csv,sys,json; print(json.dumps(list(csv.reader(sys.stdin.read().splitlines(True)))))',
  ]);
  const output = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`python exited ${code}`))));
  });
  child.stdin?.end(text);
  return JSON.parse(await output) as string[][];
}

describe('guidelines', () => {
  it('staff read the starter guidelines; admins replace them (rendered safely); a change asks everyone to read again', async () => {
    const first = await teacher.api<{ markdown: string; html: string; read: boolean }>('GET', '/api/guidelines');
    expect(first.body.read).toBe(false);
    expect(first.body.html).toContain('<strong>Check photo consent</strong>');
    expect((await teacher.api('POST', '/api/guidelines/read')).status).toBe(200);
    expect((await teacher.api<{ read: boolean }>('GET', '/api/guidelines')).body.read).toBe(true);

    expect((await teacher.api('PUT', '/api/guidelines', { markdown: '# Mine now' })).status).toBe(403);
    clock = new Date(clock.getTime() + 60_000);
    const saved = await corridor.api<{ html: string; updatedBy: string }>('PUT', '/api/guidelines', {
      markdown: '## First names only\n<script>alert(1)</script> [policy](javascript:alert(1))',
    });
    expect(saved.status).toBe(200);
    expect(saved.body.html).toBe(
      '<h3>First names only</h3>\n<p>&lt;script&gt;alert(1)&lt;/script&gt; [policy](javascript:alert(1))</p>',
    );
    expect(saved.body.updatedBy).toBe('demo admin');
    expect((await teacher.api<{ read: boolean }>('GET', '/api/guidelines')).body.read).toBe(false);
  });
});

describe('erasing a family', () => {
  const familyId = 'fam_erase_me_0001';
  const keep = keepFamily;
  const address = 'parent.erase@home.example';
  const endpoint = 'https://push.example/send/erase-me-device';

  /** A family as core/families stores it: record, memberships, address owner, ledger and outbox. */
  async function storeFamily(id: string, email: string, addressId: string, postId: string, schools = ['demo', 'other']) {
    const items = [
      {
        pk: `FAMILY#${id}`,
        sk: 'FAMILY',
        type: 'family',
        id,
        classes: Object.fromEntries(schools.map((school) => [school, school === 'demo' ? ['year-1'] : ['owls']])),
        preferences: {},
        emails: { [addressId]: { address: email, confirmedAt: clock.toISOString() } },
        push: {
          dev1: {
            endpoint: `${endpoint}-${id}`,
            keys: { p256dh: `B${'k'.repeat(86)}`, auth: 'a'.repeat(22) },
            addedAt: clock.toISOString(),
          },
        },
        createdAt: clock.toISOString(),
      },
      ...schools.map((school) => ({
        pk: `SCHOOL#${school}#FAMILIES`,
        sk: `FAMILY#${id}`,
        type: 'school-family',
        id,
        schoolId: school,
        classIds: school === 'demo' ? ['year-1'] : ['owls'],
      })),
      { pk: `ADDRESS#${addressId}`, sk: `FAMILY#${id}`, type: 'address-owner', familyId: id },
      // Ledger items as the delivery ledger keys them (ledger.ts): an instant message and a digest.
      { pk: `FAMILY#${id}`, sk: `DELIVERY#post:${postId}#email`, type: 'delivery', familyId: id },
      { pk: `FAMILY#${id}`, sk: 'DELIVERY#digest:2026-03-01#email', type: 'delivery', familyId: id, postIds: [postId] },
      { pk: `OUTBOX#${postId}`, sk: `FAMILY#${id}`, type: 'outbox', familyId: id, address: email },
    ];
    for (const Item of items) {
      await corridor.local.deps.clients.dynamo.send(new PutCommand({ TableName: corridor.local.deps.config.tableName, Item }));
    }
  }

  it('removes its subscriptions and addresses from the table (verified by a scan); another family stays', async () => {
    // A family of this school only: erasing the school's last tie erases the family itself.
    await storeFamily(familyId, address, 'addr-erase', 'post-aaaa', ['demo']);
    await storeFamily(keep, 'parent.keep@home.example', 'addr-keep', 'post-aaaa');
    const mentions = (items: Record<string, unknown>[], text: string) => items.filter((i) => JSON.stringify(i).includes(text));
    const before = await scanTable();
    expect(mentions(before, familyId).length).toBe(6);
    expect(mentions(before, address).length).toBe(2);

    // Only an admin of the family's school, and only that school's families.
    expect((await teacher.api('DELETE', `/api/data/families/${familyId}`)).status).toBe(403);
    expect((await corridor.api('DELETE', '/api/data/families/fam_nobody_here', undefined)).status).toBe(404);
    const answer = await corridor.api<{ items: number }>('DELETE', `/api/data/families/${familyId}`);
    expect(answer.status).toBe(200);
    expect(answer.body.items).toBe(6);

    const after = await scanTable();
    // Only the audit entry saying it was erased keeps the (random, now meaningless) family id.
    expect(mentions(after, familyId).map((i) => [i.type, i.action])).toEqual([['audit', 'family_erased']]);
    expect(mentions(after, familyId).filter((i) => i.type !== 'audit')).toEqual([]);
    expect(mentions(after, address)).toEqual([]);
    expect(mentions(after, `${endpoint}-${familyId}`)).toEqual([]);
    expect(mentions(after, keep).length).toBe(7);
    const log = await corridor.api<AuditAnswer>('GET', '/api/audit');
    const entry = log.body.entries.find((e) => e.action === 'family_erased');
    expect(entry).toMatchObject({ target: familyId, actor: 'demo admin', details: { items: 6, scope: 'family' } });
    // Erasing again finds nothing: the school no longer has that family.
    expect((await corridor.api('DELETE', `/api/data/families/${familyId}`)).status).toBe(404);
  });

  it('an admin finds a family by a parent’s address, with what erasing it deletes; other schools find nothing', async () => {
    await storeFamily(
      'fam_find_me_00005',
      'Find.Me@Home.example',
      await addressIdOf(corridor.local.deps, 'find.me@home.example'),
      'post-dddd',
    );
    const search = (email: string, token?: string) =>
      corridor.api<{ families: unknown[] }>('GET', `/api/data/families?email=${encodeURIComponent(email)}`, undefined, token);
    const found = await search('  FIND.me@home.example ');
    expect(found.status).toBe(200);
    expect(found.body.families).toEqual([
      { familyId: 'fam_find_me_00005', emails: ['Find.Me@Home.example'], phones: 1, classes: ['Year 1'], otherSchools: 1 },
    ]);
    expect((await search('nobody@home.example')).body.families).toEqual([]);
    expect((await search('not an address')).status).toBe(400);
    expect((await teacher.api('GET', '/api/data/families?email=find.me%40home.example')).status).toBe(403);
    // The other school's admin finds it too only because the family follows a class there; a third school finds nothing.
    await putSchool(corridor.local.deps, { id: 'fourth', name: 'Fourth School' });
    const { token } = await createToken(corridor.local.deps, { schoolId: 'fourth', role: 'admin', label: 'fourth head' });
    expect((await search('find.me@home.example', token)).body.families).toEqual([]);
  });

  it('an admin erases only a family of their own school (a family at two schools is theirs too)', async () => {
    await storeFamily('fam_two_schools_3', 'p3@home.example', 'addr-3', 'post-bbbb');
    // This family follows a class at both schools, as a family with children in two can.
    expect((await corridor.api('DELETE', '/api/data/families/fam_two_schools_3', undefined, otherAdmin)).status).toBe(200);
    await putSchool(corridor.local.deps, { id: 'third', name: 'Third School' });
    const { token } = await createToken(corridor.local.deps, { schoolId: 'third', role: 'admin', label: 'third head' });
    await storeFamily('fam_demo_only_04', 'p4@home.example', 'addr-4', 'post-cccc');
    expect((await corridor.api('DELETE', '/api/data/families/fam_demo_only_04', undefined, token)).status).toBe(404);
  });
});

describe('exporting a school', () => {
  it('gives admins everything the school holds as JSON, with no secrets', async () => {
    await corridor.api('PUT', '/api/consent/roster', 'First name,Last name,Class,Consent\nAva,Brown,Year 2,school only');
    expect((await teacher.api('GET', '/api/data/export')).status).toBe(403);
    const response = await corridor.fetch('/api/data/export', { headers: { authorization: `Bearer ${corridor.token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="corridor-demo-2026-03-0\d\.json"$/);
    const text = await response.text();
    const data = JSON.parse(text) as {
      format: string;
      school: { id: string };
      staff: { email: string }[];
      posts: { caption: string }[];
      audit: unknown[];
      families: { id: string }[];
    };
    expect(data.format).toBe('corridor-school-export');
    expect(data.school.id).toBe('demo');
    expect(data.staff.map((s) => s.email)).toContain('teacher@school.example');
    expect(data.posts.map((p) => p.caption)).toContain('Sports day — results');
    expect(data.families.map((f) => f.id)).toContain(keepFamily);
    expect(data.audit.length).toBeGreaterThan(5);
    for (const secret of [
      corridor.token,
      teacher.csrfToken,
      teacher.cookie.split('=')[1] ?? '',
      'MAGICLINK',
      'SESSION#',
      'memberId',
    ]) {
      expect(text).not.toContain(secret);
    }
    // Nothing of the other school.
    expect(text).not.toContain('other head');
  });
});
describe('retention', () => {
  it('takes posts down once a day after the school’s retention period, audited as automatic', async () => {
    expect((await corridor.api('PATCH', '/api/settings', { retentionDays: 7 })).status).toBe(400);
    expect((await corridor.api('PATCH', '/api/settings', { retentionDays: 30 })).status).toBe(200);
    const old = await corridor.post({ audience: 'public', caption: 'Harvest festival' });
    expect(old.state).toBe('published');
    clock = new Date(clock.getTime() + 29 * 86_400_000);
    const recent = await corridor.post({ audience: 'public', caption: 'Spring concert' });
    expect((await sweep(corridor.local.deps, { graceMs: 0 })).retentionRetracted).toBe(0);

    clock = new Date(clock.getTime() + 2 * 86_400_000); // the harvest post is now 31 days old
    expect((await sweep(corridor.local.deps, { graceMs: 0 })).retentionRetracted).toBeGreaterThanOrEqual(1);
    await corridor.local.idle();
    const feed = await (await corridor.fetch('/s/demo/feed.json')).text();
    expect(feed).not.toContain('Harvest festival');
    expect(feed).toContain('Spring concert');
    expect((await corridor.api<{ post: { state: string } }>('GET', `/api/posts/${old.id}`)).body.post.state).toBe('retracted');
    expect((await corridor.api<{ post: { state: string } }>('GET', `/api/posts/${recent.id}`)).body.post.state).toBe('published');
    // Once a day: another sweep the same day does nothing more.
    expect((await sweep(corridor.local.deps, { graceMs: 0 })).retentionRetracted).toBe(0);
    const log = await corridor.api<AuditAnswer>('GET', '/api/audit');
    expect(log.body.entries).toContainEqual(
      expect.objectContaining({ action: 'post_retracted', target: old.id, actor: 'Corridor (automatic)' }),
    );
    expect(log.body.entries).toContainEqual(
      expect.objectContaining({ action: 'retention_applied', actor: 'Corridor (automatic)' }),
    );
    // Switched off, nothing more is taken down.
    expect((await corridor.api('PATCH', '/api/settings', { retentionDays: null })).status).toBe(200);
    clock = new Date(clock.getTime() + 60 * 86_400_000);
    expect((await sweep(corridor.local.deps, { graceMs: 0 })).retentionRetracted).toBe(0);
  });
});
