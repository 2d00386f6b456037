import { listAudit, recordAudit } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import { toFeedEntry } from '../channels/entry';
import { listRoster } from '../consent/roster';
import type { Deps } from '../deps';
import { listMembershipItems } from '../families/store';
import { getGuidelines } from '../guidelines/guidelines';
import { schoolPostIds } from '../posts/school-posts-store';
import { getPostWithMedia, type PostWithMedia } from '../posts/store';
import { getSchool } from '../schools/school';
import { settingsOf } from '../schools/settings';
import { listStaff } from '../staff/staff';

/** Bumped when the export's shape changes, so a reader knows what it holds. */
export const EXPORT_VERSION = 1;

/**
 * Everything Corridor holds for a school, as one JSON document (UK GDPR art. 15/20, and a school
 * leaving the service): the school and its settings, staff, every post with its files' public URLs,
 * the consent roster, the guidelines, the families' class memberships (ids, never addresses) and the
 * audit log. Secrets (token and session hashes, capability tokens) are never exported.
 */
export async function exportSchool(deps: Deps, admin: Principal) {
  const school = await getSchool(deps, admin.schoolId);
  if (!school) throw new Error(`school ${admin.schoolId} does not exist`);
  const [staff, posts, roster, guidelines, families] = await Promise.all([
    listStaff(deps, school.id),
    allPosts(deps, school.id),
    listRoster(deps, school.id),
    getGuidelines(deps, school.id),
    // As stored, not parsed: an export gives what is held, even an item of an older shape.
    listMembershipItems(deps, school.id),
  ]);
  await recordAudit(deps, school.id, admin, 'school_exported', school.id, { posts: posts.length });
  return {
    format: 'corridor-school-export',
    version: EXPORT_VERSION,
    exportedAt: deps.now().toISOString(),
    exportedBy: admin.label,
    school,
    settings: settingsOf(school),
    staff: staff.map(({ memberId: _id, ...member }) => member),
    posts: posts.map(({ post, media }) => ({
      ...post,
      files: toFeedEntry(deps.config.publicUrl, post, media).media,
    })),
    roster,
    guidelines,
    families: families.map((f) => ({ id: f.id, classIds: f.classIds, createdAt: f.createdAt })),
    audit: await listAudit(deps, school.id),
  };
}

async function allPosts(deps: Deps, schoolId: string): Promise<PostWithMedia[]> {
  const ids = await schoolPostIds(deps, schoolId);
  const posts = await Promise.all(ids.map((id) => getPostWithMedia(deps, id)));
  return posts.filter((p): p is PostWithMedia => p !== undefined);
}
