import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchool } from '../../functions/core/admin/create';
import { listAudit } from '../../functions/core/audit/audit';
import { createToken } from '../../functions/core/auth/tokens';
import { type FaultPoint, faultPoints } from '../../functions/core/deps';
import { createFamily, getFamily, listFamilies } from '../../functions/core/families/family';
import { addEmail } from '../../functions/core/families/recipients';
import { sweep } from '../../functions/core/jobs/sweeper';
import { getSecrets } from '../../functions/core/messaging/secrets';
import { joinPath } from '../../functions/core/schools/join-link';
import { getSchool } from '../../functions/core/schools/school';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { sentTo } from '../helpers/mailbox';

/**
 * Acceptance 2: the new school year. An admin maps Reception → Year 1, Year 1 → Year 2 and Year 2 →
 * leavers. Families move with their class (a family with a child staying keeps that child's class),
 * leavers' families are told by email and removed by the sweeper after the grace period, every join link
 * is rotated (old links 404), and the change — crashed at each of its named fault points — is finished by
 * sending the same request again (or by the sweeper) with nothing done twice.
 */
const DAY = 86_400_000;
let now = new Date('2027-07-20T09:00:00Z');
let armed: FaultPoint | undefined;
const yearPoints = faultPoints.filter((p) => p.startsWith('year:'));

let corridor: TestCorridor;
beforeAll(async () => {
  corridor = await startTestCorridor({
    now: () => now,
    digestEveryMs: 0,
    faults: (point) => {
      if (point !== armed) return;
      armed = undefined;
      throw new Error(`injected crash at ${point}`);
    },
  });
});
afterAll(() => corridor?.stop());

const PLAN = {
  moves: [
    { from: 'reception', to: 'year-1' },
    { from: 'year-1', to: 'year-2' },
    { from: 'year-2', to: 'leavers' },
  ],
};

/** A school with three classes and five families: one per class, a leaver with email, and two children. */
async function newSchool(id: string) {
  const deps = corridor.local.deps;
  await createSchool(
    deps,
    { label: 'test operator', tokenId: 'test' },
    {
      id,
      name: `School ${id}`,
      classes: ['Reception', 'Year 1', 'Year 2'],
      adminEmail: `head@${id}.example`,
    },
  );
  const { token } = await createToken(deps, { schoolId: id, role: 'admin', label: `head of ${id}` });
  const family = async (classIds: string[]) => (await createFamily(deps, { schoolId: id, classIds })).id;
  const families = {
    reception: await family(['reception']),
    year1: await family(['year-1']),
    leaver: await family(['year-2']),
    leaverWithEmail: await family(['year-2']),
    twoChildren: await family(['reception', 'year-2']),
  };
  const leaverAddress = `parent.${id}@home.example`;
  await addEmail(deps, families.leaverWithEmail, leaverAddress);
  const { linkKey } = await getSecrets(deps);
  const school = await getSchool(deps, id);
  const oldLinks = (school?.classes ?? []).map((k) => joinPath(linkKey, id, k));
  return { id, token, families, leaverAddress, oldLinks };
}
type World = Awaited<ReturnType<typeof newSchool>>;

const apply = (world: World) =>
  corridor.api<{ summary: { families: unknown }; alreadyApplied: boolean }>('POST', '/api/schools/me/year', PLAN, world.token);

/** Everything the change must have done, exactly once. */
async function expectChanged(world: World) {
  const deps = corridor.local.deps;
  const classesOf = async (familyId: string) => (await getFamily(deps, familyId))?.classes[world.id];
  expect(await classesOf(world.families.reception)).toEqual(['year-1']);
  expect(await classesOf(world.families.year1)).toEqual(['year-2']);
  expect(await classesOf(world.families.leaver)).toEqual([]);
  expect(await classesOf(world.families.leaverWithEmail)).toEqual([]);
  expect(await classesOf(world.families.twoChildren)).toEqual(['year-1']);
  // What publishing reads agrees with the families themselves.
  const memberships = Object.fromEntries((await listFamilies(deps, world.id)).map((m) => [m.id, m.classIds]));
  expect(memberships[world.families.reception]).toEqual(['year-1']);
  expect(memberships[world.families.twoChildren]).toEqual(['year-1']);
  expect(memberships[world.families.leaver]).toEqual([]);

  const school = await getSchool(deps, world.id);
  expect(school?.classes.map((k) => [k.id, k.joinGeneration])).toEqual([
    ['reception', 1],
    ['year-1', 1],
    ['year-2', 1],
  ]);
  expect(school?.rosterOutOfDate).toBe(true);
  expect(school?.yearChange?.state).toBe('applied');
  for (const old of world.oldLinks) expect((await corridor.fetch(old)).status).toBe(404);
  const { linkKey } = await getSecrets(deps);
  for (const klass of school?.classes ?? []) expect((await corridor.fetch(joinPath(linkKey, world.id, klass))).status).toBe(200);

  const audited = (await listAudit(deps, world.id)).filter((e) => e.action === 'school_year_changed');
  expect(audited).toHaveLength(1);
  expect(audited[0]?.details.moves).toEqual(['Reception → Year 1', 'Year 1 → Year 2', 'Year 2 → leavers']);
  const told = await sentTo(corridor, world.leaverAddress);
  expect(told.length).toBeGreaterThanOrEqual(1);
  expect(told[0]?.subject).toMatch(/you will stop hearing from the school on/);
  expect(told[0]?.body.text).toContain('Year 2 has finished at');
}

describe('the new school year', () => {
  it('previews exactly what will change, and changes nothing', async () => {
    const world = await newSchool('preview-school');
    const preview = await corridor.api<{
      changes: { kind: string; text: string }[];
      families: { moving: number; leaving: number };
      leaversRemovedAfter: string;
    }>('POST', '/api/schools/me/year/preview', { ...PLAN, graceDays: 30 }, world.token);
    expect(preview.status).toBe(200);
    expect(preview.body.families).toEqual({ moving: 3, leaving: 2 });
    expect(preview.body.leaversRemovedAfter).toBe(new Date(now.getTime() + 30 * DAY).toISOString());
    const texts = preview.body.changes.map((c) => c.text);
    expect(texts).toContain('Reception → Year 1: 2 families move with their class.');
    expect(texts.find((t) => t.startsWith('Year 2 leaves the school'))).toMatch(
      /2 families are told today and removed on Thursday,? 19 August 2027 \(after 30 days\)\. 1 family with a child in another class stays\./,
    );
    expect(preview.body.changes.map((c) => c.kind)).toEqual(
      expect.arrayContaining(['families_move', 'families_leave', 'join_links', 'roster']),
    );
    // Nothing changed: the old links still work and the families are where they were.
    for (const old of world.oldLinks) expect((await corridor.fetch(old)).status).toBe(200);
    expect((await getFamily(corridor.local.deps, world.families.reception))?.classes[world.id]).toEqual(['reception']);

    // Plans that cannot be applied are refused in words, changing nothing.
    const refused = async (body: unknown) => {
      const answer = await corridor.api<{ error: { code: string; message: string } }>(
        'POST',
        '/api/schools/me/year',
        body,
        world.token,
      );
      expect(answer.status).toBe(422);
      expect(answer.body.error.code).toBe('invalid_year_change');
      return answer.body.error.message;
    };
    expect(await refused({ moves: [{ from: 'year-9', to: 'leavers' }] })).toBe('There is no class "year-9" in your school.');
    expect(
      await refused({
        moves: [
          { from: 'year-1', to: 'year-2' },
          { from: 'year-1', to: 'leavers' },
        ],
      }),
    ).toMatch(/moved twice/);
    expect(await refused({ moves: [] })).toMatch(/Say where each class’s families go/);
    expect((await getSchool(corridor.local.deps, world.id))?.yearChange).toBeUndefined();
  });

  it('applies in one audited step; the same request again changes nothing', async () => {
    const world = await newSchool('calm-school');
    const first = await apply(world);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.alreadyApplied).toBe(false);
    await expectChanged(world);
    const again = await apply(world);
    expect(again.body.alreadyApplied).toBe(true);
    await expectChanged(world);
    expect(await sentTo(corridor, world.leaverAddress)).toHaveLength(1);
    const me = await corridor.api<{ rosterOutOfDate: boolean; leaversRemovedAfter: string }>(
      'GET',
      '/api/schools/me',
      undefined,
      world.token,
    );
    expect(me.body.rosterOutOfDate).toBe(true);
    expect(me.body.leaversRemovedAfter).toBe(new Date(now.getTime() + 30 * DAY).toISOString());
    // This year's roster imported: no longer out of date.
    const roster = await corridor.fetch('/api/consent/roster', {
      method: 'PUT',
      headers: { authorization: `Bearer ${world.token}`, 'content-type': 'text/csv' },
      body: 'First name,Last name,Class,Consent\nAva,Brown,Year 1,public\n',
    });
    expect(roster.status).toBe(200);
    const after = await corridor.api<{ rosterOutOfDate: boolean }>('GET', '/api/schools/me', undefined, world.token);
    expect(after.body.rosterOutOfDate).toBe(false);
  });

  for (const point of yearPoints) {
    it(`crashed at ${point}, is finished by sending the request again, nothing twice`, async () => {
      const world = await newSchool(`crash-${point.replace(/[^a-z]+/g, '-')}`);
      armed = point;
      const crashed = await apply(world);
      expect(crashed.status).toBe(500);
      expect(armed, 'the fault point was reached').toBeUndefined();
      const finished = await apply(world);
      expect(finished.status, JSON.stringify(finished.body)).toBe(200);
      await expectChanged(world);
      expect((await apply(world)).body.alreadyApplied).toBe(true);
    });
  }

  it('crashed mid-way and never asked again, is finished by the sweeper', async () => {
    const world = await newSchool('swept-school');
    armed = 'year:mid-families';
    expect((await apply(world)).status).toBe(500);
    now = new Date(now.getTime() + 60_000);
    const report = await sweep(corridor.local.deps, { graceMs: 0 });
    expect(report.yearChangesFinished).toBe(1);
    await expectChanged(world);
  });

  it('removes leavers’ families after the grace period, keeping those who stay', async () => {
    const world = await newSchool('grace-school');
    expect((await apply(world)).status).toBe(200);
    const deps = corridor.local.deps;
    now = new Date(now.getTime() + 29 * DAY);
    await sweep(deps, { graceMs: 0 });
    expect(await getFamily(deps, world.families.leaver)).toBeDefined();
    now = new Date(now.getTime() + 2 * DAY);
    const report = await sweep(deps, { graceMs: 0 });
    expect(report.leaversRemoved).toBeGreaterThanOrEqual(2);
    expect(await getFamily(deps, world.families.leaver)).toBeUndefined();
    expect(await getFamily(deps, world.families.leaverWithEmail)).toBeUndefined();
    expect((await getFamily(deps, world.families.twoChildren))?.classes[world.id]).toEqual(['year-1']);
    expect((await getFamily(deps, world.families.reception))?.classes[world.id]).toEqual(['year-1']);
    const members = (await listFamilies(deps, world.id)).map((m) => m.id);
    expect(members).not.toContain(world.families.leaver);
    expect(members).toHaveLength(3);
    expect((await listAudit(deps, world.id)).some((e) => e.action === 'leavers_removed')).toBe(true);
  });
});
