import { type Context, Hono } from 'hono';
import * as z from 'zod';
import { eraseOwnFamily } from '../../core/data-protection/erase';
import type { Deps } from '../../core/deps';
import { addClass, type Family, getFamily, removeClass } from '../../core/families/family';
import { joinWithEmail } from '../../core/families/join';
import { endAllLinks, mailFreshLink } from '../../core/families/links';
import {
  approveRecipient,
  pendingRecipient,
  type RecipientRequest,
  requestRecipient,
} from '../../core/families/pending-recipients';
import { preferencesSchema } from '../../core/families/preferences';
import { removeEmail, removePushDevice } from '../../core/families/recipients';
import { type Locale, localeOrUndefined, localeSchema, negotiateLocale } from '../../core/i18n/locales';
import { type MessageKey, t } from '../../core/i18n/messages';
import { pushSubscriptionSchema } from '../../core/messaging/push-subscription';
import { getSecrets } from '../../core/messaging/secrets';
import { type LinkClaim, parentLinks, verifyLink } from '../../core/messaging/signed-links';
import { changePreferences } from '../../core/notify/digest-schedule';
import { currentJoinClass, parseJoinLink, resolveJoinLink } from '../../core/schools/join-link';
import { getSchool } from '../../core/schools/school';
import { html } from '../../core/security/html';
import { jsonBody } from '../errors';
import { languageHeaders, requestLocale } from '../locale';
import {
  approvePage,
  confirmPage,
  expiredLinkPage,
  type ManageNotice,
  manageNotices,
  managePage,
  maskAddress,
  noticePage,
  staleJoinLinkPage,
  unsubscribePage,
} from '../parent-pages';
import { PARENTS_JS, SERVICE_WORKER_JS } from '../parent-scripts';

/** What the family is told after asking to add an address or phone (one sentence per outcome). */
const recipientRequestWords: Record<RecipientRequest['result'], MessageKey> = {
  asked: 'safety.asked',
  'recently-asked': 'safety.recentlyAsked',
  'no-channel': 'safety.noChannel',
  'already-added': 'safety.alreadyAdded',
};
const recipientRequestPage = (locale: Locale, request: RecipientRequest) =>
  noticePage(locale, 'safety.waitingTitle', recipientRequestWords[request.result]);

const preferencesFormSchema = z.object({
  push: preferencesSchema.shape.push,
  email: preferencesSchema.shape.email,
  digestTime: z.string(),
  /** A checkbox: present ("yes") only when ticked. */
  digestEmailToo: z.literal('yes').optional(),
  quietStart: z.string(),
  quietEnd: z.string(),
});

/**
 * `/family/…`: everything a parent does from a link in a message — confirm an address, unsubscribe
 * (RFC 8058 one-click), manage the family — with signed links instead of a login, plus the push script
 * and service worker.
 */
export function familyRoutes(deps: Deps) {
  const app = new Hono();
  const form = async (c: Context) => (await c.req.parseBody()) as Record<string, string>;
  const script = (body: string) => (c: Context) =>
    c.body(body, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' });
  app.get('/parents.js', script(PARENTS_JS));
  app.get('/sw.js', script(SERVICE_WORKER_JS));

  const claimOf = async (c: Context): Promise<{ claim: LinkClaim | undefined; linkKey: string }> => {
    const { linkKey } = await getSecrets(deps);
    return { claim: verifyLink(linkKey, c.req.param('token') ?? '', deps.now()), linkKey };
  };
  // Nobody is known from a dead link: the page speaks the browser's language (or the one picked, `?lang=`).
  const expired = (c: Context) => {
    const locale = requestLocale(c);
    return c.html(expiredLinkPage(locale), 404, languageHeaders(locale));
  };

  // --- confirming an address (double opt-in) ---
  const staleJoin = (c: Context, locale = requestLocale(c)) => c.html(staleJoinLinkPage(locale), 404);
  /** The class a confirmation joins; undefined for none (an address for a family); 'stale' once its join link was rotated. */
  const confirmedJoin = async (claim: Extract<LinkClaim, { p: 'confirm' }>) =>
    claim.s && claim.c ? ((await currentJoinClass(deps, claim.s, claim.c, claim.g ?? 0)) ?? 'stale') : undefined;

  app.get('/confirm/:token', async (c) => {
    const { claim } = await claimOf(c);
    if (claim?.p !== 'confirm' || (claim.f && !claim.c && !claim.a)) return expired(c);
    const join = await confirmedJoin(claim);
    const locale = claim.l ?? requestLocale(c);
    if (join === 'stale') return staleJoin(c, locale);
    const target = join ? { className: join.klass.name, schoolName: join.school.name } : 'family';
    return c.html(confirmPage(locale, claim.e, target, c.req.path), 200, { 'cache-control': 'no-store' });
  });
  app.post('/confirm/:token', async (c) => {
    const { claim, linkKey } = await claimOf(c);
    if (claim?.p !== 'confirm') return expired(c);
    const join = await confirmedJoin(claim);
    if (join === 'stale') return staleJoin(c, claim.l);
    // An address joins a family directly only if the family approved it first (pending-recipients.ts).
    if (claim.f && !claim.c && !claim.a) return expired(c);
    const family = await joinWithEmail(deps, {
      address: claim.e,
      join: join && { schoolId: join.school.id, classId: join.klass.id },
      familyId: claim.f,
      language: claim.l,
    });
    if (!family) return expired(c);
    return c.redirect(`${parentLinks.manage(deps.config.publicUrl, linkKey, family, deps.now())}?notice=confirmed`, 303);
  });

  // --- a new link for an expired one: mailed only to a confirmed address; the answer never says whether it is known ---
  app.post('/new-link', async (c) => {
    const body = await form(c);
    // The expired page's form carries its language; a bare POST falls back to the browser's.
    const locale = localeOrUndefined(body.lang) ?? negotiateLocale(c.req.header('accept-language'));
    const email = z.email().max(254).safeParse(body.email);
    if (!email.success) return c.html(noticePage(locale, 'error.addressTitle', 'error.address'), 400);
    await mailFreshLink(deps, email.data);
    return c.html(noticePage(locale, 'check.title', 'safety.newLinkSent'));
  });

  // --- approving a new address or phone, from the link sent to the family's existing channels ---
  const approval = async (c: Context) => {
    const { claim } = await claimOf(c);
    if (claim?.p !== 'approve') return undefined;
    const family = await getFamily(deps, claim.f);
    if (!family || family.linkGeneration !== claim.n) return undefined;
    return { claim, family };
  };
  app.get('/approve/:token', async (c) => {
    const found = await approval(c);
    const recipient = found && (await pendingRecipient(deps, found.family.id, found.claim.r));
    if (!found || !recipient) return expired(c);
    const target =
      recipient.kind === 'email' ? { kind: 'email' as const, address: recipient.address } : { kind: 'push' as const };
    return c.html(approvePage(found.family.preferences.language, target, c.req.path), 200, { 'cache-control': 'no-store' });
  });
  app.post('/approve/:token', async (c) => {
    const found = await approval(c);
    const approved = found && (await approveRecipient(deps, found.family.id, found.claim.r));
    if (!found || !approved) return expired(c);
    const locale = found.family.preferences.language;
    if (approved.added.kind === 'push') return c.html(noticePage(locale, 'safety.phoneAddedTitle', 'safety.phoneAdded'));
    const sentence = approved.confirmationSent ? 'safety.confirmationSent' : 'safety.confirmationSentEarlier';
    return c.html(
      noticePage(locale, 'safety.nearlyDoneTitle', sentence, { address: html`<bdi>${approved.added.address}</bdi>` }),
    );
  });

  // --- unsubscribing one address or phone: RFC 8058 one-click, no login, no cookie, no redirect ---
  const unsubscribeTarget = async (c: Context) => {
    const { claim } = await claimOf(c);
    if (claim?.p !== 'unsubscribe') return undefined;
    const family = await getFamily(deps, claim.f);
    return { claim, family };
  };
  app.get('/unsubscribe/:token', async (c) => {
    const target = await unsubscribeTarget(c);
    if (!target) return expired(c);
    const [kind, id = ''] = target.claim.r.split(':');
    const address = kind === 'email' ? target.family?.emails[id]?.address : undefined;
    const locale = target.family?.preferences.language ?? requestLocale(c);
    if (!target.family || (kind === 'email' && !address))
      return c.html(noticePage(locale, 'unsubscribe.alreadyTitle', 'unsubscribe.already'));
    return c.html(unsubscribePage(locale, address ? maskAddress(address) : undefined, c.req.path), 200, {
      'cache-control': 'no-store',
    });
  });
  app.post('/unsubscribe/:token', async (c) => {
    const target = await unsubscribeTarget(c);
    if (!target) return expired(c);
    const [kind, id = ''] = target.claim.r.split(':');
    if (target.family && kind === 'email') await removeEmail(deps, target.family.id, id);
    if (target.family && kind === 'push') await removePushDevice(deps, target.family.id, id);
    const locale = target.family?.preferences.language ?? requestLocale(c);
    return c.html(noticePage(locale, 'unsubscribe.doneTitle', 'unsubscribe.done'));
  });

  // --- the family's own page ---
  const withFamily =
    (handler: (c: Context, family: Family, base: string, linkKey: string) => Promise<Response>) => async (c: Context) => {
      const { claim, linkKey } = await claimOf(c);
      if (claim?.p !== 'manage') return expired(c);
      const family = await getFamily(deps, claim.f);
      if (!family) return c.html(noticePage(requestLocale(c), 'error.familyGoneTitle', 'error.familyGone'), 404);
      // "Sign out everywhere" moved the family on: every link signed before it opens nothing.
      if (family.linkGeneration !== claim.n) return expired(c);
      return handler(c, family, `/family/${c.req.param('token')}`, linkKey);
    };
  const back = (c: Context, base: string, notice: string) => c.redirect(`${base}?notice=${encodeURIComponent(notice)}`, 303);

  app.get(
    '/:token',
    withFamily(async (c, family, base) => {
      const classes = (
        await Promise.all(
          Object.entries(family.classes).map(async ([schoolId, classIds]) => {
            const school = await getSchool(deps, schoolId);
            return classIds.map((classId) => {
              const name = school?.classes.find((k) => k.id === classId)?.name ?? classId;
              return { schoolId, classId, label: `${name} · ${school?.name ?? schoolId}` };
            });
          }),
        )
      ).flat();
      const { vapidPublicKey } = await getSecrets(deps);
      const asked = c.req.query('notice') ?? '';
      const notice = asked in manageNotices ? (asked as ManageNotice) : undefined;
      return c.html(managePage({ family, classes, base, vapidKey: vapidPublicKey, notice }), 200, {
        'cache-control': 'no-store',
        'content-language': family.preferences.language,
      });
    }),
  );

  app.post(
    '/:token/preferences',
    withFamily(async (c, family, base) => {
      const input = preferencesFormSchema.parse(await form(c));
      const preferences = preferencesSchema.safeParse({
        ...family.preferences,
        push: input.push,
        email: input.email,
        digestTime: input.digestTime,
        digestEmailToo: input.digestEmailToo === 'yes',
        quietHours: { start: input.quietStart, end: input.quietEnd },
      });
      if (!preferences.success)
        return c.html(noticePage(family.preferences.language, 'error.notSavedTitle', 'error.wholeHours'), 400);
      await changePreferences(deps, family.id, preferences.data);
      return back(c, base, 'saved');
    }),
  );

  app.post(
    '/:token/language',
    withFamily(async (c, family, base) => {
      const language = localeSchema.safeParse((await form(c)).lang);
      if (!language.success)
        return c.html(noticePage(family.preferences.language, 'error.notSavedTitle', 'error.notSavedTitle'), 400);
      await changePreferences(deps, family.id, { ...family.preferences, language: language.data });
      return back(c, base, 'saved');
    }),
  );

  app.post(
    '/:token/classes',
    withFamily(async (c, family, base) => {
      const link = parseJoinLink(String((await form(c)).link ?? ''));
      if (!link) {
        return c.html(noticePage(family.preferences.language, 'error.linkTitle', 'error.pasteJoin'), 400);
      }
      // A well-formed link that is not the class's current one (a guess, or rotated away) is refused like on the join page.
      if (!(await resolveJoinLink(deps, link))) return staleJoin(c, family.preferences.language);
      await addClass(deps, family.id, link.schoolId, link.classId);
      return back(c, base, 'class-added');
    }),
  );

  app.post(
    '/:token/classes/remove',
    withFamily(async (c, family, base) => {
      const { schoolId = '', classId = '' } = await form(c);
      await removeClass(deps, family.id, schoolId, classId);
      return back(c, base, 'class-left');
    }),
  );

  app.post(
    '/:token/emails',
    withFamily(async (c, family) => {
      const email = z
        .email()
        .max(254)
        .safeParse((await form(c)).email);
      const locale = family.preferences.language;
      if (!email.success) return c.html(noticePage(locale, 'error.addressTitle', 'error.address'), 400);
      const request = await requestRecipient(deps, family, { kind: 'email', address: email.data });
      return c.html(recipientRequestPage(locale, request), request.result === 'no-channel' ? 409 : 200);
    }),
  );

  app.post(
    '/:token/sign-out',
    withFamily(async (c, family) => {
      const reached = await endAllLinks(deps, family.id);
      const where = reached && reached.emails + reached.phones > 0;
      return c.html(
        noticePage(
          family.preferences.language,
          'safety.signedOutTitle',
          where ? 'safety.signedOut' : 'safety.signedOutNoChannel',
        ),
      );
    }),
  );

  app.post(
    '/:token/emails/remove',
    withFamily(async (c, family, base) => {
      await removeEmail(deps, family.id, (await form(c)).addressId ?? '');
      return back(c, base, 'removed');
    }),
  );

  app.post(
    '/:token/devices/remove',
    withFamily(async (c, family, base) => {
      await removePushDevice(deps, family.id, (await form(c)).deviceId ?? '');
      return back(c, base, 'removed');
    }),
  );

  app.post(
    '/:token/push',
    withFamily(async (c, family, _base, linkKey) => {
      const { subscription } = z.object({ subscription: pushSubscriptionSchema }).parse(await jsonBody(c));
      const request = await requestRecipient(deps, family, { kind: 'push', subscription });
      if (request.result !== 'already-added') {
        // A phone the family does not have yet waits for the family's approval (its script shows the words).
        const message = t(family.preferences.language, recipientRequestWords[request.result]);
        return c.json({ pending: true, message }, request.result === 'no-channel' ? 409 : 202);
      }
      return c.json({
        manageUrl: parentLinks.manage(deps.config.publicUrl, linkKey, family, deps.now()),
        familyToken: c.req.param('token'),
      });
    }),
  );

  app.post(
    '/:token/erase',
    withFamily(async (c, family) => {
      const locale = family.preferences.language;
      if ((await form(c)).confirm !== 'yes') return c.html(noticePage(locale, 'error.notDeletedTitle', 'error.tickBox'), 400);
      await eraseOwnFamily(deps, family);
      return c.html(noticePage(locale, 'erase.doneTitle', 'erase.done'));
    }),
  );

  return app;
}
