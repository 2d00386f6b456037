import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../functions/api/app';
import { createToken, revokeToken } from '../../functions/core/auth/tokens';
import { putSchool } from '../../functions/core/schools/school';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';

let corridor: TestCorridor;
let api: ReturnType<typeof createApi>;
beforeAll(async () => {
  corridor = await startTestCorridor();
  api = createApi(corridor.local.deps);
});
afterAll(() => corridor?.stop());

const json = (token: string | undefined, body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

const validPost = () => ({ idempotencyKey: crypto.randomUUID(), audience: 'public', caption: 'hello' });

describe('the HTTP API at its boundary (app.request, real emulators)', () => {
  it('refuses a mutating request without a token, in words', async () => {
    const response = await api.request('/api/posts', json(undefined, validPost()));
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/API token/);
  });

  it('refuses a revoked token at once', async () => {
    const { token } = await createToken(corridor.local.deps, { schoolId: 'demo', role: 'staff', label: 'temp' });
    expect((await api.request('/api/posts', json(token, validPost()))).status).toBe(201);
    await revokeToken(corridor.local.deps, token);
    expect((await api.request('/api/posts', json(token, validPost()))).status).toBe(401);
  });

  it('answers malformed JSON with 400 and a sentence', async () => {
    const response = await api.request('/api/posts', json(corridor.token, '{"caption": '));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'bad_request', message: 'The request body is not valid JSON.' } });
  });

  it('refuses an oversize photo before any upload, naming the limit', async () => {
    const response = await api.request(
      '/api/posts',
      json(corridor.token, { ...validPost(), media: [{ contentType: 'image/jpeg', bytes: 60 * 1024 * 1024 }] }),
    );
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('the limit is 50.0 MB');
  });

  it('refuses SVG and other non-media declared types', async () => {
    for (const contentType of ['image/svg+xml', 'application/pdf', 'text/html']) {
      const response = await api.request(
        '/api/posts',
        json(corridor.token, { ...validPost(), media: [{ contentType, bytes: 100 }] }),
      );
      expect(response.status).toBe(400);
      expect(JSON.stringify(await response.json())).toContain('is not a photo, video or sound recording');
    }
  });

  it('refuses an over-large JSON body with 413', async () => {
    const response = await api.request('/api/posts', json(corridor.token, { ...validPost(), caption: 'x'.repeat(300 * 1024) }));
    expect(response.status).toBe(413);
  });

  it('does not show another school’s post', async () => {
    const { body } = await corridor.api<{ post: { id: string } }>('POST', '/api/posts', validPost());
    await putSchool(corridor.local.deps, { id: 'other', name: 'Other School', timezone: 'Europe/London', classes: [] });
    const { token } = await createToken(corridor.local.deps, { schoolId: 'other', role: 'admin', label: 'other admin' });
    const response = await api.request(`/api/posts/${body.post.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(404);
    const retract = await api.request(`/api/posts/${body.post.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(retract.status).toBe(404);
  });

  it('publishes a caption-only post at once', async () => {
    const { status, body } = await corridor.api<{ post: { id: string } }>('POST', '/api/posts', validPost());
    expect(status).toBe(201);
    await corridor.local.idle();
    const { body: read } = await corridor.api<{ post: { state: string; live: boolean } }>('GET', `/api/posts/${body.post.id}`);
    expect(read.post).toMatchObject({ state: 'published', live: true });
  });
});
