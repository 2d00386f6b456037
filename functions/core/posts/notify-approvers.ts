import { logger } from '../../aws/telemetry';
import type { Deps } from '../deps';
import { getSchool } from '../schools/school';
import { sendStaffEmail } from '../staff/mail';
import { getStaffMember, listStaff } from '../staff/staff';
import type { Post } from './post';

/** Where admins approve from their phone, and authors find their returned drafts: the composer. */
const composerUrl = (deps: Deps) => `${deps.config.publicUrl}/compose/`;

const firstLine = (caption: string) => caption.split('\n')[0]?.slice(0, 80) || '(no caption)';

/**
 * Tells the school's admins that a post waits for them. Best effort: the queue (GET /api/approvals) is
 * the record, so a lost email delays an approval but never loses a post, and a mail failure must not
 * undo the state change that already happened.
 */
export async function notifyApprovers(deps: Deps, post: Post): Promise<void> {
  try {
    const [school, staff] = await Promise.all([getSchool(deps, post.schoolId), listStaff(deps, post.schoolId)]);
    for (const admin of staff.filter((m) => m.role === 'admin' && m.email !== post.createdBy)) {
      await sendStaffEmail(deps, {
        to: admin.email,
        subject: `A post waits for your approval — ${school?.name ?? post.schoolId}`,
        text: [
          `${post.createdBy} posted “${firstLine(post.caption)}” to ${post.audience.join(', ')}.`,
          'It goes out once you approve it:',
          '',
          composerUrl(deps),
        ].join('\n'),
      });
    }
  } catch (error) {
    logger.error('could not notify approvers', { postId: post.id, schoolId: post.schoolId, error });
  }
}

/** Tells the author their post came back, and why (best effort, as above). */
export async function notifySentBack(deps: Deps, post: Post, reason: string, what: 'post' | 'edit' = 'post'): Promise<void> {
  try {
    const author = await getStaffMember(deps, post.schoolId, post.createdBy);
    if (!author) return; // posted with an API token: nobody to email
    await sendStaffEmail(deps, {
      to: author.email,
      subject: what === 'edit' ? 'Your change to a post was sent back' : 'Your post was sent back',
      text: [
        what === 'edit'
          ? `Your change to the post “${firstLine(post.caption)}” was not approved; the post stays as it was:`
          : `Your post “${firstLine(post.caption)}” was sent back to your drafts:`,
        '',
        reason,
        '',
        `Change it and send it again from ${composerUrl(deps)}`,
      ].join('\n'),
    });
  } catch (error) {
    logger.error('could not notify the author', { postId: post.id, schoolId: post.schoolId, error });
  }
}
