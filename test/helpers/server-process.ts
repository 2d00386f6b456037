import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * `npm start`'s process, for real (functions/local/main.ts in a child process): what the crash tests kill
 * with SIGKILL and start again on the same data folder. Every child is killed when the test file ends.
 */
const children = new Set<ChildProcess>();
const outputs = new WeakMap<ChildProcess, string[]>();

/** The last lines the server printed (for a failing test's message), periodic scheduler lines left out. */
export function serverOutput(child: ChildProcess, lines = 40): string {
  return (outputs.get(child) ?? [])
    .join('')
    .split('\n')
    .filter((line) => !line.includes('due deliveries sent'))
    .slice(-lines)
    .join('\n');
}

export function killAllServers(): void {
  for (const child of children) child.kill('SIGKILL');
}

/** Starts the server on `dataDir` and `port`; resolves once it printed that it is ready. */
export function startServer(dataDir: string, port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'functions/local/main.ts'], {
    env: {
      ...process.env,
      CORRIDOR_DATA_DIR: dataDir,
      PORT: String(port),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const chunks: string[] = [];
  outputs.set(child, chunks);
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      chunks.push(String(chunk));
      if (chunks.join('').includes('Press Ctrl-C to stop.')) resolve(child);
      if (chunks.length > 2000) chunks.splice(0, 1000);
    });
    child.stderr?.on('data', (chunk) => {
      chunks.push(String(chunk));
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${serverOutput(child)}`)));
  });
}

/** kill -9, and wait until the process is gone. */
export async function killServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** A loopback port free right now (the server keeps it across restarts, so upload URLs stay valid). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
