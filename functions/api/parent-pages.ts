import { page } from '../core/channels/render/layout';
import type { Family } from '../core/families/family';
import { type DeliveryMode, deliveryModes } from '../core/families/preferences';
import { type Locale, localeInfo, locales } from '../core/i18n/locales';
import { formatShortDate, langAttributes, type MessageKey, type MessageValues, t, tHtml } from '../core/i18n/messages';
import { type Html, html, raw } from '../core/security/html';

/**
 * Parents' pages: joining a class, confirming an address, managing a family, unsubscribing. Server-
 * rendered and complete without JavaScript (people open them from an email on any phone); only turning
 * on web push needs the script, because only script can ask the browser for a push subscription.
 * Written for a 390 px wide phone first: one column, 44 px targets, labels on every field. Every word
 * comes from the family's language catalogue; the document carries that language's `lang` and `dir`,
 * and the layout uses logical properties only, so Urdu and Arabic pages mirror as a whole.
 */
const parentStyles = `
main{padding-bottom:32px}section{margin:24px 0}h2{font-size:1.2rem;margin:0 0 8px}
label{display:block;font-weight:600;margin-block:12px 4px}
input[type=email],input[type=url],input[type=text],select{inline-size:100%;font:inherit;padding:10px;min-block-size:44px;border:1px solid color-mix(in srgb,CanvasText 40%,transparent);border-radius:6px;background:Canvas;color:CanvasText}
fieldset{border:1px solid color-mix(in srgb,CanvasText 20%,transparent);border-radius:8px;margin-block:12px;padding:8px 12px}
legend{font-weight:600;padding-inline:4px}
fieldset label{font-weight:400;display:flex;gap:8px;align-items:center;min-block-size:44px;margin:0}
input[type=radio],input[type=checkbox]{inline-size:22px;block-size:22px;flex:none}
button{font:inherit;font-weight:600;min-block-size:44px;padding:10px 18px;border-radius:6px;border:0;background:var(--accent);color:#fff;cursor:pointer;margin-block:8px}
button.secondary{background:transparent;color:var(--accent);border:1px solid var(--accent)}
button.danger{background:#b00020}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.note{font-size:.95rem;color:color-mix(in srgb,CanvasText 75%,transparent)}
.status{padding:12px;border-radius:8px;background:color-mix(in srgb,var(--accent) 12%,Canvas)}
ul.plain{list-style:none;padding:0}ul.plain li{display:flex;justify-content:space-between;align-items:center;gap:8px;flex-wrap:wrap;border-block-end:1px solid color-mix(in srgb,CanvasText 12%,transparent);padding-block:4px}
ul.plain form{margin:0}
label.check{display:flex;gap:8px;align-items:center;min-block-size:44px;font-weight:400}
form.language{display:flex;flex-wrap:wrap;align-items:end;gap:0 8px}form.language label{flex:1 1 100%}form.language select{flex:1 1 12rem;inline-size:auto}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Naskh Arabic","Noto Nastaliq Urdu","Noto Sans Gurmukhi","Noto Sans Bengali","Noto Sans Gujarati","Noto Sans Tamil",sans-serif}
:lang(ur){line-height:2}
`;

/** The script that subscribes this browser to web push (served at /family/parents.js). */
export const PARENTS_SCRIPT_PATH = '/family/parents.js';

/** Names of schools and classes: isolated, so an English name keeps its order inside a right-to-left sentence. */
const name = (text: string) => html`<bdi>${text}</bdi>`;

function parentPage(locale: Locale, title: string, heading: Html, body: Html, options: { script?: boolean } = {}): string {
  const { lang, dir } = langAttributes(locale);
  return page({
    title,
    lang,
    dir,
    // Corridor's own icon (the composer's, served by the web build on both runtimes): without a link the
    // browser asks for /favicon.ico, and the 404 is a console error on every parent's page.
    head: html`<style>${raw(parentStyles)}</style>
<link rel="icon" href="/compose/icon.svg" type="image/svg+xml">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
${options.script ? html`<script src="${PARENTS_SCRIPT_PATH}" defer></script>` : ''}`,
    body: html`<header><p><span lang="en" dir="ltr">Corridor</span></p><h1>${heading}</h1></header>
<main>${body}</main>
<footer><p class="note">${t(locale, 'page.footer')}</p></footer>`,
  });
}

/** A page whose heading is its title (no names inside). */
const simplePage = (locale: Locale, titleKey: MessageKey, body: Html, options: { script?: boolean } = {}) =>
  parentPage(locale, t(locale, titleKey), html`${t(locale, titleKey)}`, body, options);

/**
 * The language picker: each language under its own name, marked with its own `lang` and `dir` (a screen
 * reader says "اردو" in Urdu). The label adds "(Language)" in English for a parent who landed on a page
 * in a language they do not read.
 */
function languageSelect(locale: Locale, id: string, label: Html | string): Html {
  return html`<label for="${id}">${label}${locale === 'en-GB' ? '' : html` <span lang="en" dir="ltr">(Language)</span>`}</label>
<select id="${id}" name="lang">${locales.map(
    (l) =>
      html`<option value="${l}" lang="${l}" dir="${localeInfo[l].dir}"${l === locale ? raw(' selected') : ''}>${localeInfo[l].name}</option>`,
  )}</select>`;
}

/** The part of a page that turns on notifications for this phone (JavaScript only). */
function pushSection(locale: Locale, options: { vapidKey: string; subscribeUrl: string }): Html {
  const words = (key: MessageKey) => t(locale, key);
  return html`<section aria-labelledby="push-heading" data-push data-vapid-key="${options.vapidKey}" data-subscribe-url="${options.subscribeUrl}" data-language="${locale}"
 data-msg-unsupported="${words('push.unsupported')}" data-msg-asking="${words('push.asking')}" data-msg-blocked="${words('push.blocked')}"
 data-msg-refused="${words('push.refused')}" data-msg-on="${words('push.on')}" data-msg-choose="${words('push.chooseHowOften')}" data-msg-failed="${words('push.failed')}">
<h2 id="push-heading">${words('push.heading')}</h2>
<button type="button" data-push-button hidden>${words('push.button')}</button>
<p role="status" aria-live="polite" data-push-status></p>
<noscript><p class="note">${words('push.noscript')}</p></noscript>
<p class="note">${words('push.iphone')}</p>
</section>`;
}

export interface JoinView {
  locale: Locale;
  schoolName: string;
  className: string;
  vapidKey: string;
  /** Where the script posts the push subscription, and where the email form posts. */
  pushUrl: string;
  emailUrl: string;
}

/** A class's join page: push on this phone and/or email, no account; in the language picked (or the browser's). */
export function joinPage(view: JoinView): string {
  const { locale } = view;
  const names = { className: view.className, schoolName: view.schoolName };
  return parentPage(
    locale,
    t(locale, 'join.title', names),
    tHtml(locale, 'join.title', { className: name(view.className), schoolName: name(view.schoolName) }),
    html`<form method="get" class="language">${languageSelect(locale, 'lang', t(locale, 'page.language'))}
<button type="submit" class="secondary">${t(locale, 'page.changeLanguage')}</button></form>
<p>${t(locale, 'join.intro')}</p>
${pushSection(locale, { vapidKey: view.vapidKey, subscribeUrl: view.pushUrl })}
<section aria-labelledby="email-heading">
<h2 id="email-heading">${t(locale, 'join.emailHeading')}</h2>
<form method="post" action="${view.emailUrl}">
<input type="hidden" name="lang" value="${locale}">
<label for="email">${t(locale, 'join.emailLabel')}</label>
<input id="email" name="email" type="email" autocomplete="email" inputmode="email" required>
<button type="submit">${t(locale, 'join.emailButton')}</button>
</form>
<p class="note">${t(locale, 'join.sameEmail')}</p>
</section>`,
    { script: true },
  );
}

/** After the email form: a link is on its way (or was sent moments ago). */
export function checkInboxPage(locale: Locale, address: string, sent: boolean): string {
  return simplePage(
    locale,
    'check.title',
    html`<p class="status" role="status">${tHtml(locale, sent ? 'check.sent' : 'check.recent', { address: html`<bdi>${address}</bdi>` })}</p>
<p>${t(locale, 'check.body')}</p>`,
  );
}

/** What a confirmation would join: a class of a school, or the family that asked from its page. */
export type ConfirmTarget = { className: string; schoolName: string } | 'family';

/** A confirmation link opened: one button confirms (mail scanners follow links, but do not press buttons). */
export function confirmPage(locale: Locale, address: string, target: ConfirmTarget, action: string): string {
  const question =
    target === 'family'
      ? tHtml(locale, 'confirm.familyQuestion', { address: html`<bdi>${address}</bdi>` })
      : tHtml(locale, 'confirm.classQuestion', {
          address: html`<bdi>${address}</bdi>`,
          className: name(target.className),
          schoolName: name(target.schoolName),
        });
  return simplePage(
    locale,
    'confirm.title',
    html`<p>${question}</p>
<form method="post" action="${action}"><button type="submit">${t(locale, 'confirm.button')}</button></form>`,
  );
}

/** A short page with a message (done, expired, not found), both from the catalogue. */
export function noticePage(locale: Locale, titleKey: MessageKey, textKey: MessageKey, values: MessageValues = {}): string {
  return simplePage(locale, titleKey, html`<p class="status" role="status">${tHtml(locale, textKey, values)}</p>`);
}

/**
 * A family link that no longer works (expired after 30 days, ended by "Sign out everywhere", or not
 * ours), with the two ways to a new one: any newer message, or a fresh link mailed to a confirmed address.
 * In the browser's language (nobody is known from a dead link); the form carries it on to the answer.
 */
export function expiredLinkPage(locale: Locale): string {
  return simplePage(
    locale,
    'safety.expiredTitle',
    html`<p class="status" role="status">${t(locale, 'safety.expired')}</p>
<p>${t(locale, 'safety.expiredNewest')}</p>
<form method="post" action="/family/new-link"><input type="hidden" name="lang" value="${locale}">
<label for="link-email">${t(locale, 'safety.expiredEmailLabel')}</label>
<input id="link-email" name="email" type="email" dir="ltr" autocomplete="email" inputmode="email" required>
<button type="submit">${t(locale, 'safety.expiredButton')}</button></form>
<p class="note">${t(locale, 'safety.expiredPhoneNote')}</p>`,
  );
}

/** What an approval adds: an address (shown whole: the link went to the family's own channels) or a phone. */
export type ApprovalTarget = { kind: 'email'; address: string } | { kind: 'push' };

/** Approving a new address or phone, from the link sent to the family's existing channels, in the family's language. */
export function approvePage(locale: Locale, target: ApprovalTarget, action: string): string {
  const question =
    target.kind === 'email'
      ? tHtml(locale, 'safety.approveEmail', { address: html`<bdi>${target.address}</bdi>` })
      : tHtml(locale, 'safety.approvePhone');
  return simplePage(
    locale,
    'safety.approveTitle',
    html`<p>${question}</p>
<p class="note">${t(locale, 'safety.approveNote')}</p>
<form method="post" action="${action}"><button type="submit">${t(locale, 'safety.approveButton')}</button></form>`,
  );
}

/** What a parent is told when a join link is not a class's current one: a guess, a typo, or a link rotated away. */
export const STALE_JOIN_LINK_MESSAGE = t('en-GB', 'error.staleJoin');
export const staleJoinLinkPage = (locale: Locale) => noticePage(locale, 'error.linkTitle', 'error.staleJoin');

/** The unsubscribe link from an email footer, opened: a button (the one-click POST works without it). */
export function unsubscribePage(locale: Locale, maskedAddress: string | undefined, action: string): string {
  const question = maskedAddress
    ? tHtml(locale, 'unsubscribe.emailQuestion', { address: html`<bdi>${maskedAddress}</bdi>` })
    : tHtml(locale, 'unsubscribe.phoneQuestion');
  return simplePage(
    locale,
    'unsubscribe.title',
    html`<p>${question}</p>
<form method="post" action="${action}"><button type="submit" class="danger">${t(locale, 'unsubscribe.button')}</button></form>`,
  );
}

/** A masked address for pages reached by link (a forwarded email should not reveal the whole address). */
export const maskAddress = (address: string) => address.replace(/^(.)[^@]*(@.*)$/, '$1•••$2');

const modeKeys: Record<DeliveryMode, MessageKey> = {
  instant: 'manage.mode.instant',
  digest: 'manage.mode.digest',
  off: 'manage.mode.off',
};

const hours = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`);

function hourSelect(id: string, label: string, value: string): Html {
  return html`<label for="${id}">${label}</label>
<select id="${id}" name="${id}" dir="ltr">${hours.map((h) => html`<option value="${h}"${h === value ? raw(' selected') : ''}>${h}</option>`)}</select>`;
}

function modeFieldset(locale: Locale, channel: 'push' | 'email', legend: string, value: DeliveryMode): Html {
  return html`<fieldset><legend>${legend}</legend>${deliveryModes.map(
    (mode) =>
      html`<label><input type="radio" name="${channel}" value="${mode}"${mode === value ? raw(' checked') : ''}> ${t(locale, modeKeys[mode])}</label>`,
  )}</fieldset>`;
}

/** The notices the family page shows after a change (`?notice=`). */
export const manageNotices = {
  confirmed: 'manage.notice.confirmed',
  saved: 'manage.notice.saved',
  'class-added': 'manage.notice.classAdded',
  'class-left': 'manage.notice.classLeft',
  removed: 'manage.notice.removed',
} as const satisfies Record<string, MessageKey>;
export type ManageNotice = keyof typeof manageNotices;

export interface ManageView {
  family: Family;
  /** Display names of the classes the family follows. */
  classes: { schoolId: string; classId: string; label: string }[];
  base: string;
  vapidKey: string;
  notice?: ManageNotice;
}

/** The family's page, reached from the signed link in every message: everything, without a login. */
export function managePage(view: ManageView): string {
  const { family, base } = view;
  const prefs = family.preferences;
  const locale = prefs.language;
  const say = (key: MessageKey, values?: MessageValues) => t(locale, key, values);
  const devices = Object.entries(family.push);
  const emails = Object.entries(family.emails);
  return simplePage(
    locale,
    'manage.title',
    html`${view.notice ? html`<p class="status" role="status">${say(manageNotices[view.notice])}</p>` : ''}
<p class="note">${say('manage.private')}</p>
<section aria-labelledby="language-heading"><h2 id="language-heading">${say('page.language')}</h2>
<form method="post" action="${base}/language" class="language">${languageSelect(locale, 'language', say('manage.languageLabel'))}
<button type="submit">${say('page.changeLanguage')}</button></form></section>
<section aria-labelledby="classes-heading"><h2 id="classes-heading">${say('manage.classesHeading')}</h2>
<ul class="plain">${view.classes.map(
      (c) =>
        html`<li>${name(c.label)}<form method="post" action="${base}/classes/remove"><input type="hidden" name="schoolId" value="${c.schoolId}"><input type="hidden" name="classId" value="${c.classId}"><button type="submit" class="secondary">${tHtml(locale, 'manage.leave', { name: name(c.label) })}</button></form></li>`,
    )}</ul>
<form method="post" action="${base}/classes"><label for="join-link">${say('manage.addClassLabel')}</label>
<input id="join-link" name="link" type="url" dir="ltr" required placeholder="https://…/join/…"><button type="submit">${say('manage.addClassButton')}</button></form></section>
<section aria-labelledby="prefs-heading"><h2 id="prefs-heading">${say('manage.prefsHeading')}</h2>
<form method="post" action="${base}/preferences">
${modeFieldset(locale, 'push', say('manage.pushLegend'), prefs.push)}
${modeFieldset(locale, 'email', say('manage.emailLegend'), prefs.email)}
${hourSelect('digestTime', say('manage.digestTime', { timezone: prefs.timezone }), prefs.digestTime)}
${devices.length > 0 ? html`<label class="check"><input type="checkbox" name="digestEmailToo" value="yes"${prefs.digestEmailToo ? raw(' checked') : ''}> ${say('manage.digestEmailToo')}</label>` : ''}
<fieldset><legend>${say('manage.quietLegend')}</legend>
${hourSelect('quietStart', say('manage.quietFrom'), prefs.quietHours.start)}${hourSelect('quietEnd', say('manage.quietUntil'), prefs.quietHours.end)}
<p class="note">${say('manage.urgentNote')}</p></fieldset>
<button type="submit">${say('manage.save')}</button></form></section>
<section aria-labelledby="email-heading"><h2 id="email-heading">${say('manage.emailsHeading')}</h2>
<ul class="plain">${emails.map(
      ([id, e]) =>
        // Masked, like the unsubscribe page: whoever holds a forwarded link should not learn the addresses.
        html`<li><span><bdi>${maskAddress(e.address)}</bdi>${e.suppressed ? html` <strong>${say('manage.undeliverable', { reason: e.suppressed.reason })}</strong>` : ''}</span><form method="post" action="${base}/emails/remove"><input type="hidden" name="addressId" value="${id}"><button type="submit" class="secondary">${tHtml(locale, 'manage.remove', { name: maskAddress(e.address) })}</button></form></li>`,
    )}</ul>
<form method="post" action="${base}/emails"><label for="new-email">${say('manage.addEmailLabel')}</label>
<input id="new-email" name="email" type="email" dir="ltr" autocomplete="email" required><button type="submit">${say('manage.addEmailButton')}</button></form>
<p class="note">${say('safety.addEmailNote')}</p></section>
<section aria-labelledby="devices-heading"><h2 id="devices-heading">${say('manage.devicesHeading')}</h2>
${devices.length === 0 ? html`<p>${say('manage.noDevices')}</p>` : ''}
<ul class="plain">${devices.map(
      ([id, d], i) =>
        html`<li><span>${say('manage.phone', { number: i + 1, date: formatShortDate(locale, d.addedAt, prefs.timezone) })}</span><form method="post" action="${base}/devices/remove"><input type="hidden" name="deviceId" value="${id}"><button type="submit" class="secondary">${tHtml(locale, 'manage.removePhone', { number: i + 1 })}</button></form></li>`,
    )}</ul></section>
${pushSection(locale, { vapidKey: view.vapidKey, subscribeUrl: `${base}/push` })}
<section aria-labelledby="links-heading"><h2 id="links-heading">${say('safety.linksHeading')}</h2>
<p class="note">${say('safety.linksNote')}</p>
<form method="post" action="${base}/sign-out"><button type="submit" class="secondary">${say('safety.signOutButton')}</button></form></section>
<section aria-labelledby="erase-heading"><h2 id="erase-heading">${say('manage.eraseHeading')}</h2>
<form method="post" action="${base}/erase"><label class="check"><input type="checkbox" name="confirm" value="yes" required> ${say('manage.eraseConfirm')}</label>
<button type="submit" class="danger">${say('manage.eraseButton')}</button></form></section>`,
    { script: true },
  );
}
