import type { Deps } from '../deps';
import { langAttributes, t } from '../i18n/messages';
import { EmailRejected, sendEmail } from '../messaging/email';
import { PushRetryable, pushTopic } from '../messaging/push';
import { pushSender } from '../messaging/push-sender';
import { getSecrets } from '../messaging/secrets';
import { parentLinks } from '../messaging/signed-links';
import { html } from '../security/html';
import type { Family } from './family';
import { removePushDevice } from './recipients';

/**
 * Messages about the family itself (a new link, "may we add this address?"), sent only through the
 * channels the family already had: its confirmed, unsuppressed addresses and its subscribed phones. This
 * is what makes a forwarded link harmless: whoever holds it cannot read these. Written in the family's
 * own language (its words come from the catalogues; the mail carries that language's `lang` and `dir`).
 */
export interface FamilyMessage {
  subject: string;
  /** Plain sentences; the button's link is appended. */
  lines: string[];
  button: { label: string; url: string };
  /** Same identity → same Message-ID / push Topic (a retry collapses). */
  identity: string;
}

/** How many addresses and phones a message went to (0 and 0: the family has no channel left). */
export interface Reached {
  emails: number;
  phones: number;
}

export async function messageFamily(deps: Deps, family: Family, message: FamilyMessage): Promise<Reached> {
  const reached: Reached = { emails: 0, phones: 0 };
  const { lang, dir } = langAttributes(family.preferences.language);
  for (const [addressId, recipient] of Object.entries(family.emails)) {
    if (recipient.suppressed) continue;
    try {
      await sendEmail(deps, {
        to: recipient.address,
        subject: message.subject,
        identity: `${message.identity}:${addressId}`,
        text: `${message.lines.join('\n\n')}\n\n${message.button.label}:\n${message.button.url}\n`,
        html: `<!doctype html>\n${
          html`<html lang="${lang}" dir="${dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${message.subject}</title></head>
<body style="font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Naskh Arabic','Noto Nastaliq Urdu',sans-serif;line-height:1.5;padding:16px;text-align:start">
${message.lines.map((line) => html`<p>${line}</p>`)}
<p><a href="${message.button.url}" style="display:inline-block;padding:12px 20px;background:#1d5fa8;color:#fff;border-radius:6px;text-decoration:none">${message.button.label}</a></p>
</body></html>`.value
        }`,
      });
      reached.emails++;
    } catch (error) {
      if (!(error instanceof EmailRejected)) throw error;
    }
  }
  const devices = Object.entries(family.push);
  if (devices.length > 0) {
    const secrets = await getSecrets(deps);
    const sender = pushSender(deps, secrets);
    for (const [deviceId, device] of devices) {
      let outcome: Awaited<ReturnType<typeof sender.send>>;
      try {
        outcome = await sender.send(device, {
          payload: {
            title: message.subject,
            body: message.lines[0] ?? '',
            url: message.button.url,
            manageUrl: parentLinks.manage(deps.config.publicUrl, secrets.linkKey, family, deps.now()),
            tag: `family-${message.identity}`,
            lang,
            dir,
            settingsLabel: t(family.preferences.language, 'push.settings'),
          },
          topic: pushTopic(message.identity),
          urgency: 'normal',
          ttlSeconds: 24 * 3600,
        });
      } catch (error) {
        if (!(error instanceof PushRetryable)) throw error;
        continue; // that phone's push service is down: the family's other channels still get it
      }
      if (outcome === 'gone') await removePushDevice(deps, family.id, deviceId);
      if (outcome === 'delivered') reached.phones++;
    }
  }
  return reached;
}
