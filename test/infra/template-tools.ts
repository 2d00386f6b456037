import type { Template } from 'aws-cdk-lib/assertions';

export type Json = Record<string, unknown>;
export interface Resource {
  Type: string;
  Properties?: Json;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string | string[];
}

export function resources(template: Template): Record<string, Resource> {
  return (template.toJSON() as { Resources: Record<string, Resource> }).Resources;
}

export function ofType(template: Template, type: string): [string, Resource][] {
  return Object.entries(resources(template)).filter(([, r]) => r.Type === type);
}

/** Drops CDK's 8-hex-digit logical ID suffix: `CorridorStorageTableAC48FD3A` → `CorridorStorageTable`. */
export const stripHash = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');

/**
 * A readable label for a (possibly intrinsic) value: `{Fn::GetAtt: [X, Arn]}` → `X.Arn` (hash dropped),
 * `{Ref: X}` → `X`, joins concatenated.
 */
export function label(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(label).join(',');
  if (value && typeof value === 'object') {
    const v = value as Json;
    if ('Fn::GetAtt' in v) {
      const [id, attr] = v['Fn::GetAtt'] as [string, string];
      return `${stripHash(id)}.${attr}`;
    }
    if ('Ref' in v) return String(v.Ref).startsWith('AWS::') ? `\${${v.Ref}}` : stripHash(String(v.Ref));
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(label).join(sep);
    }
    if ('Fn::Sub' in v) return String(v['Fn::Sub']);
  }
  return JSON.stringify(value);
}

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Json;
}

export const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Every policy statement in the template: identity policies, inline role policies and resource policies. */
export function allStatements(template: Template): { where: string; type: string; statement: Statement }[] {
  const found: { where: string; type: string; statement: Statement }[] = [];
  for (const [id, r] of Object.entries(resources(template))) {
    const p = r.Properties ?? {};
    const docs: unknown[] = [];
    if (
      [
        'AWS::IAM::Policy',
        'AWS::IAM::ManagedPolicy',
        'AWS::S3::BucketPolicy',
        'AWS::SQS::QueuePolicy',
        'AWS::SNS::TopicPolicy',
      ].includes(r.Type)
    ) {
      docs.push(p.PolicyDocument);
    }
    if (r.Type === 'AWS::IAM::Role')
      for (const inline of list(p.Policies as Json[] | undefined)) docs.push(inline.PolicyDocument);
    for (const doc of docs) {
      for (const statement of list((doc as { Statement: Statement[] }).Statement))
        found.push({ where: id, type: r.Type, statement });
    }
  }
  return found;
}

/**
 * A function's identity permissions as `resource label → sorted actions`, from every IAM policy attached
 * to its role (a statement's condition is appended to its resources' labels).
 */
export function permissionsOf(template: Template, functionLogicalId: string): Record<string, string[]> {
  const all = resources(template);
  const fn = all[functionLogicalId];
  if (!fn) throw new Error(`no resource ${functionLogicalId}`);
  const roleId = ((fn.Properties!.Role as Json)['Fn::GetAtt'] as string[])[0];
  const result: Record<string, Set<string>> = {};
  for (const [, r] of Object.entries(all)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    const roles = list(r.Properties?.Roles as Json[]).map((ref) => ref.Ref);
    if (!roles.includes(roleId)) continue;
    for (const s of list((r.Properties!.PolicyDocument as { Statement: Statement[] }).Statement)) {
      if (s.Effect !== 'Allow') continue;
      const condition = s.Condition ? ` if ${JSON.stringify(s.Condition)}` : '';
      for (const resource of list(s.Resource)) {
        const key = label(resource) + condition;
        result[key] ??= new Set();
        for (const action of list(s.Action)) result[key].add(action);
      }
    }
  }
  return Object.fromEntries(
    Object.entries(result)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, [...v].sort()]),
  );
}

/** The Lambda function whose POWERTOOLS_SERVICE_NAME is `serviceName`. */
export function functionByService(template: Template, serviceName: string): [string, Resource] {
  const match = ofType(template, 'AWS::Lambda::Function').find(
    ([, r]) =>
      ((r.Properties?.Environment as Json | undefined)?.Variables as Json | undefined)?.POWERTOOLS_SERVICE_NAME === serviceName,
  );
  if (!match) throw new Error(`no function with service name ${serviceName}`);
  return match;
}

export function envOf(resource: Resource): Record<string, unknown> {
  return ((resource.Properties?.Environment as Json | undefined)?.Variables as Record<string, unknown>) ?? {};
}
