import { sendSimpleEmail } from '../../aws/ses';
import type { Deps } from '../deps';
import { oneLine } from '../security/text';

/** Used when no sender is configured (the embedded default: the SES emulator accepts any). */
export const LOCAL_SENDER = 'Corridor <no-reply@corridor.localhost>';

export interface StaffEmail {
  to: string;
  subject: string;
  /** Plain text: sign-in mail should read well in any client, and links stay visible as links. */
  text: string;
}

/** Sends one plain-text email to a member of staff through SES. */
export async function sendStaffEmail(deps: Deps, email: StaffEmail): Promise<void> {
  await sendSimpleEmail(deps.clients.ses, {
    from: deps.config.emailFrom ?? LOCAL_SENDER,
    to: email.to,
    // One line whatever it was built from (a post's caption, a send-back reason): no header injection.
    subject: oneLine(email.subject),
    text: email.text,
  });
}
