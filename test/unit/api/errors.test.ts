import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { handleError } from '../../../functions/api/errors';
import { SchoolExists } from '../../../functions/core/admin/create';
import { ConsentRequired, type RestrictedPupil } from '../../../functions/core/consent/check';
import { DomainError } from '../../../functions/core/errors';
import { RateLimited } from '../../../functions/core/limits/rate-limit';
import { ToolFailed } from '../../../functions/core/media/av/run';
import { PostNotFound } from '../../../functions/core/posts/edit';

/**
 * Errors that know their answer: every error core throws on purpose extends DomainError (a stable code
 * and a status), and the API's error handler maps them without naming a single class. A real Hono app
 * throws them here and the answers are read back as a client reads them.
 */
const root = resolve(fileURLToPath(new URL('../../../', import.meta.url)));

function appThrowing(error: Error) {
  const app = new Hono();
  app.get('/', () => {
    throw error;
  });
  app.onError(handleError);
  return app;
}

async function answer(error: Error) {
  const res = await appThrowing(error).request('/');
  return { status: res.status, headers: res.headers, body: (await res.json()) as { error: Record<string, unknown> } };
}

describe('errors that know their answer', () => {
  it('every error class in core extends DomainError, and the API handler names none of them', () => {
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', 'functions/core'], {
      cwd: root,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((f) => f.endsWith('.ts'));
    const plain = files.filter(
      (f) => f !== 'functions/core/errors.ts' && /class \w+ extends Error\b/.test(readFileSync(resolve(root, f), 'utf8')),
    );
    expect(plain).toEqual([]);
    const handler = readFileSync(resolve(root, 'functions/api/errors.ts'), 'utf8');
    expect(handler).not.toMatch(/from '\.\.\/core\/(?!errors'|security\/)/);
  });

  it('a refusal answers its own status and code, with its details and headers', async () => {
    expect(await answer(new PostNotFound())).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found', message: 'There is no such post in your school.' } },
    });
    expect(await answer(new SchoolExists('There is already a school with the id oak.'))).toMatchObject({
      status: 409,
      body: { error: { code: 'conflict' } },
    });
    const pupil: RestrictedPupil = { name: 'Ada L', classId: 'year-1', className: 'Year 1', consent: 'none' };
    const consent = await answer(new ConsentRequired([pupil], 'everyone'));
    expect(consent.status).toBe(409);
    expect(consent.body.error).toMatchObject({ code: 'consent_required', details: [expect.stringContaining('Ada L')] });
    const limited = await answer(new RateLimited('Too many tries; wait a minute.', 60));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
  });

  it('an error of ours (5xx) is logged and answered in general words: its message stays in the logs', async () => {
    const failed = await answer(new ToolFailed('ffmpeg', 1, 'secret/path/original.mov: Invalid data found'));
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe('tool_failed');
    expect(JSON.stringify(failed.body)).not.toContain('secret/path');
    const custom = await answer(new DomainError('busy', 503, 'lease POST#x held'));
    expect(custom).toMatchObject({
      status: 503,
      body: { error: { message: 'Something went wrong on our side. Please try again.' } },
    });
  });
});
