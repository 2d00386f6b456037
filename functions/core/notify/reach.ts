import type { Deps } from '../deps';
import { type Family, getFamilies } from '../families/family';
import type { NotifyChannel } from '../families/preferences';
import { type LedgerItem, type LedgerKey, ledgerKeyName } from './ledger';
import { digestsWithPost, ledgerItems } from './ledger-store';
import { readRecords } from './outbox-store';

/**
 * How far a published post went: counts of families, by the way they hear of it. Computed from what
 * delivery already records — the post's outbox (who it was meant for), each family's delivery ledger
 * (what was sent, held or put into a digest) and the family records (who has a phone or a working email
 * at all). Counts only: nothing here says which parent opened anything, and no per-parent answer leaves.
 *
 * A family can be counted in more than one way (a phone notification now and an evening email).
 */
export interface PostReach {
  /** Families the post was meant for (fixed at its first publish). */
  families: number;
  /** Sent to their phones at once. */
  push: number;
  /** Emailed at once. */
  emailNow: number;
  /** Held until their quiet hours end, then sent. */
  afterQuietHours: number;
  /** In an evening digest (still collecting, or sent). */
  digest: number;
  /** Families with no phone subscribed and no working email address: nothing can reach them. */
  noWay: number;
  /** Families that can hear but switched off every way they have (their choice on their family page). */
  turnedOff: number;
  /** Families that can hear but whose delivery has not been decided yet (delivery still running). */
  onTheWay: number;
}

const empty: PostReach = {
  families: 0,
  push: 0,
  emailNow: 0,
  afterQuietHours: 0,
  digest: 0,
  noWay: 0,
  turnedOff: 0,
  onTheWay: 0,
};
const channels: NotifyChannel[] = ['push', 'email'];

/** The channels a family can be reached on: a subscribed phone, a confirmed address that has not bounced. */
const reachable = (family: Family): NotifyChannel[] =>
  channels.filter((channel) =>
    channel === 'push' ? Object.keys(family.push).length > 0 : Object.values(family.emails).some((e) => !e.suppressed),
  );

/** Families whose digests are read at once: one query each, so a large school does not open thousands at a time. */
const DIGEST_READ_CONCURRENCY = 16;

export async function postReach(deps: Deps, postId: string): Promise<PostReach> {
  const familyIds = (await readRecords(deps, postId))
    .filter((record) => record.state !== 'cancelled')
    .flatMap((record) => record.familyIds);
  if (familyIds.length === 0) return { ...empty };

  const families = await getFamilies(deps, familyIds);
  const keys: LedgerKey[] = familyIds.flatMap((familyId) =>
    channels.map((channel) => ({ familyId, subject: { kind: 'post', postId } as const, channel })),
  );
  const instant = await ledgerItems(deps, keys);
  const inDigest = await familiesWithPostInDigest(deps, familyIds, postId);

  const reach = { ...empty, families: familyIds.length };
  for (const familyId of familyIds) {
    const family = families.get(familyId);
    // An erased family is gone from everything, including these counts' "no way to hear".
    if (!family) {
      reach.families--;
      continue;
    }
    const ways = reachable(family);
    if (ways.length === 0) {
      reach.noWay++;
      continue;
    }
    if (ways.every((channel) => family.preferences[channel] === 'off')) {
      reach.turnedOff++;
      continue;
    }
    const item = (channel: NotifyChannel) => instant.get(ledgerKeyName({ familyId, subject: { kind: 'post', postId }, channel }));
    const sentNow = (i: LedgerItem | undefined) => i?.state === 'claimed' || (i?.state === 'done' && i.outcome === 'delivered');
    const push = item('push');
    const email = item('email');
    if (sentNow(push)) reach.push++;
    if (sentNow(email)) reach.emailNow++;
    const held = push?.state === 'scheduled' || email?.state === 'scheduled';
    if (held) reach.afterQuietHours++;
    const digested = inDigest.has(familyId);
    if (digested) reach.digest++;
    // Delivery decides per channel when it takes the family's message from the queue: nothing recorded yet.
    if (!push && !email && !digested) reach.onTheWay++;
  }
  return reach;
}

/** The families with this post in one of their digests (waiting or sent). */
async function familiesWithPostInDigest(deps: Deps, familyIds: string[], postId: string): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < familyIds.length; start += DIGEST_READ_CONCURRENCY) {
    await Promise.all(
      familyIds.slice(start, start + DIGEST_READ_CONCURRENCY).map(async (familyId) => {
        const items = await digestsWithPost(deps, familyId, postId);
        const counted = items.filter((item) => item.outcome !== 'off');
        if (counted.length > 0) found.add(familyId);
      }),
    );
  }
  return found;
}
