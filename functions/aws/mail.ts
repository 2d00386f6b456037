import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

/** One plain-text e-mail, its subject already on one line. */
export interface PlainEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** Sends one plain-text e-mail through SES (the SES emulator in the embedded default). */
export async function sendPlainEmail(ses: SESv2Client, email: PlainEmail): Promise<void> {
  await ses.send(
    new SendEmailCommand({
      FromEmailAddress: email.from,
      Destination: { ToAddresses: [email.to] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' } },
        },
      },
    }),
  );
}
