/** A failure the user can act on: printed as one line, exit code 1, no stack trace. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    /** True when the same call may succeed if tried again (the network, not the request, failed). */
    readonly retryable = false,
  ) {
    super(message);
  }
}

/** Writes a status line to stderr (stdout stays for results a script may capture, like a URL). */
export const say = (line: string) => process.stderr.write(`${line}\n`);

const BAR_WIDTH = 24;

/**
 * A progress line. On a terminal it redraws in place; in a log it prints at each quarter, so CI logs
 * stay short.
 */
export function progressBar(label: string) {
  const tty = process.stderr.isTTY;
  let lastQuarter = -1;
  return {
    update(fraction: number, detail = '') {
      const clamped = Math.max(0, Math.min(1, fraction));
      const percent = Math.round(clamped * 100);
      if (tty) {
        const filled = Math.round(clamped * BAR_WIDTH);
        process.stderr.write(
          `\r${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% ${detail}\x1b[K`,
        );
      } else if (Math.floor(percent / 25) > lastQuarter) {
        lastQuarter = Math.floor(percent / 25);
        say(`${label} ${percent}% ${detail}`.trimEnd());
      }
    },
    done(detail = '') {
      if (tty) process.stderr.write(`\r${label} done ${detail}\x1b[K\n`);
      else say(`${label} done ${detail}`.trimEnd());
    },
  };
}
