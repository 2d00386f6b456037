import type { Deps } from '../deps';
import { deliveryName, type PostClaim, type WantedDeliveries } from './claim-log';
import { createClaim, newestClaim, openClaims } from './claims-store';
import { ledgerKeyName, type PostDeliveryKey } from './ledger';
import { ledgerItems } from './ledger-store';

// What a claim is and how an item reads lives in claim-log.ts, which the store reads claims with too.
export { type PostClaim, parseClaim, type WantedDeliveries } from './claim-log';

/**
 * A post's claim log: how the instant deliveries of one post are claimed many families at once, with one
 * conditional write per queue batch instead of one per message. (Claiming each (post, family, channel)
 * with its own conditional put cost the emulator, the SDK and HTTP about 2 ms a message — more than
 * encrypting and posting the push itself — and bounded a worker at about 300 messages a second.)
 *
 * The log is a partition per post (`CLAIMS#post:<id>`) of numbered claims, 1, 2, 3… Each claim lists the
 * deliveries (`<family>#<channel>`) it owns: to **send** now, or to **hold** through quiet hours (then it
 * writes each one to the ledger as a scheduled item, which the scheduler sends when they end). The first
 * claim that lists a delivery owns it; nothing else decides who sends a post's instant messages.
 *
 * Claiming: read the newest claim (n), then those still open among the claims it says were open when it
 * was written (`openBefore`), then the ledger items of the wanted deliveries; drop every delivery an
 * open claim lists or the ledger already has; write claim n + 1 with `attribute_not_exists`. Two senders
 * racing for n + 1: one wins, the other reads again and takes n + 2 without what the winner took.
 * Why nothing is sent twice: claims are numbered without gaps and never deleted, so claim n + 1 is
 * written only by someone who read claim n; by induction every claim below n that is still open is in
 * n's `openBefore` or is n. A claim is marked done only after each of its deliveries is in the ledger
 * (recorded `done`, or written `scheduled` when held), and the ledger is read after the open claims —
 * so a delivery of an earlier claim is seen either in that open claim or in the ledger.
 *
 * While open, a claim sits in the pending index (`gsi1`) under its lease end: if its sender dies, the
 * scheduler takes it over (`takeOverClaim`, claims-store.ts) and sends what the ledger does not have yet. As with
 * single claims, the one repeat left is a crash between a send and its record, resent with the same
 * push Topic / email Message-ID.
 */

/** Rounds of "another sender took the next number first" before giving up (the batch is retried). */
const MAX_CLAIM_ROUNDS = 8;

/**
 * Claims, in one conditional write, the deliveries of `postId` that no one has claimed before. Returns
 * the claim with what it got (possibly less than wanted: what an open claim lists or the ledger has is
 * someone else's, or done), or undefined when nothing was left to claim.
 */
export async function claimPostDeliveries(deps: Deps, postId: string, wanted: WantedDeliveries): Promise<PostClaim | undefined> {
  // A batch can carry the same message twice (queues deliver at least once): each delivery once.
  const asked = new Set<string>();
  const once = (keys: PostDeliveryKey[]) =>
    keys.filter((key) => {
      const name = deliveryName(key);
      if (asked.has(name)) return false;
      asked.add(name);
      return true;
    });
  const unique = { send: once(wanted.send), hold: once(wanted.hold) };
  for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
    const newest = await newestClaim(deps, postId);
    const open = newest ? await openClaims(deps, newest) : [];
    const listed = new Set(open.flatMap((claim) => [...claim.send, ...claim.hold].map(deliveryName)));
    const unlisted = (keys: PostDeliveryKey[]) => keys.filter((key) => !listed.has(deliveryName(key)));
    const candidates = { send: unlisted(unique.send), hold: unlisted(unique.hold) };
    if (candidates.send.length + candidates.hold.length === 0) return undefined;
    // Read after the open claims: a claim closed meanwhile has put all of its deliveries in the ledger.
    const inLedger = await ledgerItems(deps, [...candidates.send, ...candidates.hold]);
    const unclaimed = (keys: PostDeliveryKey[]) => keys.filter((key) => !inLedger.has(ledgerKeyName(key)));
    const send = unclaimed(candidates.send);
    const hold = unclaimed(candidates.hold);
    if (send.length + hold.length === 0) return undefined;

    const claim = await createClaim(deps, {
      postId,
      seq: (newest?.seq ?? 0) + 1,
      send,
      hold,
      openBefore: open.map((c) => c.seq),
    });
    if (claim) return claim;
  }
  throw new Error(`could not claim deliveries of post ${postId}: other senders kept taking the next claim`);
}
