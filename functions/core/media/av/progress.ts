/**
 * Progress: ffmpeg's `-progress` key=value lines become whole percents of the job, reported only when
 * they grow, and never more than one callback in flight — the callback usually writes to DynamoDB and
 * must not queue up behind a fast encoder or slow the encoder down.
 */

/** The encoded position, in seconds, from one `-progress` line (`out_time_us=…`); undefined otherwise. */
export function parseOutTime(line: string): number | undefined {
  // `out_time_ms` is also microseconds (a historical misnomer); `out_time_us` is the honest name.
  const match = /^out_time_(?:us|ms)=(\d+)$/.exec(line);
  return match ? Number(match[1]) / 1_000_000 : undefined;
}

/** Integer percents to a possibly asynchronous callback: increasing only, at most one call in flight. */
export class ProgressReporter {
  private last = -1;
  private wanted = -1;
  private inFlight: Promise<void> | undefined;
  /** What the job reports when it ends: 100, unless it only did the first part of the work (a split). */
  endsAt = 100;

  constructor(private readonly onProgress?: (percent: number) => void | Promise<void>) {}

  /** Reports `percent` (clamped to 0–100, floored) if it is more than was last reported. */
  report(percent: number): void {
    const whole = Math.floor(Math.min(100, Math.max(0, percent)));
    if (!this.onProgress || whole <= this.wanted) return;
    this.wanted = whole;
    if (!this.inFlight) this.inFlight = this.drain();
  }

  /**
   * A reporter for one step of the job that spans `from`–`to` percent of it, fed with ffmpeg `-progress`
   * lines against the step's expected duration.
   */
  step(from: number, to: number, durationSeconds: number | undefined): (line: string) => void {
    this.report(from);
    return (line) => {
      const seconds = parseOutTime(line);
      if (seconds === undefined || !durationSeconds) return;
      this.report(from + ((to - from) * Math.min(seconds, durationSeconds)) / durationSeconds);
    };
  }

  /** Resolves once the latest wanted percent has been delivered. */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async drain(): Promise<void> {
    while (this.wanted > this.last) {
      const percent = this.wanted;
      this.last = percent;
      try {
        await this.onProgress?.(percent);
      } catch {
        // Progress is advisory: failing to store it must not fail (and retry) an encode that is working.
      }
    }
    this.inFlight = undefined;
  }
}
