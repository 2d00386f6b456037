import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';

/** A job the scheduler runs: the same function a Lambda's EventBridge Scheduler target calls. */
export type ScheduledJob = (event: ScheduledEvent) => Promise<unknown>;

/**
 * EventBridge Scheduler for the embedded default: runs each job on its cadence with a Scheduled Event
 * whose `time` is the scheduled time (from the runtime's clock), never two runs of one job at once (like
 * the reserved concurrency of 1 on AWS), and logs a failed run instead of stopping.
 */
export class LocalScheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(private readonly now: () => Date) {}

  /** Runs `job` every `everyMs` from now on. */
  every(name: string, everyMs: number, job: ScheduledJob): void {
    const timer = setInterval(() => void this.run(name, job), everyMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Runs a job once now (unless a run of it is in progress), as its schedule would. */
  run(name: string, job: ScheduledJob): Promise<unknown> {
    const inProgress = this.running.get(name);
    if (inProgress) return inProgress;
    const run = job(scheduledEvent(name, this.now()))
      .catch((error) => console.error(`scheduled job ${name} failed`, error))
      .finally(() => this.running.delete(name));
    this.running.set(name, run);
    return run;
  }

  /** Stops scheduling and waits for runs in progress. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    await Promise.all(this.running.values());
  }
}

/** The event EventBridge Scheduler sends (infra/corridor.ts builds the same shape). */
export function scheduledEvent(job: string, time: Date): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'corridor.scheduler',
    account: '000000000000',
    time: time.toISOString(),
    region: 'local',
    resources: [`arn:aws:scheduler:local:000000000000:schedule/default/${job}`],
    detail: { job, attempt: 1 },
  };
}
