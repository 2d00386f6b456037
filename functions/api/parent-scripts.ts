/**
 * The only JavaScript parents' pages use: subscribing this browser to web push (only script can ask for a
 * push subscription) and the service worker that shows what arrives. Plain ES2017, no build step, served
 * from the same origin (CSP `script-src 'self'`). The family's manage link is remembered in this
 * browser, so subscribing on a second child's join page from the same phone adds that class to the same
 * family. A phone the family does not have yet waits for the family's approval (the server says so).
 */
export const PARENTS_JS = `'use strict';
(function () {
  var section = document.querySelector('[data-push]');
  if (!section) return;
  var button = section.querySelector('[data-push-button]');
  var status = section.querySelector('[data-push-status]');
  var say = function (text) { status.textContent = text; };
  // The words come from the page, in the family's language (data-msg-* on the section).
  var words = section.dataset;
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    say(words.msgUnsupported);
    return;
  }
  var key = function (base64url) {
    var padded = (base64url + '===='.slice(base64url.length % 4)).replace(/-/g, '+').replace(/_/g, '/');
    return Uint8Array.from(atob(padded), function (c) { return c.charCodeAt(0); });
  };
  button.hidden = false;
  button.addEventListener('click', function () {
    button.disabled = true;
    say(words.msgAsking);
    Notification.requestPermission().then(function (permission) {
      if (permission !== 'granted') throw new Error(words.msgBlocked);
      return navigator.serviceWorker.register('/family/sw.js', { scope: '/family/' });
    }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(section.dataset.vapidKey) });
    }).then(function (subscription) {
      return fetch(section.dataset.subscribeUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          subscription: subscription.toJSON(),
          family: localStorage.getItem('corridor-family') || undefined,
          language: section.dataset.language,
        }),
      });
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (body.pending && body.message) return body;
        if (!response.ok) throw new Error(words.msgRefused);
        return body;
      });
    }).then(function (body) {
      if (body.pending) { say(body.message); return; }
      localStorage.setItem('corridor-family', body.familyToken);
      status.textContent = words.msgOn + ' ';
      var link = document.createElement('a');
      link.href = body.manageUrl;
      link.textContent = words.msgChoose;
      status.appendChild(link);
    }).catch(function (error) {
      say(error.message || words.msgFailed);
      button.disabled = false;
    });
  });
})();
`;

/**
 * Shows each push; the payload's `tag` makes a repeat replace the notification instead of adding one.
 * Its "Settings" button opens the family's manage link (every message carries one); the payload says
 * the language and direction of its words, and the button's label in that language.
 */
export const SERVICE_WORKER_JS = `'use strict';
self.addEventListener('push', function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = { title: 'School', body: event.data.text() }; }
  event.waitUntil(self.registration.showNotification(data.title || 'School', {
    body: data.body || '',
    tag: data.tag,
    image: data.image,
    lang: data.lang || '',
    dir: data.dir || 'auto',
    data: { url: data.url || '/', manageUrl: data.manageUrl },
    actions: data.manageUrl ? [{ action: 'manage', title: data.settingsLabel || 'Settings' }] : [],
  }));
});
self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  var data = event.notification.data;
  event.waitUntil(self.clients.openWindow(event.action === 'manage' && data.manageUrl ? data.manageUrl : data.url));
});
`;
