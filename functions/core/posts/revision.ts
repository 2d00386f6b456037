import { isPublic } from '../audience';
import type { Principal } from '../auth/tokens';
import type { Deps } from '../deps';
import type { School } from '../schools/school';
import { extractTags } from './caption';
import type { Post, Revision } from './post';
import { putRevision } from './revision-store';

/**
 * Edits go through the same gate as new posts. At a school that asks for approval, a staff member's
 * change to what families or the public see of an approved post — a new caption, or an audience that
 * reaches anyone new — is held as a *revision* in the admin's approval queue, and the post stays exactly
 * as it was approved until an admin approves the change (then it goes out) or sends it back (then it is
 * dropped and the author told why). Nothing unreviewed goes out, and the teacher's post does not vanish
 * from families' feeds while it waits.
 *
 * Narrowing an audience only takes the post away from people, so it applies at once (a teacher who
 * realises a photo should not be public must not wait for anyone); so do a scheduled time and edits by
 * admins. A post can always be retracted at once. (A revision's shape is in post.ts, where its store reads it.)
 */

/** Whether an audience reaches nobody that `previous` did not (public ⊃ school ⊃ any classes). */
export function isNarrowing(previous: readonly string[], next: readonly string[]): boolean {
  if (isPublic(previous)) return true;
  if (isPublic(next)) return false;
  if (previous.includes('school')) return true;
  if (next.includes('school')) return false;
  return next.every((a) => previous.includes(a));
}

/** Whether this caller's changes to this post wait for an admin. */
export function editNeedsApproval(school: School | undefined, principal: Principal, post: Post): boolean {
  return (
    (school?.requiresApproval ?? false) &&
    principal.role !== 'admin' &&
    (post.state === 'published' || post.state === 'scheduled')
  );
}

/** The part of an edit that must wait for approval: a caption that differs, an audience that widens. */
export function heldChanges(
  post: Post,
  input: { caption?: string; audience?: string[] },
): { caption?: string; audience?: string[] } {
  return {
    ...(input.caption !== undefined && input.caption !== post.caption ? { caption: input.caption } : {}),
    ...(input.audience && !isNarrowing(post.audience, input.audience) ? { audience: input.audience } : {}),
  };
}

/** Stores (or extends) the post's revision; it appears in the school's approval queue. */
export async function holdRevision(
  deps: Deps,
  principal: Principal,
  post: Post,
  earlier: Revision | undefined,
  held: { caption?: string; audience?: string[] },
): Promise<Revision> {
  const now = deps.now().toISOString();
  const revision: Revision = {
    ...earlier,
    ...(held.caption !== undefined ? { caption: held.caption, tags: extractTags(held.caption) } : {}),
    ...(held.audience ? { audience: held.audience as Revision['audience'] } : {}),
    id: post.id,
    schoolId: post.schoolId,
    requestedBy: principal.label,
    requestedAt: now,
  };
  await putRevision(deps, revision);
  return revision;
}
