import { recordAudit, systemActor } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import type { Deps } from '../deps';
import { retractPost } from '../posts/retract';
import { schoolPostIdPages } from '../posts/school-posts-store';
import { getPostWithMedia } from '../posts/store';
import { getSchool } from '../schools/school';
import { claimRetentionDay, retentionRegistrations, setRetentionRegistration } from './store';

/** Keeps the register in step with a school's setting (called when an admin changes it). */
export async function registerRetention(deps: Deps, schoolId: string, retentionDays: number | null): Promise<void> {
  await setRetentionRegistration(deps, schoolId, retentionDays !== null);
}

/**
 * Takes down posts older than each school's retention period: they are retracted like any post
 * (gone from every channel, files deleted) by "Corridor (automatic)", and the run is audited. Runs at
 * most once a day per school however often it is called (the sweeper calls it every few minutes): the
 * first caller of the day claims the school with a conditional write. Returns how many posts went.
 */
export async function applyRetention(deps: Deps): Promise<number> {
  const today = deps.now().toISOString().slice(0, 10);
  let retracted = 0;
  for (const { schoolId, lastRunOn } of await retentionRegistrations(deps)) {
    if (lastRunOn >= today || !(await claimRetentionDay(deps, schoolId, today))) continue;
    retracted += await applySchoolRetention(deps, schoolId);
  }
  return retracted;
}

/** Retracts one school's posts that went out (or were made) before its retention cutoff. */
export async function applySchoolRetention(deps: Deps, schoolId: string): Promise<number> {
  const school = await getSchool(deps, schoolId);
  if (!school?.retentionDays) return 0;
  const cutoff = new Date(deps.now().getTime() - school.retentionDays * 86_400_000).toISOString();
  const system: Principal = { schoolId, role: 'admin', tokenId: systemActor.tokenId, label: systemActor.label };
  let retracted = 0;
  // Pointers sort by creation time, and a post goes out after it is made: only those made before the
  // cutoff can have gone out before it.
  for await (const page of schoolPostIdPages(deps, schoolId, cutoff)) {
    for (const postId of page) {
      const current = await getPostWithMedia(deps, postId);
      if (!current || current.post.state === 'retracted') continue;
      if ((current.post.publishedAt ?? current.post.createdAt) >= cutoff) continue;
      if (await retractPost(deps, system, current.post.id)) retracted++;
    }
  }
  if (retracted > 0) {
    await recordAudit(deps, schoolId, systemActor, 'retention_applied', 'posts', {
      retracted,
      retentionDays: school.retentionDays,
    });
  }
  return retracted;
}
