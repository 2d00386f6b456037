import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CorridorInfra, type CorridorInfraProps } from '../../infra/corridor';
import { type HandlerName, handlerNames } from '../../infra/lambda';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
export const stubLayerDir = join(projectRoot, 'infra', 'test-fixtures', 'ffmpeg-layer');
const stubHandler = join(projectRoot, 'infra', 'test-fixtures', 'handler.ts');

/** Handlers not written yet are replaced by a stub entry, so the template can still be checked. */
export function handlerEntries(): { entries: Partial<Record<HandlerName, string>>; missing: HandlerName[] } {
  const missing = handlerNames.filter((name) => !existsSync(join(projectRoot, 'functions', 'handlers', `${name}.ts`)));
  return { entries: Object.fromEntries(missing.map((name) => [name, stubHandler])), missing };
}

/**
 * Synthesizes the Corridor construct in a plain CDK stack, offline: bundling is skipped through the
 * `aws:cdk:bundling-stacks` context (docs/architecture.md, Infrastructure), so no esbuild run, no npm install, no AWS credentials.
 */
export function synth(overrides: Partial<CorridorInfraProps> = {}): { stack: Stack; infra: CorridorInfra; template: Template } {
  // Its own cloud assembly folder, removed once the template is read (CDK would leave one in /tmp per synth).
  const outdir = mkdtempSync(join(tmpdir(), 'corridor-synth-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'CorridorTest', { env: { account: '123456789012', region: 'eu-west-2' } });
  const infra = new CorridorInfra(stack, 'Corridor', {
    stage: 'prod',
    email: { domain: 'mail.example.org' },
    ffmpegLayerDir: stubLayerDir,
    verifyFfmpegLayer: false,
    projectRoot,
    entries: handlerEntries().entries,
    ...overrides,
  });
  try {
    return { stack, infra, template: Template.fromStack(stack) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
