import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildClients } from '../aws/clients';
import { type Config, configSchema } from '../aws/config';
import type { Deps } from '../core/deps';
import { startDynamo } from '../local/emulators';
import { LOCAL_NAMES, LOCAL_QUEUE_URLS } from '../local/runtime';

/**
 * Opens the embedded table. LevelDB allows one process, so when `npm start` is running the CLI talks to
 * its dynalite (found through endpoints.json); otherwise it starts dynalite on the folder itself.
 */
export async function withLocalTable(work: (deps: Deps) => Promise<void>): Promise<void> {
  const dataDir = resolve(process.env.CORRIDOR_DATA_DIR ?? '.data');
  const running = await runningServer(dataDir);
  const own = running ? undefined : await startDynamo(dataDir, LOCAL_NAMES.table);
  try {
    await work(tableOnlyDeps({ tableName: LOCAL_NAMES.table, dynamoEndpoint: running?.dynamoEndpoint ?? own?.endpoint }));
  } finally {
    await own?.stop();
  }
}

/**
 * Dependencies for commands that only write the table (tokens): the real DynamoDB client, on the local
 * emulator when `dynamoEndpoint` is given, else on AWS with the caller's own credentials. Everything else
 * (queues, the CDN) refuses, so such a command cannot publish by accident.
 */
export function tableOnlyDeps(table: { tableName: string; region?: string; dynamoEndpoint?: string }): Deps {
  const config: Config = configSchema.parse({
    ...table,
    incomingBucket: LOCAL_NAMES.incomingBucket,
    siteBucket: LOCAL_NAMES.siteBucket,
    publicUrl: 'http://127.0.0.1:3000',
    ...LOCAL_QUEUE_URLS,
  });
  const unavailable = async () => {
    throw new Error('not available to commands that only write the table');
  };
  return {
    config,
    clients: buildClients(config),
    now: () => new Date(),
    queues: { fanout: unavailable, media: unavailable, notifications: unavailable, segments: unavailable },
    cdn: { changed: unavailable, removed: unavailable },
  };
}

async function runningServer(dataDir: string): Promise<{ url: string; dynamoEndpoint: string } | undefined> {
  try {
    const info = JSON.parse(await readFile(join(dataDir, 'endpoints.json'), 'utf8')) as {
      pid: number;
      url: string;
      dynamoEndpoint: string;
    };
    process.kill(info.pid, 0); // throws when that process is gone
    return info;
  } catch {
    return undefined;
  }
}
