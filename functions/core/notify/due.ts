import { logger } from '../../aws/telemetry';
import type { Deps } from '../deps';
import { type Family, getFamilies } from '../families/family';
import { claimName, isClaimItem, type PostClaim, parseClaim } from './claim-log';
import { DeliveryRun } from './delivery-run';
import { type LedgerItem, type LedgerKey, ledgerItemSchema, ledgerKeyName, ledgerKeyOf } from './ledger';
import { dropDelivery, duePending } from './ledger-store';
import { inPool, SEND_CONCURRENCY } from './pool';

/**
 * The scheduled run (hourly on AWS, every minute locally): sends what is due — evening digests, messages
 * quiet hours held back, and deliveries whose sender crashed between claim and record.
 */

export interface DueReport {
  /** Deliveries this run sent. */
  sent: number;
  /** Due deliveries another sender holds, or that were already done. */
  skipped: number;
  /** Deliveries that failed; each stays claimed until its lease ends, and a later run retries it. */
  failed: number;
}

/** What the pending index holds: waiting ledger items, and post claims whose sender never finished. */
type DueWork = { kind: 'delivery'; item: LedgerItem; key: LedgerKey } | { kind: 'claim'; claim: PostClaim };

const dueWork = (raw: Record<string, unknown>): DueWork => {
  if (isClaimItem(raw)) return { kind: 'claim', claim: parseClaim(raw) };
  const item = ledgerItemSchema.parse(raw);
  return { kind: 'delivery', item, key: ledgerKeyOf(item) };
};

const familiesOf = (work: DueWork) =>
  work.kind === 'delivery' ? [work.key.familyId] : [...work.claim.send, ...work.claim.hold].map((key) => key.familyId);

type DueHandlers = {
  [K in DueWork['kind']]: (
    run: DeliveryRun,
    deps: Deps,
    work: Extract<DueWork, { kind: K }>,
    families: ReadonlyMap<string, Family>,
    report: DueReport,
  ) => Promise<void>;
};

type DueHandler = (
  run: DeliveryRun,
  deps: Deps,
  work: DueWork,
  families: ReadonlyMap<string, Family>,
  report: DueReport,
) => Promise<void>;

/** One handler per kind of due work; a new kind without one does not compile. */
const dueHandlers: DueHandlers = {
  delivery: async (run, deps, { key, item }, families, report) => {
    const family = families.get(key.familyId);
    try {
      if (!family)
        await dropDelivery(deps, key); // the family was erased
      else if ((await run.send(key, family, item)) === 'claimed') report.sent++;
      else report.skipped++;
    } catch (error) {
      logger.error('delivery failed; a later run retries it', { delivery: ledgerKeyName(key), error });
      report.failed++;
    }
  },
  // A post claim whose sender died: finished here, under a new lease.
  claim: async (run, _deps, { claim }, families, report) => {
    try {
      const outcome = await run.redriveClaim(claim, families);
      if (outcome.result === 'busy') report.skipped++;
      else {
        report.sent += outcome.sent;
        report.failed += outcome.failed;
      }
    } catch (error) {
      logger.error('finishing a delivery failed; a later run retries it', { claim: claimName(claim), error });
      report.failed++;
    }
  },
};

/**
 * Sends everything due by `now`: evening digests, messages held through quiet hours, and claims whose
 * sender crashed. Safe to run twice, at once or one after the other: the ledger and the post claims let
 * each delivery through once.
 */
export async function sendDueDeliveries(deps: Deps, now: Date = deps.now()): Promise<DueReport> {
  const run = await DeliveryRun.start(deps);
  const report: DueReport = { sent: 0, skipped: 0, failed: 0 };
  for await (const page of duePending(deps, now)) {
    const due = page.map(dueWork);
    const families = await getFamilies(deps, due.flatMap(familiesOf));
    await inPool(due, SEND_CONCURRENCY, (work) => (dueHandlers[work.kind] as DueHandler)(run, deps, work, families, report));
    await run.finish();
  }
  return report;
}
