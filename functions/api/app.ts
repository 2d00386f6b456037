import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import { logger } from '../aws/telemetry';
import type { Deps } from '../core/deps';
import { errorBody, handleError } from './errors';
import { requestLocale } from './locale';
import { refuseMalformedPath } from './malformed-path';
import { noticePage } from './parent-pages';
import { approvalRoutes } from './routes/approvals';
import { auditRoutes } from './routes/audit';
import { authRoutes } from './routes/auth';
import { consentRoutes } from './routes/consent';
import { dataProtectionRoutes } from './routes/data-protection';
import { familyRoutes } from './routes/family';
import { feedExtensionRoutes } from './routes/feed-extension';
import { guidelinesRoutes } from './routes/guidelines';
import { joinRoutes } from './routes/join';
import { logoRoutes } from './routes/logo';
import { oembedRoutes } from './routes/oembed';
import { operatorSchoolRoutes, trustRoutes } from './routes/operator';
import { postRoutes } from './routes/posts';
import { schoolRoutes } from './routes/schools';
import { settingsRoutes } from './routes/settings';
import { staffRoutes } from './routes/staff';
import { translationPlanRoutes } from './routes/translations';
import { securityHeadersMiddleware } from './security-headers';

/** JSON requests are small: files never pass through the API (they go straight to S3), but for a school's logo. */
export const MAX_API_BODY_BYTES = 256 * 1024;

/**
 * The HTTP API at `/api`, and parents' pages at `/join` and `/family` (server-rendered HTML reached from
 * QR codes and messages), served by the same function on Lambda and in the embedded default alike.
 */
export function createApi(deps: Deps) {
  return new Hono()
    .use('*', securityHeadersMiddleware(deps.config))
    .use('*', refuseMalformedPath())
    .route('/api', jsonApi(deps))
    .route('/', parentPages(deps));
}

/**
 * The API's type: every JSON route with its body and its answers. Clients derive theirs from it with
 * hono/client (api/client.ts) instead of copying shapes by hand; a type import, so nothing of the server
 * reaches a bundle.
 */
export type ApiType = ReturnType<typeof createApi>;

function parentPages(deps: Deps) {
  const pages = new Hono();
  pages.use(
    '*',
    bodyLimit({
      maxSize: 16 * 1024,
      onError: (c) => c.html(noticePage(requestLocale(c), 'error.tooLongTitle', 'error.tooLong'), 413),
    }),
  );
  pages.route('/join', joinRoutes(deps));
  pages.route('/family', familyRoutes(deps));
  // In the browser's language: a parent who lands here is told in words they read.
  pages.onError((error, c) => {
    // A body that does not parse (errors.ts `jsonBody`) is the parent's form gone wrong, not our side's.
    if (error instanceof ZodError || (error instanceof HTTPException && error.status === 400))
      return c.html(noticePage(requestLocale(c), 'error.checkTitle', 'error.invalidForm'), 400);
    logger.error('parents page error', { path: c.req.path, error });
    return c.html(noticePage(requestLocale(c), 'error.sorryTitle', 'error.ourSide'), 500);
  });
  return pages;
}

function jsonApi(deps: Deps) {
  // Chained, so every route's type composes into `ApiType` (hono/client reads it: api/client.ts).
  return (
    new Hono()
      // Before the JSON limit: the one route that takes a file (a school's logo) has its own.
      .route('/settings/logo', logoRoutes(deps))
      .use(
        '*',
        bodyLimit({
          maxSize: MAX_API_BODY_BYTES,
          onError: (c) =>
            c.json(errorBody('too_large', 'The request is too large. Files are uploaded separately, not in the request.'), 413),
        }),
      )
      .get('/health', (c) => c.json({ ok: true }))
      .route('/posts', postRoutes(deps))
      .route('/translations', translationPlanRoutes(deps))
      .route('/schools', schoolRoutes(deps))
      .route('/schools', operatorSchoolRoutes(deps))
      .route('/trusts', trustRoutes(deps))
      .route('/oembed', oembedRoutes(deps))
      .route('/feeds', feedExtensionRoutes())
      .route('/auth', authRoutes(deps))
      .route('/staff', staffRoutes(deps))
      .route('/approvals', approvalRoutes(deps))
      .route('/settings', settingsRoutes(deps))
      .route('/audit', auditRoutes(deps))
      .route('/consent', consentRoutes(deps))
      .route('/guidelines', guidelinesRoutes(deps))
      .route('/data', dataProtectionRoutes(deps))
      // A catch-all rather than notFound(): a mounted app's notFound is not used by the app it is mounted in.
      .all('*', (c) => c.json(errorBody('not_found', `No API route ${c.req.method} ${c.req.path}.`), 404))
      .onError(handleError)
  );
}
