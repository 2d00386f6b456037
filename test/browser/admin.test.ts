import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../functions/core/auth/tokens';
import { createFamily } from '../../functions/core/families/family';
import { addEmail } from '../../functions/core/families/recipients';
import { launchChromium, PHONE, phoneLayoutProblems, screenshot, seriousAxeViolations } from '../helpers/browser';
import { corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { latestSignInLink } from '../helpers/staff';

/**
 * Issue 17, acceptance 1 and 5, on the phone-sized screen: an operator creates a second school with three
 * classes and its head from the CLI; the head signs in by emailed link, invites a
 * teacher, imports the photo-consent roster (one bad line first), prints a class poster, turns approval
 * on; the teacher accepts the invitation and posts a photo; the head approves it and it appears on the
 * school page. Every admin screen is checked with axe, for 44 px targets and for sideways scrolling.
 * Chromium at 390×844 with touch; screenshots in test/.artifacts/screenshots/admin-*.png.
 */
let corridor: TestCorridor;
let browser: Browser;
let head: BrowserContext;
let admin: Page;
/** The new school's admin API token, for the test's own reads (the screens use the head's session). */
let schoolToken: string;
const SCHOOL = 'oakfield';
const HEAD = 'head@oakfield.example';
const TEACHER = 'ms.rivera@oakfield.example';
const PARENT = 'parent.one@families.example';
const caption = 'Year 1 built a bug hotel';

beforeAll(async () => {
  corridor = await startTestCorridor();
  // The operator's first credential, then the school from the CLI (`corridor school create`), over the API.
  const { token: operator } = await createToken(corridor.local.deps, { role: 'operator', label: 'Trust IT' });
  const created = await promisify(execFile)(
    process.execPath,
    [
      'functions/cli/bin.js',
      'school',
      'create',
      '--id',
      SCHOOL,
      '--name',
      'Oakfield Primary',
      '--classes',
      'Reception, Year 1, Year 2',
      '--admin',
      HEAD,
      '--admin-name',
      'Mrs Patel',
    ],
    { env: { ...process.env, CORRIDOR_URL: corridor.url, CORRIDOR_TOKEN: operator } },
  );
  expect(created.stdout).toContain(SCHOOL);
  ({ token: schoolToken } = await createToken(corridor.local.deps, { schoolId: SCHOOL, role: 'admin', label: 'test' }));
  browser = await launchChromium();
  head = await browser.newContext(PHONE);
  admin = await head.newPage();
  // Two families of Year 1: one confirmed an email address, one has no way to hear yet.
  const deps = corridor.local.deps;
  const withEmail = await createFamily(deps, { schoolId: SCHOOL, classIds: ['year-1'] });
  await addEmail(deps, withEmail.id, PARENT);
  await createFamily(deps, { schoolId: SCHOOL, classIds: ['year-1'] });
});

afterAll(async () => {
  await browser?.close();
  await corridor?.stop();
});

/** Waits for a page to show something: generous, since the machine running the tests may be busy. */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 30_000 });

/** Looks at a screen as a phone user would: screenshot, axe, 44 px targets, no sideways scroll. */
async function check(page: Page, name: string): Promise<void> {
  await screenshot(page, `admin-${name}`);
  expect(await seriousAxeViolations(page), `axe on ${name}`).toEqual([]);
  const layout = await phoneLayoutProblems(page);
  expect(layout.horizontalOverflow, `sideways scroll on ${name}`).toBeLessThanOrEqual(0);
  expect(layout.smallTargets, `small targets on ${name}`).toEqual([]);
}

/** Opens an admin screen from the menu, as a thumb would. */
async function open(page: Page, title: string): Promise<void> {
  await page.goto(`${corridor.url}/compose/#admin`);
  await page.getByRole('link', { name: new RegExp(`^${title}`) }).tap();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

/** Signs a browser in with the link in the latest email to `email`: the confirmation page's one button. */
async function signInFromMail(page: Page, email: string): Promise<void> {
  await page.goto(`${corridor.url}${await latestSignInLink(corridor, email)}`);
  await Promise.all([page.waitForURL(`${corridor.url}/compose/`), page.getByRole('button', { name: /sign in/i }).tap()]);
}

/** The roster export; the walk's teacher posts a public photo, so everyone on it may be pictured publicly. */
const roster = (alan: string, grace = 'Yes') =>
  [
    'Forename,Surname,Reg Group,Photo Consent',
    'Ada,Lovelace,Year 1,Public',
    `Alan,Turing,Year 1,${alan}`,
    `Grace,Hopper,Year 2,${grace}`,
  ].join('\r\n');

describe('running a new school from a phone', () => {
  it('the head signs in by emailed link and finds the admin area (its code loads only now)', async () => {
    const scripts: string[] = [];
    admin.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await admin.goto(`${corridor.url}/compose/`);
    await admin.getByLabel('School email').fill(HEAD);
    await admin.getByRole('button', { name: 'Email me a sign-in link' }).tap();
    await poll(() => admin.getByRole('status').first().textContent()).toMatch(/on its way/);
    await signInFromMail(admin, HEAD);
    await admin.getByLabel('Caption').waitFor();
    const beforeAdmin = scripts.length;
    await admin.getByRole('link', { name: /^Admin/ }).tap();
    await admin.getByRole('heading', { level: 1, name: 'Admin' }).waitFor();
    // The admin area came as a chunk the composer had not loaded before.
    expect(scripts.length).toBeGreaterThan(beforeAdmin);
    await check(admin, 'menu');
  });

  it('invites a teacher, who shows as not accepted yet', async () => {
    await open(admin, 'Staff');
    await admin.getByLabel('Name').fill('Ms Rivera');
    await admin.getByLabel('School email').fill(TEACHER);
    await admin.getByRole('button', { name: 'Send the invitation' }).tap();
    await poll(() => admin.locator('.status-line').first().textContent()).toContain(`Invitation sent to ${TEACHER}`);
    const card = admin.locator('.card', { hasText: TEACHER });
    await poll(() => card.textContent()).toMatch(/has not accepted yet/);
    await check(admin, 'staff');
  });

  it('with no signal, shows the staff list it saved, marked as such, and says in words why an invitation cannot go', async () => {
    await head.setOffline(true);
    try {
      // Within the page (no reload: the composer's shell comes from its service worker, not tested here).
      await admin.getByRole('link', { name: '‹ Admin' }).tap();
      await admin.getByRole('link', { name: /^Staff/ }).tap();
      await admin.getByRole('heading', { level: 1, name: 'Staff' }).waitFor();
      await poll(() => admin.locator('.offline-note').textContent()).toMatch(/^No connection: this is the copy saved/);
      expect(await admin.locator('.card', { hasText: TEACHER }).textContent()).toContain('has not accepted yet');
      await admin.getByLabel('Name').fill('Mr Offline');
      await admin.getByLabel('School email').fill('offline@oakfield.example');
      await admin.getByRole('button', { name: 'Send the invitation' }).tap();
      await expect
        .poll(() => admin.locator('.status-line.problem').first().textContent())
        .toBe('Inviting needs a connection, and there is none. Try again when you have signal.');
      await screenshot(admin, 'admin-staff-offline');
    } finally {
      await head.setOffline(false);
    }
  });

  it('imports the consent roster: a bad line is shown with its own line number, then the fixed file after a preview', async () => {
    await open(admin, 'Photo consent');
    const file = admin.locator('input[type=file]');
    await file.setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(roster('maybe')) });
    const problems = admin.getByRole('list', { name: 'Problems in the file' });
    await problems.waitFor();
    expect(await problems.textContent()).toContain('Line 3: photo consent “maybe” is not one of: none, school only, public');
    expect(await problems.locator('code').textContent()).toBe('Alan,Turing,Year 1,maybe');
    expect((await corridor.api<{ pupils: unknown[] }>('GET', '/api/consent/roster', undefined, schoolToken)).body.pupils).toEqual(
      [],
    );
    await check(admin, 'consent-error');

    await file.setInputFiles({ name: 'roster-fixed.csv', mimeType: 'text/csv', buffer: Buffer.from(roster('Public')) });
    const preview = admin.locator('.card', { hasText: 'What importing changes' });
    await preview.waitFor();
    expect(await preview.textContent()).toContain('3 pupils: 3 public.');
    expect(await preview.textContent()).toContain('Alan Turing (Year 1, public)');
    // A preview changes nothing.
    expect((await corridor.api<{ pupils: unknown[] }>('GET', '/api/consent/roster', undefined, schoolToken)).body.pupils).toEqual(
      [],
    );
    await check(admin, 'consent-preview');
    await admin.getByRole('button', { name: 'Import this roster' }).tap();
    await poll(() => admin.locator('.status-line').first().textContent()).toContain('Imported 3 pupils');
    const publicCard = admin.locator('.card', { hasText: 'Public posts' });
    await poll(() => publicCard.textContent()).toContain('Every pupil on the roster may be pictured.');
  });

  it('opens a class poster: one printable A4 page with the class name, QR code and two lines of instructions', async () => {
    await open(admin, 'Classes and join links');
    await check(admin, 'classes');
    const link = admin.getByRole('link', { name: 'Print the poster for Year 1' });
    const [poster] = await Promise.all([head.waitForEvent('page'), link.tap()]);
    await poster.waitForLoadState();
    expect(await poster.getByRole('heading', { level: 1 }).textContent()).toBe('Year 1');
    expect(await poster.getByRole('img', { name: /QR code for the Year 1 join link/ }).count()).toBe(1);
    expect(await poster.locator('ol li').count()).toBe(2);
    expect(await poster.getByRole('button', { name: 'Print this poster' }).isVisible()).toBe(true);
    await check(poster, 'poster');
    // Printed: the button goes, and the whole poster fits one A4 page.
    await poster.emulateMedia({ media: 'print' });
    expect(await poster.getByRole('button', { name: 'Print this poster' }).isVisible()).toBe(false);
    const pdf = await poster.pdf({ format: 'A4', preferCSSPageSize: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1);
    await poster.close();
  });

  it('replaces a leaked join link: two taps, the new link is shown, the old poster is gone', async () => {
    const oldPoster = await admin.getByRole('link', { name: 'Print the poster for Year 2' }).getAttribute('href');
    await admin.getByText('Change Year 2').tap();
    await admin.getByRole('button', { name: 'Replace the link' }).tap();
    await admin.getByRole('button', { name: /Tap again: the old link and posters stop working/ }).tap();
    await poll(() => admin.locator('.notice').textContent()).toContain('Year 2 has a new join link');
    const newPoster = await admin.getByRole('link', { name: 'Print the poster for Year 2' }).getAttribute('href');
    expect(newPoster).not.toBe(oldPoster);
    expect((await fetch(oldPoster ?? '')).status).toBe(404);
    expect((await fetch(newPoster ?? '')).status).toBe(200);
  });

  it('turns approval on', async () => {
    await open(admin, 'Settings');
    await admin.getByLabel('Staff posts wait for an admin’s approval').tap();
    await poll(() => admin.locator('.status-line').first().textContent()).toContain('staff posts now wait');
    const { body } = await corridor.api<{ settings: { requiresApproval: boolean } }>(
      'GET',
      '/api/settings',
      undefined,
      schoolToken,
    );
    expect(body.settings.requiresApproval).toBe(true);
    await check(admin, 'settings');
  });

  it('the teacher accepts the invitation, sees no admin area, and posts a photo that waits for approval', async () => {
    const context = await browser.newContext(PHONE);
    const teacher = await context.newPage();
    await signInFromMail(teacher, TEACHER);
    await teacher.getByLabel('Caption').waitFor();
    expect(await teacher.getByRole('link', { name: /^Admin/ }).count()).toBe(0);
    const chooser = teacher.waitForEvent('filechooser');
    await teacher.getByRole('button', { name: 'Photos' }).tap();
    await (await chooser).setFiles([corpusPath('orient_landscape_6.jpg')]);
    await teacher.getByLabel('Describe photo 1').fill('A bug hotel made of sticks and pine cones');
    await teacher.getByLabel('Caption').fill(caption);
    await teacher.locator('label.chip', { hasText: 'Public' }).tap();
    await teacher.getByRole('button', { name: /^Post/ }).tap();
    await expect
      .poll(() => teacher.locator('.activity .card .status').textContent(), { timeout: 30_000 })
      .toBe('Waiting for approval');
    await screenshot(teacher, 'admin-teacher-waiting');
    await context.close();
  });

  it('the head sees the badge, looks at the processed photo, approves it, and it appears on the school page', async () => {
    await admin.goto(`${corridor.url}/compose/#admin`);
    await poll(() => admin.locator('.badge').textContent()).toBe('1');
    await open(admin, 'Approvals');
    const card = admin.locator('.card', { hasText: caption });
    await card.waitFor();
    const photo = card.getByRole('img', { name: 'A bug hotel made of sticks and pine cones' });
    await poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    expect(await card.textContent()).toContain(`By ${TEACHER}`);
    await check(admin, 'approvals');
    await card.getByRole('button', { name: 'Approve and publish' }).tap();
    await poll(() => card.textContent()).toContain('Approved');
    await poll(() => admin.locator('.badge').isHidden()).toBe(true);
    await corridor.local.idle();
    await expect.poll(async () => (await corridor.fetch(`/s/${SCHOOL}`)).text(), { timeout: 15_000 }).toContain(caption);
  });

  it('shows in My posts who heard about it: counts only', async () => {
    await corridor.local.idle();
    await admin.goto(`${corridor.url}/compose/#posts`);
    const card = admin.locator('.my-posts .card', { hasText: caption });
    await card.getByRole('button', { name: 'Who heard about it' }).tap();
    await poll(() => card.locator('.reach-lines').textContent()).toContain('Meant for 2 families.');
    const lines = await card.locator('.reach-lines li').allTextContents();
    expect(lines).toEqual([
      'Meant for 2 families.',
      '1 family: in their evening message.',
      '1 family: no way to hear (no phone or email that works).',
    ]);
    await check(admin, 'reach');
  });

  it('a later roster: the preview names the change, and who must not be identifiable is listed per audience', async () => {
    await open(admin, 'Photo consent');
    await admin.locator('input[type=file]').setInputFiles({
      name: 'roster-spring.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(roster('Public', 'School only')),
    });
    const preview = admin.locator('.card', { hasText: 'What importing changes' });
    await poll(() => preview.textContent()).toContain('Grace Hopper: Year 2, public → Year 2, school only');
    expect(await preview.textContent()).toContain('2 pupils unchanged.');
    await admin.getByRole('button', { name: 'Import this roster' }).tap();
    const publicCard = admin.locator('.card', { hasText: 'Public posts' });
    await poll(() => publicCard.textContent()).toContain('Year 2: Grace Hopper');
    expect(await admin.locator('.card', { hasText: 'Families only' }).textContent()).toContain(
      'Every pupil on the roster may be pictured.',
    );
    await check(admin, 'consent-pictured');
  });

  it('reads the audit log newest first, filters it, and downloads it as CSV', async () => {
    await open(admin, 'Audit log');
    const entries = admin.locator('.audit-list li');
    await entries.first().waitFor();
    expect(await entries.first().textContent()).toContain('imported the consent roster (3 pupils)');
    expect(await entries.nth(1).textContent()).toContain('approved a post');
    await admin.getByLabel('Action').selectOption({ label: 'Invited' });
    const invited = await entries.allTextContents();
    expect(invited.every((line) => line.includes(' invited '))).toBe(true);
    expect(invited.filter((line) => line.includes(`invited ${TEACHER}`))).toHaveLength(1);
    await check(admin, 'audit');
    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      admin.getByRole('button', { name: /Download as a spreadsheet/ }).tap(),
    ]);
    expect(download.suggestedFilename()).toBe(`corridor-audit-${SCHOOL}.csv`);
  });

  it('posting a photo with a pupil whose consent is narrower: the composer names her, and the poster confirms', async () => {
    await admin.goto(`${corridor.url}/compose/#new`);
    const chooser = admin.waitForEvent('filechooser');
    await admin.getByRole('button', { name: 'Photos' }).tap();
    await (await chooser).setFiles([corpusPath('orient_portrait_3.jpg')]);
    await admin.getByLabel('Describe photo 1').fill('The school garden');
    await admin.getByLabel('Caption').fill('Our garden in spring');
    const box = admin.getByRole('checkbox', { name: 'Public' });
    if (!(await box.isChecked())) await admin.locator('label.chip', { hasText: 'Public' }).tap();
    await admin.getByRole('button', { name: /^Post/ }).tap();
    const card = admin.locator('.activity .card', { hasText: 'Our garden in spring' });
    await expect
      .poll(() => card.locator('.status').textContent(), { timeout: 30_000 })
      .toContain('Grace Hopper (Year 2, school only)');
    await screenshot(admin, 'admin-consent-confirm');
    await card.getByRole('button', { name: 'None of them can be recognised: post' }).tap();
    await expect.poll(() => card.locator('.status').textContent(), { timeout: 30_000 }).toBe('Live');
    const log = await corridor.api<{ entries: { action: string; details: { pupils?: string[] } }[] }>(
      'GET',
      '/api/audit',
      undefined,
      schoolToken,
    );
    expect(log.body.entries.find((e) => e.action === 'consent_confirmed')?.details.pupils).toEqual([
      'Grace Hopper (Year 2, school only)',
    ]);
  });

  it('exports everything and erases a family found by email, after naming what goes', async () => {
    await open(admin, 'Data protection');
    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      admin.getByRole('button', { name: 'Download everything' }).tap(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^corridor-${SCHOOL}-\\d{4}-\\d{2}-\\d{2}\\.json$`));
    await admin.getByLabel('The parent’s email address').fill(PARENT);
    await admin.getByRole('button', { name: 'Find the family' }).tap();
    const card = admin.locator('.card', { hasText: `The family of ${PARENT}` });
    await card.waitFor();
    expect(await card.textContent()).toContain(`1 email address: ${PARENT}`);
    expect(await card.textContent()).toContain('their place in Year 1');
    await check(admin, 'erase');
    const erase = card.getByRole('button', { name: 'Erase this family' });
    await erase.tap();
    await card.getByRole('button', { name: /Tap again to erase/ }).tap();
    await poll(() => admin.locator('.status-line').last().textContent()).toMatch(/^Erased: \d+ records deleted/);
    await admin.getByRole('button', { name: 'Find the family' }).tap();
    await expect
      .poll(() => admin.locator('.status-line').last().textContent())
      .toContain(`No family at your school has confirmed ${PARENT}`);
  });
});
