import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import { createToken } from '../../functions/core/auth/tokens';
import { POSTS_PER_CALLER } from '../../functions/core/limits/rate-limit';
import type { TestCorridor } from '../helpers/corridor';
import {
  type JoinLink,
  joinByEmail,
  savePreferences,
  sentEmails,
  startParentsWorld,
  stopParentsWorld,
  testClock,
} from '../helpers/parents';
import type { PushService } from '../helpers/push-service';
import { browserFromLink, latestSignInLink, signInAsNewStaff } from '../helpers/staff';

/**
 * Issue 15, input hygiene: what an adversarial run sent through the API's front door — control
 * characters into captions (reaching an e-mail subject and pages), malformed percent-encoding (500
 * URIError), a non-ASCII hashtag (a tag page that 404'd), a flood of caption-only posts and tokens
 * sharing a label (no limit, or a shared one), and zod's developer words reaching a teacher.
 */

// 11:00 in London: outside quiet hours, so a family on "every post" is mailed at once.
const clock = testClock('2026-06-10T10:00:00Z');
let corridor: TestCorridor;
let push: PushService;
let links: Record<string, JoinLink>;
beforeAll(async () => {
  ({ corridor, push, links } = await startParentsWorld(clock.now));
});
afterAll(() => stopParentsWorld({ corridor, push }));

const textPost = (caption: string, audience: string | string[] = 'public', token?: string) =>
  corridor.post({ audience, caption, token });

describe('control characters never reach a header or a page', () => {
  it('a CR/LF in a caption is not in the e-mail subject (raw MIME from the SES emulator) nor the oEmbed title', async () => {
    const address = `cr-${Date.now()}@family.example`;
    const manageUrl = await joinByEmail(corridor, (links['year-1'] as JoinLink).url, address);
    await savePreferences(manageUrl, { email: 'instant' });
    const injected = 'Sports day\r\nBcc: attacker@evil.example\r\nX-Injected: yes\u0000\u001b[31m';
    const post = await textPost(injected);
    expect(post.state).toBe('published');
    // Stored with its line break as \n, and no NUL or ESC.
    expect(post.caption).toBe('Sports day\nBcc: attacker@evil.example\nX-Injected: yes[31m');

    const [mail] = (await sentEmails(corridor, address)).filter((m) => m.subject.includes('Sports day'));
    expect(mail?.subject).toBe('Demo Primary School: Sports day');
    expect(mail?.subject).not.toMatch(/[\r\n]/);
    const { messageId } = mail as unknown as { messageId: string };
    const eml = (await (
      await fetch(`${corridor.local.emulators.sesEndpoint}/get-emlContent?messageId=${encodeURIComponent(messageId)}`)
    ).json()) as { body: string | { data: number[] } };
    const mime = typeof eml.body === 'string' ? eml.body : Buffer.from(eml.body.data).toString('utf8');
    const headers = mime.split(/\r?\n\r?\n/)[0] ?? '';
    expect(headers).toMatch(/^Subject: /m);
    expect(headers).not.toMatch(/^(Bcc|X-Injected):/im);
    expect(mime).not.toContain('attacker@evil.example>');

    const oembed = (await (
      await corridor.fetch(`/api/oembed?url=${encodeURIComponent(`${corridor.url}/p/${post.id}`)}`)
    ).json()) as { title: string };
    expect(oembed.title).toBe('Sports day');

    const page = await (await corridor.fetch(`/p/${post.id}`)).text();
    expect(page).not.toMatch(/[\u0000\u001b]/);
    expect(page).toContain('X-Injected: yes[31m');
  });

  it('alt text, staff names and send-back reasons lose their control characters too', async () => {
    const invited = await corridor.api<{ member: { name: string } }>('POST', '/api/staff', {
      email: `ctl-${Date.now()}@school.example`,
      name: 'Ms\u0000 Smith\u001b',
      role: 'staff',
    });
    expect(invited.status).toBeLessThan(300);
    expect(invited.body.member.name).toBe('Ms Smith');
  });
});

describe('malformed paths answer 400 with words, never 500', () => {
  const paths = [
    '/s/demo/%C0%AE',
    '/s/demo/t/%u002e',
    '/p/%',
    '/media/%C0%AE.jpg',
    '/c/%u002e/',
    '/w/%',
    '/embed/%C0%AE',
    '/api/posts/%C0%AE',
    '/api/%',
    '/join/demo/year-1/%C0%AE',
    '/family/%',
    '/compose/%C0%AE',
    '/%',
    '/%C0%AE',
  ];
  for (const path of paths) {
    it(path, async () => {
      const response = await corridor.fetch(path, { headers: { authorization: `Bearer ${corridor.token}` } });
      const body = await response.text();
      expect(response.status).toBe(400);
      expect(body).not.toMatch(/URIError|stack|Internal Server Error/i);
      expect(body).toMatch(/not valid|garbled/);
    });
  }
});

describe('a non-ASCII hashtag works end to end', () => {
  it('#tägé (typed composed or decomposed) links to one tag page that exists', async () => {
    const composed = await textPost('Our trip #tägé');
    const decomposed = await textPost('Back from the trip #ta\u0308ge\u0301');
    expect(composed.state).toBe('published');
    expect(decomposed.state).toBe('published');
    const school = await (await corridor.fetch('/s/demo')).text();
    const hrefs = [...school.matchAll(/href="([^"]*\/t\/[^"]*)"/g)].map((m) => m[1] ?? '');
    const tagHref = hrefs.find((href) => href.endsWith('/t/t%C3%A4g%C3%A9'));
    expect(tagHref).toBeDefined();
    expect(new Set(hrefs.filter((h) => h.includes('/t/t')))).toEqual(new Set([tagHref]));
    const page = await fetch(tagHref as string);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('#tägé');
    expect(html).toContain('Our trip');
    expect(html).toContain('Back from the trip');
    const feed = (await (await fetch(`${tagHref}/feed.json`)).json()) as { items: { id: string }[]; feed_url: string };
    expect(feed.items).toHaveLength(2);
    expect(feed.feed_url).toBe(`${tagHref}/feed.json`);
  });
});

describe('rate limits count the caller, for every post', () => {
  it('caption-only posts are limited; another token with the same label keeps its own budget', async () => {
    const first = await createToken(corridor.local.deps, { schoolId: 'demo', role: 'staff', label: 'Year 1 iPad' });
    const second = await createToken(corridor.local.deps, { schoolId: 'demo', role: 'staff', label: 'Year 1 iPad' });
    const draft = (token: string) =>
      corridor.api<{ error?: { code: string; message: string } }>(
        'POST',
        '/api/posts',
        { idempotencyKey: crypto.randomUUID(), audience: 'class:year-1', caption: 'Reminder: PE kit', draft: true },
        token,
      );
    for (let i = 0; i < POSTS_PER_CALLER.limit; i++) expect((await draft(first.token)).status).toBe(201);
    const refused = await corridor.fetch('/api/posts', {
      method: 'POST',
      headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ idempotencyKey: crypto.randomUUID(), audience: 'public', caption: 'one more' }),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const { error } = (await refused.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('rate_limited');
    expect(error.message).toMatch(/^You have posted a great many times.*Please wait/);
    expect((await draft(second.token)).status).toBe(201);
  });

  it("a member's sessions share one budget", async () => {
    const email = `sessions-${Date.now()}@school.example`;
    const phone = await signInAsNewStaff(corridor, email);
    expect((await corridor.api('POST', '/api/auth/sign-in', { email }, '')).status).toBe(202);
    const laptop = await browserFromLink(corridor, email, await latestSignInLink(corridor, email));
    expect(laptop.cookie).not.toBe(phone.cookie);
    const draft = (browser: typeof phone) =>
      browser.api('POST', '/api/posts', { idempotencyKey: crypto.randomUUID(), audience: 'school', caption: 'x', draft: true });
    for (let i = 0; i < POSTS_PER_CALLER.limit; i++) expect((await draft(i % 2 ? phone : laptop)).status).toBe(201);
    expect((await draft(phone)).status).toBe(429);
    expect((await draft(laptop)).status).toBe(429);
  });
});

describe('every refusal is a sentence, not a validator’s words', () => {
  it('the empty file, a missing audience, an over-long caption, a bad date', async () => {
    const refusal = async (body: Record<string, unknown>) => {
      const answer = await corridor.api<{ error: { code: string; message: string; details: string[] } }>('POST', '/api/posts', {
        idempotencyKey: crypto.randomUUID(),
        audience: 'public',
        ...body,
      });
      expect(answer.status).toBe(400);
      for (const detail of answer.body.error.details) {
        expect(detail).toMatch(/^[A-Z].*\.$/);
        expect(detail).not.toMatch(/Too small|Too big|expected|Invalid input|media\.\d|>0/);
      }
      return answer.body.error.message;
    };
    expect(await refusal({ media: [{ contentType: 'image/jpeg', bytes: 0 }] })).toBe(
      'Please check: File 1 is empty — please choose the photo or recording again.',
    );
    expect(await refusal({ audience: undefined, caption: 'x' })).toBe('Please check: The audience is missing.');
    expect(await refusal({ caption: 'x'.repeat(5001) })).toBe('Please check: The caption is too long (at most 5000 characters).');
    expect(await refusal({ caption: 'x', publishAt: 'tomorrow' })).toBe(
      'Please check: The publishing time is not a date and time (like 2026-03-01T15:30:00Z).',
    );
    expect(await refusal({ media: [{ contentType: 'audio/wav', bytes: 800 * 1024 * 1024 }] })).toBe(
      'Please check: File 1: this audio is 800.0 MB; the limit is 700.0 MB.',
    );
  });

  it('a 60-minute WAV fits the audio limit the README states', async () => {
    const oneHourWav = 44 + 44_100 * 2 * 2 * 3600;
    const answer = await corridor.api<{ post: PostView }>('POST', '/api/posts', {
      idempotencyKey: crypto.randomUUID(),
      audience: 'school',
      media: [{ contentType: 'audio/wav', bytes: oneHourWav }],
      draft: true,
    });
    expect(answer.status).toBe(201);
  });
});
