import { spawn } from 'node:child_process';
import { DomainError } from '../../errors';
import { MediaRejected } from '../media';

/**
 * The one place that spawns ffmpeg/ffprobe. It enforces the job's wall-clock deadline with SIGKILL (a
 * wedged decoder ignores gentler signals), streams stdout line by line (ffmpeg `-progress pipe:1`), hands
 * file descriptor 3 to a sink (PCM for waveform peaks), and keeps the tail of stderr for diagnosis.
 */

/** An absolute wall-clock deadline shared by every step of one job. */
export class Deadline {
  readonly at: number;
  constructor(readonly budgetMs: number) {
    this.at = Date.now() + budgetMs;
  }
  remainingMs(): number {
    return this.at - Date.now();
  }
}

/** A tool exited non-zero. Internal unless the caller classifies its stderr as a named rejection. */
export class ToolFailed extends DomainError {
  constructor(
    readonly tool: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super('tool_failed', 500, `${tool} exited with ${exitCode}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    this.name = 'ToolFailed';
  }
}

export interface RunOptions {
  deadline: Deadline;
  /** Called for each stdout line; without it stdout is collected and returned. */
  onStdoutLine?: (line: string) => void;
  /** When given, the child gets a pipe on fd 3 (`pipe:3` in ffmpeg) whose bytes arrive here. */
  onFd3?: (chunk: Buffer) => void;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

const STDERR_TAIL = 32 * 1024;
/** ffprobe's JSON for a sane file is a few KB; more means a crafted file with absurdly many streams. */
const STDOUT_MAX = 4 * 1024 * 1024;

/**
 * Runs `bin args`, resolving with its output on exit code 0.
 * @throws MediaRejected `timed_out` when the deadline passes (the child is SIGKILLed);
 *   ToolFailed on a non-zero exit; Error when the binary cannot be started.
 */
export function run(bin: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const remaining = options.deadline.remainingMs();
  if (remaining <= 0) return Promise.reject(timedOut(options.deadline, bin));
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe', ...(options.onFd3 ? (['pipe'] as const) : [])] });
    let stdout = '';
    let stdoutBytes = 0;
    let pending = '';
    let stderr = '';
    let killedFor: 'deadline' | 'stdout' | undefined;
    const kill = (why: 'deadline' | 'stdout') => {
      killedFor ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill('deadline'), remaining);

    // stdio is ['ignore', 'pipe', 'pipe', …], so both streams exist; the spread hides that from the types.
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => {
      if (!options.onStdoutLine) {
        stdoutBytes += text.length;
        if (stdoutBytes > STDOUT_MAX) kill('stdout');
        else stdout += text;
        return;
      }
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) options.onStdoutLine(line.trimEnd());
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      stderr = (stderr + text).slice(-STDERR_TAIL);
    });
    const fd3 = child.stdio[3];
    if (options.onFd3 && fd3 && 'on' in fd3) fd3.on('data', options.onFd3);

    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${bin}: ${error.message}`, { cause: error }));
    });
    // 'close' (not 'exit') fires once every pipe has drained, so no progress line or PCM byte is lost.
    child.on('close', (code) => {
      clearTimeout(timer);
      if (pending && options.onStdoutLine) options.onStdoutLine(pending.trimEnd());
      if (killedFor === 'deadline') reject(timedOut(options.deadline, bin));
      else if (killedFor === 'stdout') reject(new ToolFailed(bin, code, 'stdout exceeded its limit'));
      else if (code === 0) resolve({ stdout, stderr });
      else reject(new ToolFailed(bin, code, stderr));
    });
  });
}

const timedOut = (deadline: Deadline, bin: string) =>
  new MediaRejected('timed_out', `${bin.split('/').pop()} exceeded the ${deadline.budgetMs} ms budget`);
