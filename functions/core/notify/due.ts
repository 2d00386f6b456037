import type { Deps } from '../deps';
import { getFamilies } from '../families/family';
import { DeliveryRun } from './delivery-run';
import { dropDelivery, dueDeliveries, ledgerKeyName, ledgerKeyOf } from './ledger';
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

/**
 * Sends everything due by `now`: evening digests, messages held through quiet hours, and claims whose
 * sender crashed. Safe to run twice, at once or one after the other: the ledger lets each delivery
 * through once.
 */
export async function sendDueDeliveries(deps: Deps, now: Date = deps.now()): Promise<DueReport> {
  const run = await DeliveryRun.start(deps);
  const report: DueReport = { sent: 0, skipped: 0, failed: 0 };
  for await (const page of dueDeliveries(deps, now)) {
    const due = page.map((item) => ({ item, key: ledgerKeyOf(item) }));
    const families = await getFamilies(
      deps,
      due.map(({ key }) => key.familyId),
    );
    await inPool(due, SEND_CONCURRENCY, async ({ item, key }) => {
      const family = families.get(key.familyId);
      try {
        if (!family)
          await dropDelivery(deps, key); // the family was erased
        else if ((await run.send(key, family, item)) === 'claimed') report.sent++;
        else report.skipped++;
      } catch (error) {
        console.error(`delivering ${ledgerKeyName(key)} failed; a later run retries it`, error);
        report.failed++;
      }
    });
    await run.flush();
  }
  return report;
}
