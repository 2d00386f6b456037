import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Deps } from '../core/deps';
import { errorBody, handleError } from './errors';
import { approvalRoutes } from './routes/approvals';
import { auditRoutes } from './routes/audit';
import { authRoutes } from './routes/auth';
import { consentRoutes } from './routes/consent';
import { dataProtectionRoutes } from './routes/data-protection';
import { guidelinesRoutes } from './routes/guidelines';
import { oembedRoutes } from './routes/oembed';
import { postRoutes } from './routes/posts';
import { schoolRoutes } from './routes/schools';
import { settingsRoutes } from './routes/settings';
import { staffRoutes } from './routes/staff';
import { securityHeadersMiddleware } from './security-headers';

/** JSON requests are small: files never pass through the API (they go straight to S3). */
export const MAX_API_BODY_BYTES = 256 * 1024;

/** The HTTP API, mounted at `/api` on Lambda and in the embedded default alike. */
export function createApi(deps: Deps) {
  const api = new Hono().basePath('/api');
  api.use('*', securityHeadersMiddleware(deps.config));
  api.use(
    '*',
    bodyLimit({
      maxSize: MAX_API_BODY_BYTES,
      onError: (c) =>
        c.json(errorBody('too_large', 'The request is too large. Files are uploaded separately, not in the request.'), 413),
    }),
  );
  api.get('/health', (c) => c.json({ ok: true }));
  api.route('/posts', postRoutes(deps));
  api.route('/schools', schoolRoutes(deps));
  api.route('/oembed', oembedRoutes(deps));
  api.route('/auth', authRoutes(deps));
  api.route('/staff', staffRoutes(deps));
  api.route('/approvals', approvalRoutes(deps));
  api.route('/settings', settingsRoutes(deps));
  api.route('/audit', auditRoutes(deps));
  api.route('/consent', consentRoutes(deps));
  api.route('/guidelines', guidelinesRoutes(deps));
  api.route('/data', dataProtectionRoutes(deps));
  api.notFound((c) => c.json(errorBody('not_found', `No API route ${c.req.method} ${c.req.path}.`), 404));
  api.onError(handleError);
  return api;
}
