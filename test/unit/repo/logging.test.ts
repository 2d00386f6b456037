import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

/**
 * Core logs through the one logger (functions/aws/telemetry.ts: JSON lines with the Lambda context and the
 * work's keys, queried as fields in CloudWatch Logs Insights), not `console`, whose free text cannot be
 * filtered by post, school or family. Issue 16, step 5.
 */
const root = resolve(fileURLToPath(new URL('../../../', import.meta.url)));

it('no module in functions/core writes to the console', () => {
  const core = join(root, 'functions/core');
  const files = readdirSync(core, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(50);
  const offenders = files.flatMap((file) =>
    readFileSync(join(core, file), 'utf8')
      .split('\n')
      .flatMap((line, i) =>
        /\bconsole\.(log|info|warn|error|debug)\(/.test(line) ? [`${relative(root, join(core, file))}:${i + 1}`] : [],
      ),
  );
  expect(offenders).toEqual([]);
});
