import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

/**
 * One message as SES v2 takes it: the sender, one address, the text (and for parents an HTML part and extra
 * headers; staff sign-in mail is plain text only, so its links stay visible as links).
 */
export interface SimpleEmail {
  from: string;
  to: string;
  subject: string;
  html?: string;
  text: string;
  headers?: { Name: string; Value: string }[];
  configurationSet?: string;
}

/** Sends one message through SES v2 (a `Simple` message: SES builds the MIME, keeping our headers). */
export async function sendSimpleEmail(client: SESv2Client, email: SimpleEmail): Promise<void> {
  await client.send(
    new SendEmailCommand({
      FromEmailAddress: email.from,
      Destination: { ToAddresses: [email.to] },
      ConfigurationSetName: email.configurationSet,
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: {
            ...(email.html === undefined ? {} : { Html: { Data: email.html, Charset: 'UTF-8' } }),
            Text: { Data: email.text, Charset: 'UTF-8' },
          },
          ...(email.headers ? { Headers: email.headers } : {}),
        },
      },
    }),
  );
}

/** SES refused the address for good (invalid, or on the account's suppression list): retrying cannot help. */
export const isPermanentRejection = (error: unknown) => {
  const name = (error as { name?: string }).name;
  return name === 'MessageRejected' || name === 'BadRequestException';
};
