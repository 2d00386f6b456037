import { createHash } from 'node:crypto';
import { isPermanentRejection, sendSimpleEmail } from '../../aws/ses';
import type { Deps } from '../deps';
import { DomainError, type DomainErrorOptions } from '../errors';
import { oneLine } from '../security/text';

/** One rendered message to one address. */
export interface EmailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** What the message is about, e.g. the ledger key: the same subject always gets the same Message-ID. */
  identity: string;
  /**
   * RFC 8058 one-click target (POST `List-Unsubscribe=One-Click`); also shown as a link in the footer.
   * Absent only for a confirmation request, which subscribes nobody.
   */
  unsubscribeUrl?: string;
  /** Whose message it is, shown as the sender's name (the school's), in front of the configured address. */
  fromName?: string;
}

/** SES refused this address for good (invalid, or on the account's suppression list): never retry. */
export class EmailRejected extends DomainError {
  override name = 'EmailRejected';
  constructor(message: string, options?: DomainErrorOptions) {
    super('email_rejected', 502, message, options);
  }
}

const DEFAULT_FROM = 'Corridor <no-reply@corridor.localhost>';

/** The sender as configured (CORRIDOR_EMAIL_FROM on AWS). */
export const fromAddress = (deps: Deps) => deps.config.emailFrom ?? DEFAULT_FROM;

/**
 * The sender with a display name: `"St Mary's" <no-reply@…>`. Parents see their school, not Corridor;
 * the address stays the verified one (SES sends only from it). A name outside ASCII is an RFC 2047
 * encoded-word, as SES asks.
 */
export function fromWithName(from: string, name: string): string {
  const address = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(from)?.[1] ?? from.trim();
  const clean = oneLine(name).trim().slice(0, 120);
  if (clean === '') return from;
  const display = /^[\x20-\x7e]*$/.test(clean)
    ? `"${clean.replace(/[\\"]/g, '\\$&')}"`
    : `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
  return `${display} <${address}>`;
}

/**
 * A Message-ID made from what the message is about, so a resend after a crash carries the same one and
 * mail clients that de-duplicate by Message-ID show it once. (SES replaces a caller's Message-ID with its
 * own on AWS; the same value also goes into `References`, which SES keeps, so clients thread the resend.)
 */
export function messageIdFor(deps: Deps, identity: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(fromAddress(deps))?.[1] ?? 'corridor.localhost';
  return `<${createHash('sha256').update(identity).digest('base64url').slice(0, 32)}@${domain}>`;
}

/** Sends one message through SES v2 with HTML and text parts and the list headers mail providers want. */
export async function sendEmail(deps: Deps, message: EmailMessage): Promise<void> {
  const messageId = messageIdFor(deps, message.identity);
  try {
    await sendSimpleEmail(deps.clients.ses, {
      from: message.fromName ? fromWithName(fromAddress(deps), message.fromName) : fromAddress(deps),
      to: message.to,
      configurationSet: deps.config.sesConfigurationSet,
      // One line whatever it was built from (a caption, a school's name): no header injection.
      subject: oneLine(message.subject),
      html: message.html,
      text: message.text,
      headers: [
        { Name: 'Message-ID', Value: messageId },
        { Name: 'References', Value: messageId },
        { Name: 'Auto-Submitted', Value: 'auto-generated' },
        // RFC 8058: mail providers show an "Unsubscribe" button that POSTs here, no page visit needed.
        ...(message.unsubscribeUrl
          ? [
              { Name: 'List-Unsubscribe', Value: `<${message.unsubscribeUrl}>` },
              { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
            ]
          : []),
      ],
    });
  } catch (error) {
    if (isPermanentRejection(error)) throw new EmailRejected(`SES refused the message: ${(error as Error).message}`);
    throw error;
  }
}
