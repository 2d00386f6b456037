import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { type StaffBrowser, signInAsNewStaff } from '../helpers/staff';

let corridor: TestCorridor;
let teacher: StaffBrowser;
beforeAll(async () => {
  corridor = await startTestCorridor();
  teacher = await signInAsNewStaff(corridor, 'teacher@school.example');
});
afterAll(() => corridor?.stop());

const photo = { path: corpusPath('png_exif_gps_1x1.png'), contentType: 'image/png', alt: 'painting' };

/** PUTs a roster file as an admin's browser would upload it. */
const importRoster = (csv: string, token = corridor.token) =>
  corridor.fetch('/api/consent/roster', {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: csv,
  });

interface ErrorAnswer {
  error: { code: string; message: string; details?: string[] };
}
interface AuditAnswer {
  entries: { action: string; actor: string; target: string; details: Record<string, unknown> }[];
}

const goodRoster = [
  'Surname,Forename,Reg Group,Photo Consent',
  'Brown,Ava,Year 2,School only',
  'Lee,Sam,Year 2,None',
  'Okafor,Tobi,Year 2,Public',
  'March,Jo,Year 1,Public',
].join('\r\n');

describe('photo consent', () => {
  it('a roster with bad rows is refused line by line, and nothing is imported', async () => {
    const bad = `${goodRoster}\r\nPark,Kim,Year 9,Public\r\nGray,,Year 1,Yes\r\nHall,Lou,Year 1,perhaps`;
    const answer = await importRoster(bad);
    expect(answer.status).toBe(422);
    const { error } = (await answer.json()) as ErrorAnswer;
    expect(error.code).toBe('invalid_roster');
    expect(error.message).toContain('3 problems in the file; nothing was imported');
    expect(error.details).toEqual([
      'line 6: class “Year 9” is not a class of this school (its classes: Reception, Year 1, Year 2)',
      'line 7: the first name is empty',
      'line 8: photo consent “perhaps” is not one of: none, school only, public',
    ]);
    expect((await corridor.api<{ pupils: unknown[] }>('GET', '/api/consent/roster')).body.pupils).toEqual([]);
  });

  it('only admins import or read the roster', async () => {
    expect((await teacher.api('GET', '/api/consent/roster')).status).toBe(403);
    const answer = await corridor.fetch('/api/consent/roster', {
      method: 'PUT',
      headers: { cookie: teacher.cookie, origin: corridor.url, 'x-csrf-token': teacher.csrfToken },
      body: goodRoster,
    });
    expect(answer.status).toBe(403);
  });

  it('previews what an import would change, naming pupils added, changed and leaving, and changes nothing', async () => {
    const preview = (csv: string) =>
      corridor.fetch('/api/consent/roster/preview', {
        method: 'POST',
        headers: { authorization: `Bearer ${corridor.token}`, 'content-type': 'text/csv' },
        body: csv,
      });
    const first = await preview(goodRoster);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      preview: {
        pupils: 4,
        byConsent: { 'no photos': 1, 'school only': 1, public: 2 },
        added: [
          'Ava Brown (Year 2, school only)',
          'Sam Lee (Year 2, no photos)',
          'Tobi Okafor (Year 2, public)',
          'Jo March (Year 1, public)',
        ],
        removed: [],
        changed: [],
        unchanged: 0,
      },
    });
    // The same line-by-line refusal as the import.
    const bad = await preview(`${goodRoster}\r\nHall,Lou,Year 1,perhaps`);
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as ErrorAnswer).error.details).toEqual([
      'line 6: photo consent “perhaps” is not one of: none, school only, public',
    ]);
    expect((await corridor.api<{ pupils: unknown[] }>('GET', '/api/consent/roster')).body.pupils).toEqual([]);
    const asTeacher = await corridor.fetch('/api/consent/roster/preview', {
      method: 'POST',
      headers: { cookie: teacher.cookie, origin: corridor.url, 'x-csrf-token': teacher.csrfToken, 'content-type': 'text/csv' },
      body: goodRoster,
    });
    expect(asTeacher.status).toBe(403);
  });

  it('imports a good roster and tells, for an audience, which pupils must not be identifiable', async () => {
    const answer = await importRoster(goodRoster);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ imported: 4, byConsent: { 'no photos': 1, 'school only': 1, public: 2 } });
    const check = (query: string) =>
      teacher.api<{ consentNeeded: string; pupils: { name: string; consent: string }[] }>('GET', `/api/consent/check?${query}`);
    const toPublic = await check('audience=public&pictured=year-2');
    expect(toPublic.body.consentNeeded).toBe('public');
    expect(toPublic.body.pupils.map((p) => `${p.name}:${p.consent}`).sort()).toEqual(['Ava Brown:school', 'Sam Lee:none']);
    const toClass = await check('audience=class:year-2');
    expect(toClass.body.pupils.map((p) => p.name)).toEqual(['Sam Lee']);
    expect((await check('audience=class:year-1')).body.pupils).toEqual([]);
    // Public with no class named: every class's pupils count (the safe default).
    expect((await check('audience=public')).body.pupils).toHaveLength(2);
    expect((await check('audience=everyone')).status).toBe(400);

    // Against the imported roster, a later file's preview names each change.
    const later = goodRoster
      .replace('Brown,Ava,Year 2,School only', 'Brown,Ava,Year 2,Public')
      .replace('\r\nMarch,Jo,Year 1,Public', '');
    const preview = await corridor.fetch('/api/consent/roster/preview', {
      method: 'POST',
      headers: { authorization: `Bearer ${corridor.token}`, 'content-type': 'text/csv' },
      body: `${later}\r\nPatel,Raj,Year 1,Yes`,
    });
    expect(((await preview.json()) as { preview: unknown }).preview).toEqual({
      pupils: 4,
      byConsent: { 'no photos': 1, 'school only': 0, public: 3 },
      added: ['Raj Patel (Year 1, public)'],
      removed: ['Jo March (Year 1, public)'],
      changed: ['Ava Brown: Year 2, school only → Year 2, public'],
      unchanged: 2,
    });
  });

  it('keeping faces clear in photos to public with a class that has a “school only” pupil needs the confirmation, which is audited', async () => {
    const request = {
      idempotencyKey: crypto.randomUUID(),
      audience: 'public',
      caption: 'Our class paintings',
      pictured: ['year-2'],
      media: [{ contentType: 'image/png', bytes: 9331, alt: 'paintings', faces: 'keep' }],
    };
    const refused = await teacher.api<ErrorAnswer>('POST', '/api/posts', request);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('consent_required');
    expect(refused.body.error.message).toContain('must not be identifiable to everyone (public)');
    expect(refused.body.error.details).toEqual(['Ava Brown (Year 2, school only)', 'Sam Lee (Year 2, no photos)']);
    // Nothing was created by the refused request.
    const mine = await teacher.api<{ posts: { caption: string }[] }>('GET', '/api/posts');
    expect(mine.body.posts.map((p) => p.caption)).not.toContain('Our class paintings');

    const confirmed = await corridor.post({
      audience: 'public',
      caption: 'Our class paintings',
      files: [{ ...photo, faces: 'keep' }],
      idempotencyKey: request.idempotencyKey,
      extra: { pictured: ['year-2'], consentConfirmed: true },
    });
    expect(confirmed.state).toBe('published');
    expect(confirmed.media[0]?.faceChoice).toBe('keep');
    const log = await corridor.api<AuditAnswer>('GET', '/api/audit');
    const entry = log.body.entries.find((e) => e.action === 'consent_confirmed' && e.target === confirmed.id);
    expect(entry).toMatchObject({
      actor: 'demo admin',
      details: {
        audience: ['public'],
        pupils: ['Ava Brown (Year 2, school only)', 'Sam Lee (Year 2, no photos)'],
        facesKept: 'faces kept clear in file 1 of 1',
        blurReason: 'pupils pictured without consent for this audience',
      },
    });
  });

  it('the same photos without a choice start with their faces blurred, and need no confirmation', async () => {
    const blurred = await corridor.post({
      audience: 'public',
      caption: 'Our class paintings, faces blurred',
      files: [photo],
      extra: { pictured: ['year-2'] },
    });
    expect(blurred.state).toBe('published');
    expect(blurred.media[0]?.faceChoice).toBe('blur');
    const log = await corridor.api<AuditAnswer>('GET', '/api/audit');
    expect(log.body.entries.filter((e) => e.action === 'consent_confirmed' && e.target === blurred.id)).toEqual([]);
    // A video's frames other than its poster are not blurred: it still needs the confirmation.
    const video = await teacher.api<ErrorAnswer>('POST', '/api/posts', {
      idempotencyKey: crypto.randomUUID(),
      audience: 'public',
      pictured: ['year-2'],
      media: [{ contentType: 'video/mp4', bytes: 242752 }],
    });
    expect(video.status).toBe(409);
    expect(video.body.error.code).toBe('consent_required');
  });

  it('the school setting “blur faces in public posts” blurs by default; keeping faces clear is audited', async () => {
    const on = await corridor.api('PATCH', '/api/settings', { blurFacesInPublic: true });
    expect(on.status).toBe(200);
    try {
      const byDefault = await corridor.post({ audience: 'public', files: [photo], extra: { pictured: ['year-1'] } });
      expect(byDefault.media[0]?.faceChoice).toBe('blur');
      const classOnly = await corridor.post({ audience: 'class:year-1', files: [photo], extra: { pictured: ['year-1'] } });
      expect(classOnly.media[0]?.faceChoice).toBe('keep');
      const kept = await corridor.post({
        audience: 'public',
        files: [{ ...photo, faces: 'keep' }],
        extra: { pictured: ['year-1'] },
      });
      expect(kept.state).toBe('published');
      const log = await corridor.api<AuditAnswer>('GET', '/api/audit');
      expect(log.body.entries.find((e) => e.action === 'consent_confirmed' && e.target === kept.id)?.details).toMatchObject({
        pupils: [],
        blurReason: 'the school blurs faces in public posts',
      });
    } finally {
      await corridor.api('PATCH', '/api/settings', { blurFacesInPublic: false });
    }
  });

  it('a class whose pupils all consent needs no confirmation; a post without files is not checked', async () => {
    const ok = await corridor.post({
      audience: 'public',
      caption: 'Year 1 at the farm',
      files: [photo],
      extra: { pictured: ['year-1'] },
    });
    expect(ok.state).toBe('published');
    const textOnly = await teacher.api('POST', '/api/posts', {
      idempotencyKey: crypto.randomUUID(),
      audience: 'public',
      caption: 'Reminder: trip money by Friday',
    });
    expect(textOnly.status).toBe(201);
  });

  it('widening a posted class photo to public is checked like a new post', async () => {
    // Sam Lee has no photo consent at all: even the class audience needs a confirmation.
    const unconfirmed = await corridor.api<ErrorAnswer>('POST', '/api/posts', {
      idempotencyKey: crypto.randomUUID(),
      audience: 'class:year-2',
      media: [{ contentType: 'image/png', bytes: 9331, faces: 'keep' }],
    });
    expect(unconfirmed.status).toBe(409);
    expect(unconfirmed.body.error.details).toEqual(['Sam Lee (Year 2, no photos)']);
    expect(unconfirmed.body.error.message).toContain('must not be identifiable to families of Year 2');
    const confirmedClassPost = await corridor.post({
      audience: 'class:year-2',
      caption: 'Class assembly',
      files: [{ ...photo, faces: 'keep' }],
      extra: { consentConfirmed: true },
    });
    expect(confirmedClassPost.state).toBe('published');
    const widen = await teacher.api<ErrorAnswer>('PATCH', `/api/posts/${confirmedClassPost.id}`, { audience: 'public' });
    expect(widen.status).toBe(409);
    expect(widen.body.error.details).toEqual(['Ava Brown (Year 2, school only)', 'Sam Lee (Year 2, no photos)']);
    const widened = await teacher.api('PATCH', `/api/posts/${confirmedClassPost.id}`, {
      audience: 'public',
      consentConfirmed: true,
    });
    expect(widened.status).toBe(200);
    const log = await corridor.api<AuditAnswer>('GET', '/api/audit');
    expect(log.body.entries).toContainEqual(
      expect.objectContaining({ action: 'consent_confirmed', target: confirmedClassPost.id, actor: 'teacher@school.example' }),
    );
  });
});
