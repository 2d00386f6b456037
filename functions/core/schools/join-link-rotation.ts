import { recordAudit } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import type { Deps } from '../deps';
import { DomainError, type DomainErrorOptions } from '../errors';
import { getSchool, type SchoolClass } from './school';
import { bumpJoinGeneration } from './store';

/** Another rotation of the same class's join link won the race; the caller is told, not silently outvoted. */
export class JoinLinkConflict extends DomainError {
  override name = 'JoinLinkConflict';
  constructor(message: string, options?: DomainErrorOptions) {
    super('conflict', 409, message, options);
  }
}

/**
 * Replaces a class's join link (say a photo of the classroom door's QR code went round social media): the
 * class's join generation counts up, so the join token changes and the old link, its QR codes and a paste
 * of it on the family page match nothing from this moment. Families that joined already stay joined.
 *
 * The class record lives in the school item, so the write is conditional on the generation read: of two
 * rotations at once, one wins and the other gets {@link JoinLinkConflict}, and the school ends up with one
 * new link that both admins then see — not two links in a row, the first dead before it is printed.
 * Undefined when the school has no such class.
 */
export async function rotateJoinLink(deps: Deps, admin: Principal, classId: string): Promise<SchoolClass | undefined> {
  const school = await getSchool(deps, admin.schoolId);
  const index = school?.classes.findIndex((k) => k.id === classId) ?? -1;
  const klass = school?.classes[index];
  if (!klass) return undefined;
  if (!(await bumpJoinGeneration(deps, admin.schoolId, index, classId, klass.joinGeneration))) {
    throw new JoinLinkConflict(
      `Someone else changed ${klass.name}'s join link a moment ago. Reload the join links and use the current one.`,
    );
  }
  const rotated = { ...klass, joinGeneration: klass.joinGeneration + 1 };
  await recordAudit(deps, admin.schoolId, admin, 'join_link_rotated', classId, {
    className: klass.name,
    generation: rotated.joinGeneration,
  });
  return rotated;
}
