import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../functions/core/audit/audit';
import { createToken, type Principal } from '../../functions/core/auth/tokens';
import { getFamily } from '../../functions/core/families/family';
import { rotateJoinLink } from '../../functions/core/schools/join-link-rotation';
import { getSchool, putSchool } from '../../functions/core/schools/school';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { familyIdOf, type JoinLink, joinByEmail, joinLinks, sentEmails, submitForm } from '../helpers/parents';
import { signInAsNewStaff } from '../helpers/staff';

/**
 * A leaked join link (a photo of the classroom door online) is replaced by an admin: from then on the old
 * link, its QR codes, a paste of it on the family page and a confirmation asked for through it answer like
 * any unknown link, while the new link joins and families who joined before stay joined.
 */

const STALE = 'This join link is no longer valid. Ask the school for the current one.';
const rotatePath = (classId: string) => `/api/schools/me/classes/${classId}/join-link/rotate`;
interface Rotated {
  joinLink: JoinLink;
  message: string;
}

let corridor: TestCorridor;
beforeAll(async () => {
  corridor = await startTestCorridor();
});
afterAll(() => corridor?.stop());

const generationOf = async (classId: string) =>
  (await getSchool(corridor.local.deps, 'demo'))?.classes.find((k) => k.id === classId)?.joinGeneration;
const rotations = async (classId: string) =>
  (await corridor.api<{ entries: AuditEntry[] }>('GET', '/api/audit')).body.entries.filter(
    (e) => e.action === 'join_link_rotated' && e.target === classId,
  );

describe('rotating a class join link', () => {
  it('kills the old link everywhere a parent could use it, and the new one joins', async () => {
    const old = (await joinLinks(corridor))['year-1'] as JoinLink;
    const joinedBefore = familyIdOf(await joinByEmail(corridor, old.url, `before-${Date.now()}@example.org`));
    // A stranger holding the leaked link asks for a confirmation now and would confirm after the rotation.
    const stranger = `stranger-${Date.now()}@example.org`;
    expect((await submitForm(`${old.url}/email`, { email: stranger })).status).toBe(200);
    const pending = /(https?:\/\/\S+\/family\/confirm\/[A-Za-z0-9._-]+)/.exec(
      (await sentEmails(corridor, stranger))[0]?.body.text ?? '',
    )?.[1];
    expect(pending).toBeDefined();

    const { status, body } = await corridor.api<Rotated>('POST', rotatePath('year-1'));
    expect(status).toBe(200);
    expect(body.joinLink.classId).toBe('year-1');
    expect(body.joinLink.url).not.toBe(old.url);
    expect(body.joinLink.url).toMatch(new RegExp(`^${corridor.url}/join/demo/year-1/[A-Za-z0-9_-]{16,40}$`));
    expect(body.joinLink.qrPngUrl).toBe(`${body.joinLink.url}/qr.png`);
    expect(body.joinLink.qrSvgUrl).toBe(`${body.joinLink.url}/qr.svg`);
    expect(body.message).toContain('families who already joined stay joined');
    expect((await joinLinks(corridor))['year-1']).toEqual(body.joinLink);

    // The old link: page, QR codes and both ways of joining from it answer 404 in words.
    expect(body.joinLink.posterUrl).toBe(`${body.joinLink.url}/poster`);
    expect((await fetch(body.joinLink.posterUrl)).status).toBe(200);
    for (const url of [old.url, old.qrPngUrl, old.qrSvgUrl, old.posterUrl]) {
      const response = await fetch(url);
      expect(response.status, url).toBe(404);
      expect(await response.text()).toContain(STALE);
    }
    const byEmail = await submitForm(`${old.url}/email`, { email: `late-${Date.now()}@example.org` });
    expect(byEmail.status).toBe(404);
    expect(await byEmail.text()).toContain(STALE);
    const byPush = await fetch(`${old.url}/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(byPush.status).toBe(404);
    expect(await byPush.json()).toEqual({ error: STALE });
    // The stranger's confirmation, asked for through the old link, no longer joins.
    for (const method of ['GET', 'POST']) {
      const confirm = await fetch(pending as string, { method, redirect: 'manual' });
      expect(confirm.status, method).toBe(404);
      expect(await confirm.text()).toContain(STALE);
    }

    // The new link: its page and QR codes work, and a parent joins through it.
    expect((await fetch(body.joinLink.url)).status).toBe(200);
    const png = await fetch(body.joinLink.qrPngUrl);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect((await fetch(body.joinLink.qrSvgUrl)).status).toBe(200);
    const joinedAfter = familyIdOf(await joinByEmail(corridor, body.joinLink.url, `after-${Date.now()}@example.org`));
    expect((await getFamily(corridor.local.deps, joinedAfter))?.classes.demo).toEqual(['year-1']);
    // Joined before the rotation: still joined.
    expect((await getFamily(corridor.local.deps, joinedBefore))?.classes.demo).toEqual(['year-1']);

    // On a family page: pasting the old link is refused like on the join page; the new one adds the class.
    const manage = await joinByEmail(
      corridor,
      ((await joinLinks(corridor))['year-2'] as JoinLink).url,
      `paste-${Date.now()}@example.org`,
    );
    const pastedOld = await submitForm(`${manage}/classes`, { link: old.url });
    expect(pastedOld.status).toBe(404);
    expect(await pastedOld.text()).toContain(STALE);
    expect((await getFamily(corridor.local.deps, familyIdOf(manage)))?.classes.demo).toEqual(['year-2']);
    expect((await submitForm(`${manage}/classes`, { link: body.joinLink.url })).status).toBe(303);
    expect((await getFamily(corridor.local.deps, familyIdOf(manage)))?.classes.demo).toEqual(['year-2', 'year-1']);
  });

  it('a second rotation kills the first new link too, and the audit log names who rotated which class', async () => {
    const first = (await joinLinks(corridor)).reception as JoinLink;
    const second = (await corridor.api<Rotated>('POST', rotatePath('reception'))).body.joinLink;
    const third = (await corridor.api<Rotated>('POST', rotatePath('reception'))).body.joinLink;
    expect(new Set([first.url, second.url, third.url]).size).toBe(3);
    expect((await fetch(first.url)).status).toBe(404);
    expect((await fetch(second.url)).status).toBe(404);
    expect((await fetch(third.url)).status).toBe(200);
    expect(await generationOf('reception')).toBe(2);

    const entries = await rotations('reception');
    expect(entries.map((e) => e.details)).toEqual([
      { className: 'Reception', generation: 1 },
      { className: 'Reception', generation: 2 },
    ]);
    expect(entries.every((e) => e.actor === 'demo admin')).toBe(true);
  });

  it('only an admin of the school rotates, from a session only with its CSRF token', async () => {
    const before = (await joinLinks(corridor))['year-2'] as JoinLink;
    const { token: staffToken } = await createToken(corridor.local.deps, { schoolId: 'demo', role: 'staff', label: 'iPad' });
    const teacher = await corridor.api<{ error: { message: string } }>('POST', rotatePath('year-2'), undefined, staffToken);
    expect(teacher.status).toBe(403);
    expect(teacher.body.error.message).toBe('Only an admin can replace a join link.');

    await putSchool(corridor.local.deps, { id: 'other', name: 'Other School', classes: [{ id: 'owls', name: 'Owls' }] });
    const { token: otherAdmin } = await createToken(corridor.local.deps, {
      schoolId: 'other',
      role: 'admin',
      label: 'other head',
    });
    expect((await corridor.api('POST', rotatePath('year-2'), undefined, otherAdmin)).status).toBe(404);
    expect((await corridor.api('POST', rotatePath('no-such-class'))).status).toBe(404);

    const head = await signInAsNewStaff(corridor, `head-${Date.now()}@school.example`, 'admin');
    const session = { cookie: head.cookie, origin: corridor.url };
    const withoutCsrf = await corridor.fetch(rotatePath('year-2'), { method: 'POST', headers: session });
    expect(withoutCsrf.status).toBe(403);
    const fromAnotherSite = await corridor.fetch(rotatePath('year-2'), {
      method: 'POST',
      headers: { ...session, origin: 'https://evil.example', 'x-csrf-token': head.csrfToken },
    });
    expect(fromAnotherSite.status).toBe(403);
    // Nothing above changed the link.
    expect((await joinLinks(corridor))['year-2']).toEqual(before);
    expect(await rotations('year-2')).toEqual([]);

    const fromComposer = await corridor.fetch(rotatePath('year-2'), {
      method: 'POST',
      headers: { ...session, 'x-csrf-token': head.csrfToken },
    });
    expect(fromComposer.status).toBe(200);
    expect(await generationOf('year-2')).toBe(1);
  });

  it('of two rotations at once, the one that read a stale generation is refused, not silently outvoted', async () => {
    const deps = corridor.local.deps;
    const otherHead: Principal = { schoolId: 'demo', role: 'admin', tokenId: 'other-head', label: 'deputy head' };
    const before = await generationOf('year-2');
    // Just before this request's conditional write reaches the table, another admin's rotation lands.
    const stack = deps.clients.dynamo.middlewareStack;
    let competitor: Promise<unknown> | undefined;
    stack.add(
      (next) => async (args) => {
        if (!competitor && 'UpdateExpression' in args.input && args.input.UpdateExpression?.includes('joinGeneration')) {
          competitor = rotateJoinLink(deps, otherHead, 'year-2');
          await competitor;
        }
        return next(args);
      },
      { step: 'initialize', name: 'competingRotation' },
    );
    try {
      const loser = await corridor.api<{ error: { code: string; message: string } }>('POST', rotatePath('year-2'));
      expect(loser.status).toBe(409);
      expect(loser.body.error.code).toBe('conflict');
      expect(loser.body.error.message).toContain("Year 2's join link a moment ago");
    } finally {
      stack.remove('competingRotation');
    }
    expect(await generationOf('year-2')).toBe((before ?? 0) + 1);
    expect((await rotations('year-2')).at(-1)?.actor).toBe('deputy head');
    expect((await fetch(((await joinLinks(corridor))['year-2'] as JoinLink).url)).status).toBe(200);
  });

  it('many rotations at once leave one consistent generation: one step per rotation that answered 200', async () => {
    const before = (await generationOf('reception')) ?? 0;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => corridor.api<Rotated | { error: { code: string } }>('POST', rotatePath('reception'))),
    );
    const won = answers.filter((a) => a.status === 200).map((a) => (a.body as Rotated).joinLink);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.status)).toEqual(Array(answers.length - won.length).fill(409));
    expect(won.length).toBeGreaterThanOrEqual(1);
    expect(await generationOf('reception')).toBe(before + won.length);
    expect(new Set(won.map((l) => l.url)).size).toBe(won.length);
    const current = (await joinLinks(corridor)).reception as JoinLink;
    expect(won.map((l) => l.url)).toContain(current.url);
    for (const link of won) expect((await fetch(link.url)).status).toBe(link.url === current.url ? 200 : 404);
    expect((await rotations('reception')).length).toBe(before + won.length);
  });
});
