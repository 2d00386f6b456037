import { type Context, Hono } from 'hono';
import * as z from 'zod';
import type { Deps } from '../../core/deps';
import { sendConfirmation } from '../../core/families/confirmation';
import { joinWithPush } from '../../core/families/join';
import { localeOrUndefined, localeSchema } from '../../core/i18n/locales';
import { pushSubscriptionSchema } from '../../core/messaging/push-subscription';
import { getSecrets } from '../../core/messaging/secrets';
import { parentLinks, verifyLink } from '../../core/messaging/signed-links';
import { joinPath, type QrFormat, qrCode, resolveJoinLink } from '../../core/schools/join-link';
import { html } from '../../core/security/html';
import { jsonBody } from '../errors';
import { languageHeaders, requestLocale } from '../locale';
import { checkInboxPage, joinPage, noticePage, STALE_JOIN_LINK_MESSAGE, staleJoinLinkPage } from '../parent-pages';
import { POSTER_JS, posterPage } from '../poster-page';

const emailFormSchema = z.object({ email: z.email().max(254), lang: localeSchema.optional().catch(undefined) });
const pushBodySchema = z.object({
  subscription: pushSubscriptionSchema,
  /** The family manage token this browser remembered from an earlier subscription (a second child). */
  family: z.string().max(400).optional(),
  /** The language picked on the join page: a new family starts in it. */
  language: localeSchema.optional().catch(undefined),
});

/** Class join links: `/join/<school>/<class>/<token>` — the page, its QR codes, and what it posts. */
export function joinRoutes(deps: Deps) {
  const app = new Hono();

  /** The school and class of a class's current join link; undefined for anything else (a guess, a typo, a rotated link). */
  const joined = async (c: Context) => {
    const { schoolId = '', classId = '', token = '' } = c.req.param();
    const target = await resolveJoinLink(deps, { schoolId, classId, token });
    return target && { ...target, path: joinPath(target.linkKey, target.school.id, target.klass) };
  };
  /** A class's link that is current but whose class an admin archived: closed, in words, not a mystery 404. */
  const refusal = (c: Context, join?: Awaited<ReturnType<typeof joined>>) =>
    join
      ? c.html(
          noticePage(requestLocale(c), 'error.classClosedTitle', 'error.classClosed', {
            className: html`<bdi>${join.klass.name}</bdi>`,
            schoolName: html`<bdi>${join.school.name}</bdi>`,
          }),
          410,
        )
      : c.html(staleJoinLinkPage(requestLocale(c)), 404);
  const notFound = refusal;

  app.get('/:schoolId/:classId/:token', async (c) => {
    const join = await joined(c);
    if (!join || join.klass.archived) return notFound(c, join);
    const { vapidPublicKey } = await getSecrets(deps);
    const locale = requestLocale(c);
    return c.html(
      joinPage({
        locale,
        schoolName: join.school.name,
        className: join.klass.name,
        vapidKey: vapidPublicKey,
        pushUrl: `${join.path}/push`,
        emailUrl: `${join.path}/email`,
      }),
      200,
      { 'cache-control': 'no-store', ...languageHeaders(locale) },
    );
  });

  const qr = (format: QrFormat) => async (c: Context) => {
    const join = await joined(c);
    if (!join || join.klass.archived) return notFound(c, join);
    const { body, contentType } = await qrCode(`${deps.config.publicUrl}${join.path}`, format);
    return c.body(typeof body === 'string' ? body : new Uint8Array(body), 200, {
      'content-type': contentType,
      // Checked on every use, not kept for a day: a rotated link's QR code must not be printed again from a cache.
      'cache-control': 'no-cache',
      'content-disposition': `inline; filename="join-${join.school.id}-${join.klass.id}.${format}"`,
    });
  };
  app.get('/poster.js', (c) =>
    c.body(POSTER_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' }),
  );
  // The printable A4 poster: as public as the QR code it carries (the join link is the capability), and
  // gone (404) with it when the link is rotated.
  app.get('/:schoolId/:classId/:token/poster', async (c) => {
    const join = await joined(c);
    if (!join || join.klass.archived) return notFound(c, join);
    const joinUrl = `${deps.config.publicUrl}${join.path}`;
    const { body } = await qrCode(joinUrl, 'svg');
    return c.html(posterPage({ schoolName: join.school.name, className: join.klass.name, joinUrl, qrSvg: String(body) }), 200, {
      'cache-control': 'no-cache',
    });
  });
  app.get('/:schoolId/:classId/:token/qr.png', qr('png'));
  app.get('/:schoolId/:classId/:token/qr.svg', qr('svg'));

  app.post('/:schoolId/:classId/:token/email', async (c) => {
    const join = await joined(c);
    if (!join || join.klass.archived) return notFound(c, join);
    const body = await c.req.parseBody();
    const form = emailFormSchema.safeParse(body);
    const locale = localeOrUndefined(body.lang) ?? requestLocale(c);
    if (!form.success) return c.html(noticePage(locale, 'error.addressTitle', 'error.address'), 400);
    const sent = await sendConfirmation(deps, {
      address: form.data.email,
      language: locale,
      join: {
        schoolId: join.school.id,
        classId: join.klass.id,
        className: join.klass.name,
        schoolName: join.school.name,
        joinGeneration: join.klass.joinGeneration,
      },
    });
    return c.html(checkInboxPage(locale, form.data.email, sent));
  });

  app.post('/:schoolId/:classId/:token/push', async (c) => {
    const join = await joined(c);
    if (!join) return c.json({ error: STALE_JOIN_LINK_MESSAGE }, 404);
    if (join.klass.archived) return c.json({ error: `${join.klass.name} is closed and takes no new families.` }, 410);
    // Not JSON, or not a subscription: the pages' error handler answers 400 in the browser's words.
    const body = pushBodySchema.parse(await jsonBody(c));
    // The family link this browser kept is only a hint: joinWithPush honours it only for a phone that is
    // already the family's, so a manage link copied into another browser joins nothing of the family's.
    const claim = body.family ? verifyLink(join.linkKey, body.family, deps.now(), { anyAge: true }) : undefined;
    const joinedFamily = await joinWithPush(deps, {
      subscription: body.subscription,
      join: { schoolId: join.school.id, classId: join.klass.id },
      familyId: claim?.p === 'manage' ? claim.f : undefined,
      language: body.language,
    });
    if (!joinedFamily) return c.json({ error: 'Could not subscribe this phone; please try again.' }, 409);
    const { family } = joinedFamily;
    return c.json({
      manageUrl: parentLinks.manage(deps.config.publicUrl, join.linkKey, family, deps.now()),
      familyToken: parentLinks.manageToken(join.linkKey, family, deps.now()),
    });
  });

  return app;
}
