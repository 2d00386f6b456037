import type { FaultPoint } from '../../functions/core/deps';

/**
 * Planned crashes for `startTestCorridor({ faults })`: `plan(point, times)` makes the next `times`
 * passes through that named fault point throw, and `crashed` lists each crash (`<point> <detail>`).
 */
export function faultPlan() {
  const plans: { point: FaultPoint; times: number }[] = [];
  const crashed: string[] = [];
  return {
    crashed,
    plan(point: FaultPoint, times = 1) {
      plans.push({ point, times });
    },
    faults(point: FaultPoint, detail?: string) {
      const plan = plans.find((p) => p.point === point && p.times > 0);
      if (!plan) return;
      plan.times--;
      crashed.push(`${point} ${detail ?? ''}`);
      throw new Error(`injected crash at ${point}`);
    },
  };
}
