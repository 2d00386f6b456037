import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synth } from './synth';

/**
 * Warnings CDK itself produces, ignored with the reason. Nothing else is ignored: any other warning or
 * error fails the test.
 * - W3005 (DependsOn already enforced by a GetAtt): CDK adds an explicit DependsOn from each function to
 *   its role (and to the role's default policy) so the policy exists before the function is invoked;
 *   the role half is redundant but harmless.
 */
export const IGNORED_CFN_LINT_RULES = ['W3005'] as const;

const hasCfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasCfnLint) {
  console.warn('test/infra/cfn-lint: skipped — `cfn-lint` is not on PATH (pip install cfn-lint to run it)');
}

describe.skipIf(!hasCfnLint)('cfn-lint on the synthesized template', () => {
  const dir = mkdtempSync(join(tmpdir(), 'corridor-cfn-lint-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const lint = (name: string, template: unknown) => {
    const file = join(dir, `${name}.template.json`);
    writeFileSync(file, JSON.stringify(template, null, 1));
    const run = spawnSync('cfn-lint', ['--format', 'json', '--ignore-checks', ...IGNORED_CFN_LINT_RULES, '--', file], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (run.error) throw run.error;
    // Exit status is a bit mask of finding levels (2 error, 4 warning, 8 info); 1 means cfn-lint itself failed.
    if (run.status === 1 || (run.status !== 0 && !run.stdout.trim()))
      throw new Error(`cfn-lint failed (${run.status}): ${run.stderr}`);
    const findings = JSON.parse(run.stdout || '[]') as {
      Rule: { Id: string };
      Level: string;
      Message: string;
      Location: { Path: unknown[] };
    }[];
    return findings.map((f) => `${f.Level} ${f.Rule.Id} ${f.Location.Path.join('/')}: ${f.Message}`);
  };

  it('prod (default domain, SES identity created here): no findings', () => {
    expect(lint('prod', synth().template.toJSON())).toEqual([]);
  });

  it('a dev stage with a custom domain, an existing SES identity and an alarm email: no findings', () => {
    const { template } = synth({
      stage: 'dev',
      domainName: 'corridor.example.org',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100',
      email: { domain: 'example.org', identity: 'existing' },
      alarmEmail: 'ops@example.org',
      reserveConcurrency: false,
    });
    expect(lint('dev', template.toJSON())).toEqual([]);
  });
});
