import { type Html, html, raw } from '../core/channels/html';
import { page } from '../core/channels/render/layout';
import type { Family } from '../core/families/family';
import { type DeliveryMode, deliveryModes } from '../core/notify/preferences';

/**
 * Parents' pages: joining a class, confirming an address, managing a family, unsubscribing. Server-
 * rendered and complete without JavaScript (people open them from an email on any phone); only turning
 * on web push needs the script, because only script can ask the browser for a push subscription.
 * Written for a 390 px wide phone first: one column, 44 px targets, labels on every field.
 */
const parentStyles = `
main{padding-bottom:32px}section{margin:24px 0}h2{font-size:1.2rem;margin:0 0 8px}
label{display:block;font-weight:600;margin:12px 0 4px}
input[type=email],input[type=url],input[type=text],select{width:100%;font:inherit;padding:10px;min-height:44px;border:1px solid color-mix(in srgb,CanvasText 40%,transparent);border-radius:6px;background:Canvas;color:CanvasText}
fieldset{border:1px solid color-mix(in srgb,CanvasText 20%,transparent);border-radius:8px;margin:12px 0;padding:8px 12px}
legend{font-weight:600;padding:0 4px}
fieldset label{font-weight:400;display:flex;gap:8px;align-items:center;min-height:44px;margin:0}
input[type=radio],input[type=checkbox]{width:22px;height:22px;flex:none}
button{font:inherit;font-weight:600;min-height:44px;padding:10px 18px;border-radius:6px;border:0;background:var(--accent);color:#fff;cursor:pointer;margin:8px 0}
button.secondary{background:transparent;color:var(--accent);border:1px solid var(--accent)}
button.danger{background:#b00020}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.note{font-size:.95rem;color:color-mix(in srgb,CanvasText 75%,transparent)}
.status{padding:12px;border-radius:8px;background:color-mix(in srgb,var(--accent) 12%,Canvas)}
ul.plain{list-style:none;padding:0}ul.plain li{display:flex;justify-content:space-between;align-items:center;gap:8px;flex-wrap:wrap;border-bottom:1px solid color-mix(in srgb,CanvasText 12%,transparent);padding:4px 0}
ul.plain form{margin:0}
`;

/** The script that subscribes this browser to web push (served at /family/parents.js). */
export const PARENTS_SCRIPT_PATH = '/family/parents.js';

function parentPage(title: string, body: Html, options: { script?: boolean } = {}): string {
  return page({
    title,
    head: html`<style>${raw(parentStyles)}</style>
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
${options.script ? html`<script src="${PARENTS_SCRIPT_PATH}" defer></script>` : ''}`,
    body: html`<header><p>Corridor</p><h1>${title}</h1></header>
<main>${body}</main>
<footer><p class="note">Your email address or this phone's notification address is used only to send you these messages. Unsubscribing deletes it.</p></footer>`,
  });
}

/** The part of a page that turns on notifications for this phone (JavaScript only). */
function pushSection(options: { vapidKey: string; subscribeUrl: string }): Html {
  return html`<section aria-labelledby="push-heading" data-push data-vapid-key="${options.vapidKey}" data-subscribe-url="${options.subscribeUrl}">
<h2 id="push-heading">Notifications on this phone</h2>
<button type="button" data-push-button hidden>Turn on notifications</button>
<p role="status" aria-live="polite" data-push-status></p>
<noscript><p class="note">Notifications on this phone need JavaScript. Email works without it.</p></noscript>
<p class="note">On an iPhone, first add this page to your Home Screen (Share → Add to Home Screen), then open it from there.</p>
</section>`;
}

export interface JoinView {
  schoolName: string;
  className: string;
  vapidKey: string;
  /** Where the script posts the push subscription, and where the email form posts. */
  pushUrl: string;
  emailUrl: string;
}

/** A class's join page: push on this phone and/or email, no account. */
export function joinPage(view: JoinView): string {
  return parentPage(
    `Join ${view.className} at ${view.schoolName}`,
    html`<p>See your child's work and the class news: photos, recordings and notes from school. By default you get one message in the evening; you can choose every post as it happens, or pause.</p>
${pushSection({ vapidKey: view.vapidKey, subscribeUrl: view.pushUrl })}
<section aria-labelledby="email-heading">
<h2 id="email-heading">By email</h2>
<form method="post" action="${view.emailUrl}">
<label for="email">Your email address</label>
<input id="email" name="email" type="email" autocomplete="email" inputmode="email" required>
<button type="submit">Send me a confirmation link</button>
</form>
<p class="note">Already get messages for another child? Use the same email address: this class joins your family, and you still get one evening email. Or open “Manage” in any message and add this class there.</p>
</section>`,
    { script: true },
  );
}

/** After the email form: a link is on its way (or was sent moments ago). */
export function checkInboxPage(address: string, sent: boolean): string {
  return parentPage(
    'Check your inbox',
    html`<p class="status" role="status">${sent ? html`We sent a confirmation link to <strong>${address}</strong>.` : html`We sent a link to <strong>${address}</strong> a few minutes ago; please use that one.`}</p>
<p>Open it on any device to start receiving posts. Nothing is sent to this address until then, and if you do not confirm, it is not kept.</p>`,
  );
}

/** A confirmation link opened: one button confirms (mail scanners follow links, but do not press buttons). */
export function confirmPage(address: string, what: string, action: string): string {
  return parentPage(
    'Confirm your email',
    html`<p>Receive posts from <strong>${what}</strong> at <strong>${address}</strong>?</p>
<form method="post" action="${action}"><button type="submit">Yes, confirm</button></form>`,
  );
}

/** A short page with a message (done, expired, not found). */
export function messagePage(title: string, text: string, link?: { href: string; label: string }): string {
  return parentPage(
    title,
    html`<p class="status" role="status">${text}</p>${link ? html`<p><a href="${link.href}">${link.label}</a></p>` : ''}`,
  );
}

/**
 * A family link that no longer works (expired after 30 days, ended by "Sign out everywhere", or not
 * ours), with the two ways to a new one: any newer message, or a fresh link mailed to a confirmed address.
 */
export function expiredLinkPage(): string {
  return parentPage(
    'This link has expired',
    html`<p class="status" role="status">Links to your family page work for 30 days, and stop at once when your family chooses “Sign out everywhere”, so that an old or forwarded email cannot be used by someone else.</p>
<p>The newest message from school has a link that works. Or get a new one by email:</p>
<form method="post" action="/family/new-link"><label for="link-email">An email address that gets our messages</label>
<input id="link-email" name="email" type="email" autocomplete="email" inputmode="email" required>
<button type="submit">Email me a new link</button></form>
<p class="note">If you only get notifications on a phone, tap the newest one and choose Settings.</p>`,
  );
}

/** Approving a new address or phone, from the link sent to the family's existing channels. */
export function approvePage(what: string, action: string): string {
  return parentPage(
    'Add to your family?',
    html`<p>Add <strong>${what}</strong> to the messages your family gets from school?</p>
<p class="note">If you did not ask for this, close this page: nothing is added. Then choose “Sign out everywhere” on your family page.</p>
<form method="post" action="${action}"><button type="submit">Yes, add it</button></form>`,
  );
}

/** What a parent is told when a join link is not a class's current one: a guess, a typo, or a link rotated away. */
export const STALE_JOIN_LINK_MESSAGE = 'This join link is no longer valid. Ask the school for the current one.';
export const staleJoinLinkPage = () => messagePage('Link not recognised', STALE_JOIN_LINK_MESSAGE);

/** The unsubscribe link from an email footer, opened: a button (the one-click POST works without it). */
export function unsubscribePage(what: string, action: string): string {
  return parentPage(
    'Unsubscribe',
    html`<p>Stop all messages to <strong>${what}</strong> and delete it?</p>
<form method="post" action="${action}"><button type="submit" class="danger">Unsubscribe and delete</button></form>`,
  );
}

/** A masked address for pages reached by link (a forwarded email should not reveal the whole address). */
export const maskAddress = (address: string) => address.replace(/^(.)[^@]*(@.*)$/, '$1•••$2');

const modeLabels: Record<DeliveryMode, string> = {
  instant: 'Every post as it happens',
  digest: 'One message in the evening',
  off: 'Off',
};

const hours = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`);

function hourSelect(name: string, label: string, value: string): Html {
  return html`<label for="${name}">${label}</label>
<select id="${name}" name="${name}">${hours.map((h) => html`<option value="${h}"${h === value ? raw(' selected') : ''}>${h}</option>`)}</select>`;
}

function modeFieldset(channel: 'push' | 'email', legend: string, value: DeliveryMode): Html {
  return html`<fieldset><legend>${legend}</legend>${deliveryModes.map(
    (mode) =>
      html`<label><input type="radio" name="${channel}" value="${mode}"${mode === value ? raw(' checked') : ''}> ${modeLabels[mode]}</label>`,
  )}</fieldset>`;
}

export interface ManageView {
  family: Family;
  /** Display names of the classes the family follows. */
  classes: { schoolId: string; classId: string; label: string }[];
  base: string;
  vapidKey: string;
  notice?: string;
}

/** The family's page, reached from the signed link in every message: everything, without a login. */
export function managePage(view: ManageView): string {
  const { family, base } = view;
  const prefs = family.preferences;
  const devices = Object.entries(family.push);
  const emails = Object.entries(family.emails);
  return parentPage(
    'Your messages from school',
    html`${view.notice ? html`<p class="status" role="status">${view.notice}</p>` : ''}
<p class="note">Keep this page's address to yourself: it manages your family's messages without a password.</p>
<section aria-labelledby="classes-heading"><h2 id="classes-heading">Classes</h2>
<ul class="plain">${view.classes.map(
      (c) =>
        html`<li><span>${c.label}</span><form method="post" action="${base}/classes/remove"><input type="hidden" name="schoolId" value="${c.schoolId}"><input type="hidden" name="classId" value="${c.classId}"><button type="submit" class="secondary">Leave<span class="visually-hidden"> ${c.label}</span></button></form></li>`,
    )}</ul>
<form method="post" action="${base}/classes"><label for="join-link">Add another child's class: paste its join link (under the QR code)</label>
<input id="join-link" name="link" type="url" required placeholder="https://…/join/…"><button type="submit">Add class</button></form></section>
<section aria-labelledby="prefs-heading"><h2 id="prefs-heading">How and when</h2>
<form method="post" action="${base}/preferences">
${modeFieldset('push', 'Notifications on phones', prefs.push)}
${modeFieldset('email', 'Email', prefs.email)}
${hourSelect('digestTime', `Evening message at (${prefs.timezone} time)`, prefs.digestTime)}
<fieldset><legend>Quiet hours: no instant messages between</legend>
${hourSelect('quietStart', 'From', prefs.quietHours.start)}${hourSelect('quietEnd', 'Until', prefs.quietHours.end)}
<p class="note">Urgent messages from the head (a snow closure) still come at once.</p></fieldset>
<button type="submit">Save</button></form></section>
<section aria-labelledby="email-heading"><h2 id="email-heading">Email addresses</h2>
<ul class="plain">${emails.map(
      ([id, e]) =>
        // Masked, like the unsubscribe page: whoever holds a forwarded link should not learn the addresses.
        html`<li><span>${maskAddress(e.address)}${e.suppressed ? html` <strong>(undeliverable: ${e.suppressed.reason})</strong>` : ''}</span><form method="post" action="${base}/emails/remove"><input type="hidden" name="addressId" value="${id}"><button type="submit" class="secondary">Remove<span class="visually-hidden"> ${maskAddress(e.address)}</span></button></form></li>`,
    )}</ul>
<form method="post" action="${base}/emails"><label for="new-email">Add an email address</label>
<input id="new-email" name="email" type="email" autocomplete="email" required><button type="submit">Ask to add it</button></form>
<p class="note">To keep a forwarded link from adding a stranger, we first ask you to approve it through the addresses and phones above; then the new address confirms it.</p></section>
<section aria-labelledby="devices-heading"><h2 id="devices-heading">Phones with notifications</h2>
${devices.length === 0 ? html`<p>None yet.</p>` : ''}
<ul class="plain">${devices.map(
      ([id, d], i) =>
        html`<li><span>Phone ${i + 1} (since ${d.addedAt.slice(0, 10)})</span><form method="post" action="${base}/devices/remove"><input type="hidden" name="deviceId" value="${id}"><button type="submit" class="secondary">Remove<span class="visually-hidden"> phone ${i + 1}</span></button></form></li>`,
    )}</ul></section>
${pushSection({ vapidKey: view.vapidKey, subscribeUrl: `${base}/push` })}
<section aria-labelledby="links-heading"><h2 id="links-heading">Links to this page</h2>
<p class="note">Every message from school carries a link to this page; each works for 30 days. If you forwarded one by mistake, end them all: a new link goes to your email addresses and phones.</p>
<form method="post" action="${base}/sign-out"><button type="submit" class="secondary">Sign out everywhere</button></form></section>
<section aria-labelledby="erase-heading"><h2 id="erase-heading">Delete everything</h2>
<form method="post" action="${base}/erase"><label><input type="checkbox" name="confirm" value="yes" required> Delete our family, its addresses and phones</label>
<button type="submit" class="danger">Delete everything</button></form></section>`,
    { script: true },
  );
}
