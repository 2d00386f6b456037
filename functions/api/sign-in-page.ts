import { type Html, html } from '../core/security/html';

/**
 * The small pages of the sign-in flow: phone-sized, no script, one form at most. No `no-referrer` meta:
 * with it, browsers send `Origin: null` on the form's POST (Fetch §3.1, "append a request Origin
 * header"), and the login-CSRF check would refuse every real sign-in.
 */
function shell(title: string, body: Html): string {
  return `<!doctype html>\n${
    html`<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
button{font-size:1.1rem;padding:.75rem 1.5rem;min-height:44px}</style>
</head>
<body><main>${body}</main></body>
</html>`.value
  }\n`;
}

/** Asks for one tap before using the link: mail scanners that open links must not spend them. */
export const confirmSignInPage = (input: { schoolName: string; email: string; secret: string; action: string }) =>
  shell(
    'Sign in to Corridor',
    html`<h1>Sign in to ${input.schoolName}</h1>
<p>You are signing in as <strong>${input.email}</strong>.</p>
<form method="post" action="${input.action}">
<input type="hidden" name="token" value="${input.secret}">
<button type="submit">Sign in</button>
</form>`,
  );

export const signInRefusedPage = (message: string) =>
  shell('Sign-in link not accepted', html`<h1>Sign-in link not accepted</h1><p>${message}</p>`);
