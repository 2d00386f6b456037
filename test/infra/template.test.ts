import { describe, expect, it } from 'vitest';
import { type Config, configFromEnv, configSchema, configToEnv } from '../../functions/aws/config';
import { queues as queueRegistry } from '../../functions/aws/queues';
import { TABLE_OUTPUT, tableShape } from '../../functions/aws/table';
import { rewriteFunctionSource } from '../../infra/cdn';
import { sizing } from '../../infra/corridor';
import { VISIBILITY_PER_FUNCTION_TIMEOUT } from '../../infra/queues';
import { handlerEntries, synth } from './synth';
import {
  allStatements,
  envOf,
  functionByService,
  type Json,
  label,
  list,
  ofType,
  permissionsOf,
  resources,
  stripHash,
} from './template-tools';

// One synth for the whole file (≈3 s): bundling is skipped, so this is offline and needs no credentials.
const { template, infra } = synth();
const all = resources(template);

const services = [
  'api',
  'media-router',
  'image-worker',
  'av-worker',
  'av-segment-worker',
  'fanout',
  'deliver',
  'sweeper',
  'digest',
  'email-events',
] as const;
const fnOf = (service: (typeof services)[number]) => functionByService(template, `corridor-${service}`);

const only = <T>(items: T[]): T => {
  expect(items).toHaveLength(1);
  return items[0] as T;
};

describe('the stack synthesizes offline', () => {
  it('has every function, with stubs only for handlers not written yet', () => {
    const { missing } = handlerEntries();
    if (missing.length > 0)
      console.warn(`test/infra: stub entries used for functions/handlers/${missing.join('.ts, ')}.ts (not written yet)`);
    expect(
      ofType(template, 'AWS::Lambda::Function')
        .map(([, r]) => envOf(r).POWERTOOLS_SERVICE_NAME)
        .filter(Boolean)
        .sort(),
    ).toEqual(services.map((s) => `corridor-${s}`).sort());
  });
});

describe('DynamoDB', () => {
  const [, table] = only(ofType(template, 'AWS::DynamoDB::Table'));
  const p = table.Properties as Json;

  it('is on-demand with point-in-time recovery and deletion protection in prod', () => {
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(p.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('has the key schema, TTL attribute and GSIs declared in functions/aws/table.ts', () => {
    expect(p.KeySchema).toEqual([
      { AttributeName: tableShape.partitionKey, KeyType: 'HASH' },
      { AttributeName: tableShape.sortKey, KeyType: 'RANGE' },
    ]);
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(tableShape.ttlAttribute).toBe('expiresAt');
    expect(p.GlobalSecondaryIndexes).toEqual(
      tableShape.indexes.map((i) => ({
        IndexName: i.name,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    expect((p.GlobalSecondaryIndexes as Json[]).map((g) => g.IndexName)).toContain('gsi1');
  });

  it('is named in the stack output the CLI reads to mint the first operator token on AWS', () => {
    const [tableId] = only(ofType(template, 'AWS::DynamoDB::Table'));
    const { Outputs = {} } = template.toJSON() as { Outputs?: Record<string, Json> };
    expect(Outputs[TABLE_OUTPUT]?.Value).toEqual({ Ref: tableId });
  });
});

describe('S3', () => {
  const buckets = Object.fromEntries(ofType(template, 'AWS::S3::Bucket').map(([id, r]) => [stripHash(id), { id, ...r }]));
  const incoming = buckets.CorridorStorageIncoming!;
  const site = buckets.CorridorStorageSite!;
  const blockAll = { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true };
  const policyOf = (bucketId: string) =>
    only(
      ofType(template, 'AWS::S3::BucketPolicy').filter(([, r]) => label((r.Properties as Json).Bucket) === stripHash(bucketId)),
    )[1];
  const denyInsecure = {
    Effect: 'Deny',
    Action: 's3:*',
    Principal: { AWS: '*' },
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };

  it('both buckets block all public access, encrypt, enforce TLS and disable ACLs', () => {
    for (const bucket of [incoming, site]) {
      const p = bucket.Properties as Json;
      expect(p.PublicAccessBlockConfiguration).toEqual(blockAll);
      expect(p.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(p.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      expect((policyOf(bucket.id).Properties as Json).PolicyDocument).toMatchObject({
        Statement: expect.arrayContaining([expect.objectContaining(denyInsecure)]),
      });
    }
  });

  it('incoming: originals expire after a day, incomplete multipart uploads are aborted after a day', () => {
    expect((incoming.Properties as Json).LifecycleConfiguration).toEqual({
      Rules: [
        { Id: 'originals-expire', ExpirationInDays: 1, Status: 'Enabled' },
        { Id: 'abort-incomplete-multipart', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
      ],
    });
  });

  it('incoming: browsers on the site may PUT (single and multipart parts) and read the ETag', () => {
    const rule = only(((incoming.Properties as Json).CorsConfiguration as { CorsRules: Json[] }).CorsRules);
    expect(rule.AllowedMethods).toEqual(['PUT']);
    expect(rule.ExposedHeaders).toEqual(['ETag']);
    expect(list(rule.AllowedOrigins as unknown[]).map(label)).toEqual(['https://CorridorCdnDistribution.DomainName']);
  });

  it('incoming: ObjectCreated under incoming/ goes to the media queue, after the queue policy lets S3 send', () => {
    const queueConfig = only(
      ((incoming.Properties as Json).NotificationConfiguration as { QueueConfigurations: Json[] }).QueueConfigurations,
    );
    expect(queueConfig.Event).toBe('s3:ObjectCreated:*');
    expect(queueConfig.Filter).toEqual({ S3Key: { Rules: [{ Name: 'prefix', Value: 'incoming/' }] } });
    expect(label(queueConfig.Queue)).toBe('CorridorMediaQueue.Arn');
    const queuePolicyId = only(list(incoming.DependsOn).filter((d) => d.startsWith('CorridorMediaQueuePolicy')));
    const statement = only(
      list(((all[queuePolicyId]!.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement).filter(
        (s) => s.Effect === 'Allow',
      ),
    );
    expect(statement.Principal).toEqual({ Service: 's3.amazonaws.com' });
    expect(statement.Action).toBe('sqs:SendMessage');
    expect(label((statement.Condition as Json).ArnLike)).toContain('"aws:SourceArn"');
    // No CDK BucketNotifications custom resource (its role needs s3:PutBucketNotification on *).
    expect(ofType(template, 'Custom::S3BucketNotifications')).toHaveLength(0);
  });

  it('site: kept in prod; only CloudFront (this distribution, via OAC) may read it', () => {
    expect(site.DeletionPolicy).toBe('Retain');
    const allows = list(((policyOf(site.id).Properties as Json).PolicyDocument as { Statement: Json[] }).Statement).filter(
      (s) => s.Effect === 'Allow',
    );
    const statement = only(allows);
    expect(statement.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect([...list(statement.Action as string[])].sort()).toEqual(['s3:GetObject', 's3:ListBucket']);
    expect(label((statement.Condition as { StringEquals: Json }).StringEquals['AWS:SourceArn'])).toBe(
      'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/CorridorCdnDistribution',
    );
  });

  it('incoming is transient: deleted with the stack (after emptying) even in prod', () => {
    expect(incoming.DeletionPolicy).toBe('Delete');
    expect(ofType(template, 'Custom::S3AutoDeleteObjects').map(([, r]) => label((r.Properties as Json).BucketName))).toEqual([
      'CorridorStorageIncoming',
    ]);
  });
});

describe('CloudFront', () => {
  const [, distribution] = only(ofType(template, 'AWS::CloudFront::Distribution'));
  const config = (distribution.Properties as Json).DistributionConfig as Json;
  const origins = config.Origins as Json[];
  const behaviors = Object.fromEntries((config.CacheBehaviors as Json[]).map((b) => [b.PathPattern as string, b]));
  const byRef = (ref: unknown) => all[(ref as { Ref: string }).Ref]!;
  const cacheTtls = (ref: unknown) => {
    const c = (byRef(ref).Properties as Json).CachePolicyConfig as Json;
    return { min: c.MinTTL, default: c.DefaultTTL, max: c.MaxTTL };
  };
  const headers = (ref: unknown) => (byRef(ref).Properties as Json).ResponseHeadersPolicyConfig as Json;
  const security = (ref: unknown) => headers(ref).SecurityHeadersConfig as Json;
  const csp = (ref: unknown) => label((security(ref).ContentSecurityPolicy as Json).ContentSecurityPolicy);
  const siteOrigin = only(origins.filter((o) => o.S3OriginConfig));
  const apiOrigin = only(origins.filter((o) => o.CustomOriginConfig));

  it('reads the site bucket through Origin Access Control (no OAI), and never the incoming bucket', () => {
    const [oacId, oac] = only(ofType(template, 'AWS::CloudFront::OriginAccessControl'));
    expect((oac.Properties as Json).OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(label(siteOrigin.DomainName)).toBe('CorridorStorageSite.RegionalDomainName');
    expect(label(siteOrigin.OriginAccessControlId)).toBe(`${stripHash(oacId)}.Id`);
    expect(siteOrigin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(ofType(template, 'AWS::CloudFront::CloudFrontOriginAccessIdentity')).toHaveLength(0);
    expect(origins.map((o) => label(o.DomainName)).join(' ')).not.toContain('Incoming');
  });

  it('site artifacts: short TTL, path rewrite, GET/HEAD only, HTTPS', () => {
    const d = config.DefaultCacheBehavior as Json;
    expect(d.TargetOriginId).toBe(siteOrigin.Id);
    expect(cacheTtls(d.CachePolicyId)).toEqual({ min: 0, default: 60, max: 300 });
    expect(d.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(d.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(only(d.FunctionAssociations as Json[]).EventType).toBe('viewer-request');
    expect(config.DefaultRootObject).toBe('index.html');
  });

  it('/media/*: cached a year (keys are content hashes)', () => {
    const media = behaviors['/media/*']!;
    expect(media.TargetOriginId).toBe(siteOrigin.Id);
    expect(cacheTtls(media.CachePolicyId)).toEqual({ min: 0, default: 31_536_000, max: 31_536_000 });
    expect(media.FunctionAssociations).toBeUndefined();
  });

  it('/api/*: the HTTP API, caching disabled, all viewer headers except Host, every method, HTTPS only', () => {
    const api = behaviors['/api/*']!;
    expect(api.TargetOriginId).toBe(apiOrigin.Id);
    expect(label(apiOrigin.DomainName)).toBe('CorridorHttpApi.execute-api.eu-west-2.${AWS::URLSuffix}');
    expect(apiOrigin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(api.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
    expect(api.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // Managed-AllViewerExceptHostHeader
    expect([...(api.AllowedMethods as string[])].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
    expect(api.ViewerProtocolPolicy).toBe('https-only');
  });

  it("parents' pages (/join/*, /family/*): from the API function like /api/*, under the site's CSP", () => {
    for (const path of ['/join/*', '/family/*']) {
      const page = behaviors[path]!;
      expect(page.TargetOriginId, path).toBe(apiOrigin.Id);
      expect(page.CachePolicyId, path).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
      expect(page.OriginRequestPolicyId, path).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
      expect(page.ViewerProtocolPolicy, path).toBe('https-only');
      expect(page.ResponseHeadersPolicyId, path).toEqual((config.DefaultCacheBehavior as Json).ResponseHeadersPolicyId);
      // The push script and its service worker are same-origin files; forms post to the same origin.
      expect(csp(page.ResponseHeadersPolicyId)).toMatch(/script-src 'self'.*worker-src 'self'.*form-action 'self'/);
    }
  });

  it('security headers on the site: CSP, HSTS, nosniff, Referrer-Policy, not frameable', () => {
    const ref = (config.DefaultCacheBehavior as Json).ResponseHeadersPolicyId;
    const s = security(ref);
    expect(csp(ref)).toContain("frame-ancestors 'none'");
    expect(csp(ref)).toContain("default-src 'self'");
    expect(csp(ref)).toContain("object-src 'none'");
    // Uploads go straight from the browser to the incoming bucket.
    expect(csp(ref)).toContain(
      "connect-src 'self' https://corridor-prod-uploads-${AWS::AccountId}-eu-west-2.s3.eu-west-2.${AWS::URLSuffix}",
    );
    expect(s.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 63_072_000,
      IncludeSubdomains: true,
      Preload: false,
      Override: true,
    });
    expect(s.ContentTypeOptions).toEqual({ Override: true });
    expect(s.ReferrerPolicy).toEqual({ ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true });
    expect(s.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
  });

  it.each(['/embed/*', '/s/*/embed', '/s/*/embed/*'])(
    '%s has its own policy: frameable by any site, still nosniff + HSTS',
    (path) => {
      const embed = behaviors[path]!;
      expect(embed.TargetOriginId).toBe(siteOrigin.Id);
      expect(embed.ResponseHeadersPolicyId).not.toEqual((config.DefaultCacheBehavior as Json).ResponseHeadersPolicyId);
      expect(csp(embed.ResponseHeadersPolicyId)).toContain('frame-ancestors *');
      expect(security(embed.ResponseHeadersPolicyId).FrameOptions).toBeUndefined();
      expect(security(embed.ResponseHeadersPolicyId).ContentTypeOptions).toEqual({ Override: true });
      expect(security(embed.ResponseHeadersPolicyId).StrictTransportSecurity).toBeDefined();
      expect(only(embed.FunctionAssociations as Json[]).EventType).toBe('viewer-request');
    },
  );

  it('media and API responses carry security headers too', () => {
    expect(csp(behaviors['/media/*']!.ResponseHeadersPolicyId)).toContain('sandbox');
    const apiPolicy = csp(behaviors['/api/*']!.ResponseHeadersPolicyId);
    expect(apiPolicy).toContain("default-src 'none'");
    expect(apiPolicy).toContain("frame-ancestors 'none'");
    expect(security(behaviors['/api/*']!.ResponseHeadersPolicyId).FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
  });

  it('the deployed rewrite function is the tested source, on cloudfront-js-2.0', () => {
    const [, fn] = only(ofType(template, 'AWS::CloudFront::Function'));
    expect((fn.Properties as Json).FunctionCode).toBe(rewriteFunctionSource);
    expect(((fn.Properties as Json).FunctionConfig as Json).Runtime).toBe('cloudfront-js-2.0');
  });

  it('the rewrite maps pages to index.html and leaves files alone', () => {
    const handler = new Function(`${rewriteFunctionSource}; return handler;`)() as (e: { request: { uri: string } }) => {
      uri: string;
    };
    const rewrite = (uri: string) => handler({ request: { uri } }).uri;
    expect(rewrite('/s/demo')).toBe('/s/demo/index.html');
    expect(rewrite('/s/demo/')).toBe('/s/demo/index.html');
    expect(rewrite('/p/01HZX')).toBe('/p/01HZX/index.html');
    expect(rewrite('/')).toBe('/index.html');
    expect(rewrite('/s/demo/feed.json')).toBe('/s/demo/feed.json');
    expect(rewrite('/s/demo/rss.xml')).toBe('/s/demo/rss.xml');
    expect(rewrite('/embed/demo')).toBe('/embed/demo/index.html');
  });
});

describe('Lambda', () => {
  const functions = services.map((s) => [s, fnOf(s)[1]] as const);

  it('every Corridor function runs nodejs24.x on arm64 with Powertools settings', () => {
    for (const [service, fn] of functions) {
      const p = fn.Properties as Json;
      expect(p.Runtime, service).toBe('nodejs24.x');
      expect(p.Architectures, service).toEqual(['arm64']);
      expect(envOf(fn), service).toMatchObject({
        POWERTOOLS_SERVICE_NAME: `corridor-${service}`,
        POWERTOOLS_METRICS_NAMESPACE: 'Corridor',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      });
    }
  });

  it('reserved concurrency where a runaway would hurt: API, sweeper, digest', () => {
    const reserved = Object.fromEntries(functions.map(([s, fn]) => [s, (fn.Properties as Json).ReservedConcurrentExecutions]));
    expect(reserved).toEqual({
      api: sizing.api.reserved,
      'media-router': undefined,
      'image-worker': undefined,
      'av-worker': undefined,
      'av-segment-worker': undefined,
      fanout: undefined,
      deliver: undefined,
      sweeper: 1,
      digest: 1,
      'email-events': undefined,
    });
  });

  it('the audio/video worker: ffmpeg layer, 3008 MB, 15 min, 4 GiB /tmp, CORRIDOR_FFMPEG_DIR=/opt/bin', () => {
    const p = fnOf('av-worker')[1].Properties as Json;
    expect(p.MemorySize).toBe(3008);
    expect(p.Timeout).toBe(900);
    expect(p.EphemeralStorage).toEqual({ Size: 4096 });
    expect(list(p.Layers as unknown[]).map(label)).toEqual(['CorridorFfmpegLayer']);
    expect(envOf(fnOf('av-worker')[1]).CORRIDOR_FFMPEG_DIR).toBe('/opt/bin');
    const [, layer] = only(ofType(template, 'AWS::Lambda::LayerVersion'));
    expect((layer.Properties as Json).CompatibleArchitectures).toEqual(['arm64']);
    expect((layer.Properties as Json).CompatibleRuntimes).toEqual(['nodejs24.x']);
    expect((fnOf('image-worker')[1].Properties as Json).Layers).toBeUndefined();
  });

  it("the segment worker (a long video's pieces and join): the same layer and memory, 5 min, 2 GiB /tmp", () => {
    const p = fnOf('av-segment-worker')[1].Properties as Json;
    expect(p.MemorySize).toBe(sizing.av.memory);
    expect(p.Timeout).toBe(300);
    expect(p.EphemeralStorage).toEqual({ Size: 2048 });
    expect(list(p.Layers as unknown[]).map(label)).toEqual(['CorridorFfmpegLayer']);
    expect(envOf(fnOf('av-segment-worker')[1]).CORRIDOR_FFMPEG_DIR).toBe('/opt/bin');
  });

  it('both media workers run functions/handlers/media.ts; the router runs infra/media-router', () => {
    expect(infra.functions.image.fn.node.id).toBe('Function');
    // Entry paths are not in the template when bundling is skipped; the construct keeps them.
    expect(envOf(fnOf('media-router')[1])).toMatchObject({
      CORRIDOR_IMAGE_QUEUE_URL: expect.anything(),
      CORRIDOR_AV_QUEUE_URL: expect.anything(),
    });
  });

  it('each function logs to its own log group with a retention', () => {
    for (const [service, fn] of functions) {
      const group = label(((fn.Properties as Json).LoggingConfig as Json).LogGroup);
      const logGroup = all[Object.keys(all).find((id) => `${stripHash(id)}` === group)!]!;
      expect((logGroup.Properties as Json).RetentionInDays, service).toBe(30);
    }
  });
});

describe('environment: exactly what configFromEnv needs', () => {
  const shape = configSchema.shape as Record<keyof Config, { safeParse(v: unknown): { success: boolean } }>;
  const required = (Object.keys(shape) as (keyof Config)[]).filter((key) => !shape[key].safeParse(undefined).success);
  const nameOf = (key: keyof Config) => Object.keys(configToEnv({ [key]: 'x' } as unknown as Config))[0]!;
  const requiredNames = required.map(nameOf).sort();
  const optionalNames = (Object.keys(shape) as (keyof Config)[]).filter((k) => !required.includes(k)).map(nameOf);
  const extras: Record<string, string[]> = {
    api: ['CORRIDOR_EMAIL_FROM', 'CORRIDOR_SES_CONFIGURATION_SET'],
    // Where the bundle carries the face detector's weights and WASM (infra/lambda.ts).
    'image-worker': ['CORRIDOR_FACE_ASSETS'],
    'av-worker': [nameOf('ffmpegDir' as keyof Config), 'CORRIDOR_FACE_ASSETS'],
    'av-segment-worker': [nameOf('ffmpegDir' as keyof Config), 'CORRIDOR_FACE_ASSETS'],
    fanout: [nameOf('cdnDistributionId' as keyof Config), 'CORRIDOR_TRANSLATOR'],
    deliver: ['CORRIDOR_EMAIL_FROM', 'CORRIDOR_SES_CONFIGURATION_SET', 'CORRIDOR_VAPID_SUBJECT', 'CORRIDOR_TRANSLATOR'],
    sweeper: [],
    digest: ['CORRIDOR_EMAIL_FROM', 'CORRIDOR_SES_CONFIGURATION_SET', 'CORRIDOR_VAPID_SUBJECT', 'CORRIDOR_TRANSLATOR'],
    'email-events': [],
  };

  it('the required names come from the config module (no copy of them here)', () => {
    expect(requiredNames).toEqual(
      [
        'CORRIDOR_FANOUT_QUEUE_URL',
        'CORRIDOR_INCOMING_BUCKET',
        'CORRIDOR_MEDIA_QUEUE_URL',
        'CORRIDOR_NOTIFICATIONS_QUEUE_URL',
        'CORRIDOR_PUBLIC_URL',
        'CORRIDOR_SEGMENTS_QUEUE_URL',
        'CORRIDOR_SITE_BUCKET',
        'CORRIDOR_TABLE',
      ].sort(),
    );
  });

  for (const [service, extra] of Object.entries(extras)) {
    it(`${service}: every required variable, no emulator endpoints, and configFromEnv accepts it`, () => {
      const env = envOf(fnOf(service as (typeof services)[number])[1]);
      const corridorNames = Object.keys(env)
        .filter((k) => k.startsWith('CORRIDOR_'))
        .sort();
      expect(corridorNames).toEqual([...requiredNames, ...extra].sort());
      expect(corridorNames.filter((n) => n.endsWith('_ENDPOINT'))).toEqual([]);
      expect(env.AWS_REGION).toBeUndefined(); // reserved: Lambda sets it
      // Tokens resolve at deploy time; stand in a URL-shaped value so zod sees a string.
      const resolved = Object.fromEntries(
        Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? v : 'https://resolved.example']),
      );
      const config = configFromEnv({ ...resolved, AWS_REGION: 'eu-west-2' });
      expect(config.tableName).toBeTruthy();
      for (const name of extra.filter((n) => optionalNames.includes(n))) expect(env[name]).toBeTruthy();
    });
  }

  it('the public URL is the CloudFront domain (no custom domain configured)', () => {
    expect(label(envOf(fnOf('api')[1]).CORRIDOR_PUBLIC_URL)).toBe('https://CorridorCdnDistribution.DomainName');
  });
});

describe('SQS', () => {
  const queues = Object.fromEntries(ofType(template, 'AWS::SQS::Queue').map(([id, r]) => [stripHash(id), r.Properties as Json]));
  const work = {
    CorridorMediaQueue: {
      consumer: 'media-router',
      timeout: sizing.router.timeout,
      receives: queueRegistry.media.maxReceiveCount,
      batch: sizing.router.batch,
    },
    CorridorImageQueue: {
      consumer: 'image-worker',
      timeout: sizing.image.timeout,
      receives: queueRegistry.image.maxReceiveCount,
      batch: sizing.image.batch,
    },
    CorridorAvQueue: {
      consumer: 'av-worker',
      timeout: sizing.av.timeout,
      receives: queueRegistry.av.maxReceiveCount,
      batch: sizing.av.batch,
    },
    CorridorSegmentsQueue: {
      consumer: 'av-segment-worker',
      timeout: sizing.segments.timeout,
      receives: queueRegistry.segments.maxReceiveCount,
      batch: sizing.segments.batch,
    },
    CorridorFanoutQueue: {
      consumer: 'fanout',
      timeout: sizing.fanout.timeout,
      receives: queueRegistry.fanout.maxReceiveCount,
      batch: sizing.fanout.batch,
    },
    CorridorNotificationsQueue: {
      consumer: 'deliver',
      timeout: sizing.deliver.timeout,
      receives: queueRegistry.notifications.maxReceiveCount,
      batch: sizing.deliver.batch,
    },
    CorridorEmailEventsQueue: {
      consumer: 'email-events',
      timeout: sizing.emailEvents.timeout,
      receives: queueRegistry.emailEvents.maxReceiveCount,
      batch: sizing.emailEvents.batch,
    },
  } as const;

  it('every queue is encrypted and refuses non-TLS access', () => {
    for (const [id, q] of Object.entries(queues)) {
      expect(q.SqsManagedSseEnabled, id).toBe(true);
    }
    const tlsDenied = new Set(
      allStatements(template)
        .filter(({ type, statement }) => type === 'AWS::SQS::QueuePolicy' && statement.Effect === 'Deny')
        .flatMap(({ statement }) => list(statement.Resource).map(label)),
    );
    for (const id of Object.keys(queues)) expect(tlsDenied.has(`${id}.Arn`), id).toBe(true);
  });

  for (const [queueId, w] of Object.entries(work)) {
    it(`${queueId}: dead-letter queue after ${w.receives} receives, visibility ≥ ${VISIBILITY_PER_FUNCTION_TIMEOUT}× the consumer timeout`, () => {
      const q = queues[queueId]!;
      const redrive = q.RedrivePolicy as Json;
      expect(redrive.maxReceiveCount).toBe(w.receives);
      expect(label(redrive.deadLetterTargetArn)).toBe(`${queueId}DeadLetters.Arn`);
      const [, fn] = fnOf(w.consumer);
      expect((fn.Properties as Json).Timeout).toBe(w.timeout.toSeconds());
      expect(q.VisibilityTimeout as number).toBeGreaterThanOrEqual(VISIBILITY_PER_FUNCTION_TIMEOUT * w.timeout.toSeconds());
    });

    it(`${queueId}: consumed by ${w.consumer} with partial batch responses and a concurrency ceiling`, () => {
      const [fnId] = fnOf(w.consumer);
      const mapping = only(
        ofType(template, 'AWS::Lambda::EventSourceMapping').filter(
          ([, r]) => label((r.Properties as Json).EventSourceArn) === `${queueId}.Arn`,
        ),
      )[1].Properties as Json;
      expect(label(mapping.FunctionName)).toBe(stripHash(fnId));
      expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(mapping.BatchSize).toBe(w.batch);
      // SQS hands a standard queue's consumer more than 10 messages only with a batching window.
      if (w.batch > 10) expect(mapping.MaximumBatchingWindowInSeconds).toBeGreaterThan(0);
      expect((mapping.ScalingConfig as Json).MaximumConcurrency).toBeGreaterThanOrEqual(2);
    });
  }

  it('every event source mapping reports batch item failures', () => {
    const mappings = ofType(template, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(Object.keys(work).length);
    for (const [, m] of mappings) expect((m.Properties as Json).FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });
});

describe('alarms', () => {
  const alarms = ofType(template, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties as Json);
  const alarmTopic = stripHash(only(ofType(template, 'AWS::SNS::Topic').filter(([id]) => id.startsWith('CorridorAlarms')))[0]);

  it('every dead-letter queue has an alarm at the first message', () => {
    const dlqs = ofType(template, 'AWS::SQS::Queue')
      .map(([id]) => stripHash(id))
      .filter((id) => id.endsWith('DeadLetters'));
    expect(dlqs).toHaveLength(8);
    for (const dlq of dlqs) {
      const alarm = only(
        alarms.filter(
          (a) =>
            a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
            label((a.Dimensions as Json[])[0]!.Value) === `${dlq}.QueueName`,
        ),
      );
      expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      expect(list(alarm.AlarmActions as unknown[]).map(label)).toEqual([alarmTopic]);
    }
  });

  it('every function has an errors alarm', () => {
    for (const service of services) {
      const [fnId] = fnOf(service);
      const alarm = only(
        alarms.filter((a) => a.MetricName === 'Errors' && label((a.Dimensions as Json[])[0]!.Value) === stripHash(fnId)),
      );
      expect(alarm).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Threshold: 1 });
      expect(list(alarm.AlarmActions as unknown[]).map(label)).toEqual([alarmTopic]);
    }
  });
});

describe('EventBridge Scheduler', () => {
  const schedules = Object.fromEntries(
    ofType(template, 'AWS::Scheduler::Schedule').map(([id, r]) => [stripHash(id), r.Properties as Json]),
  );

  it('sweeps every 5 minutes', () => {
    const s = schedules.CorridorSweepSchedule!;
    expect(s.ScheduleExpression).toBe('rate(5 minutes)');
    expect(label((s.Target as Json).Arn)).toBe(`${stripHash(fnOf('sweeper')[0])}.Arn`);
  });

  it('runs the digest hourly in the Europe/London time zone (DST handled by the scheduler)', () => {
    const s = schedules.CorridorDigestSchedule!;
    expect(s.ScheduleExpression).toBe('cron(0 * * * ? *)');
    expect(s.ScheduleExpressionTimezone).toBe('Europe/London');
    expect(label((s.Target as Json).Arn)).toBe(`${stripHash(fnOf('digest')[0])}.Arn`);
  });

  it('both retry, dead-letter, and send a Scheduled Event shape with the scheduled time', () => {
    for (const [id, s] of Object.entries(schedules)) {
      const target = s.Target as Json;
      expect(label((target.DeadLetterConfig as Json).Arn), id).toBe('CorridorScheduleDeadLetters.Arn');
      expect((target.RetryPolicy as Json).MaximumRetryAttempts as number, id).toBeGreaterThan(0);
      const input = JSON.parse(target.Input as string);
      expect(input).toMatchObject({
        'detail-type': 'Scheduled Event',
        source: 'corridor.scheduler',
        time: '<aws.scheduler.scheduled-time>',
      });
      expect(s.State).toBe('ENABLED');
    }
  });
});

describe('SES', () => {
  it('a configuration set suppresses bounces and complaints and requires TLS', () => {
    const [, set] = only(ofType(template, 'AWS::SES::ConfigurationSet'));
    expect(set.Properties).toMatchObject({
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
    });
  });

  it('bounce and complaint events → SNS → SQS (raw) → the email-events function', () => {
    const [, destination] = only(ofType(template, 'AWS::SES::ConfigurationSetEventDestination'));
    const d = (destination.Properties as Json).EventDestination as Json;
    expect(d.MatchingEventTypes).toEqual(['bounce', 'complaint']);
    const topic = label((d.SnsDestination as Json).TopicARN);
    const [, subscription] = only(ofType(template, 'AWS::SNS::Subscription'));
    expect(subscription.Properties).toMatchObject({ Protocol: 'sqs', RawMessageDelivery: true });
    expect(label((subscription.Properties as Json).TopicArn)).toBe(topic);
    expect(label((subscription.Properties as Json).Endpoint)).toBe('CorridorEmailEventsQueue.Arn');
    const sesMayPublish = allStatements(template).some(
      ({ type, statement }) =>
        type === 'AWS::SNS::TopicPolicy' &&
        statement.Effect === 'Allow' &&
        JSON.stringify(statement.Principal) === JSON.stringify({ Service: 'ses.amazonaws.com' }) &&
        list(statement.Resource).map(label).includes(topic),
    );
    expect(sesMayPublish).toBe(true);
  });

  it('the sending domain identity uses the configuration set by default', () => {
    const [, identity] = only(ofType(template, 'AWS::SES::EmailIdentity'));
    expect((identity.Properties as Json).EmailIdentity).toBe('mail.example.org');
    expect(label(((identity.Properties as Json).ConfigurationSetAttributes as Json).ConfigurationSetName)).toBe(
      'CorridorEmailConfigurationSet',
    );
  });
});

describe('IAM: least privilege', () => {
  const statements = allStatements(template);
  const allows = statements.filter(({ statement }) => statement.Effect === 'Allow');
  const serviceWide = /^[a-z0-9-]+:\*$/;

  it('no Allow statement anywhere grants "*" or a whole service ("s3:*", "dynamodb:*", "sqs:*", …)', () => {
    const offenders = allows.filter(({ statement }) => list(statement.Action).some((a) => a === '*' || serviceWide.test(a)));
    expect(offenders).toEqual([]);
  });

  it('no Allow statement anywhere names Resource "*" (nor an all-buckets/all-tables ARN), but TranslateText alone', () => {
    const wildcard = (r: string) => r === '*' || /:s3:::\*$/.test(r) || /:table\/\*$/.test(r) || /:sqs:[^:]*:[^:]*:\*$/.test(r);
    // translate:TranslateText has no resource-level permissions (without custom terminology): AWS's
    // Service Authorization Reference requires "*". A statement granting it must grant nothing else.
    const translateOnly = (statement: { Action?: unknown }) =>
      list(statement.Action).every((a) => a === 'translate:TranslateText');
    const offenders = allows.filter(
      ({ statement }) => !translateOnly(statement) && list(statement.Resource).some((r) => wildcard(label(r))),
    );
    expect(offenders).toEqual([]);
  });

  it('Corridor roles carry no managed policies (AWSLambdaBasicExecutionRole would grant logs on *)', () => {
    for (const service of services) {
      const roleId = (((fnOf(service)[1].Properties as Json).Role as Json)['Fn::GetAtt'] as string[])[0]!;
      expect((all[roleId]!.Properties as Json).ManagedPolicyArns, service).toBeUndefined();
    }
  });

  const TABLE = 'CorridorStorageTable.Arn';
  const DATA = ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'];
  const CONSUME = [
    'sqs:ChangeMessageVisibility',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
    'sqs:GetQueueUrl',
    'sqs:ReceiveMessage',
  ];
  const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
  const INCOMING = 'CorridorStorageIncoming.Arn/incoming/*';
  const WORK = 'CorridorStorageIncoming.Arn/work/*';
  const LIST_INCOMING = 'CorridorStorageIncoming.Arn if {"StringLike":{"s3:prefix":["incoming/*"]}}';
  const SES = ['ses:SendEmail', 'ses:SendRawEmail'];
  const SES_IDENTITY = 'arn:${AWS::Partition}:ses:eu-west-2:123456789012:identity/mail.example.org';
  const SES_SET = 'arn:${AWS::Partition}:ses:eu-west-2:123456789012:configuration-set/CorridorEmailConfigurationSet';
  const BATCH = ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'];
  const expected: Record<(typeof services)[number], Record<string, string[]>> = {
    api: {
      [TABLE]: DATA,
      [INCOMING]: ['s3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:PutObject'],
      'CorridorFanoutQueue.Arn': ['sqs:SendMessage'],
      // A face edit goes to the image worker through the media queue, like an upload.
      'CorridorMediaQueue.Arn': ['sqs:SendMessage'],
      [SES_IDENTITY]: SES,
      [SES_SET]: SES,
      'CorridorApiLogs.Arn': LOGS,
    },
    'media-router': {
      [INCOMING]: ['s3:GetObject'],
      [LIST_INCOMING]: ['s3:ListBucket'],
      'CorridorMediaQueue.Arn': CONSUME,
      'CorridorImageQueue.Arn': ['sqs:SendMessage'],
      'CorridorAvQueue.Arn': ['sqs:SendMessage'],
      'CorridorMediaRouterLogs.Arn': LOGS,
    },
    'image-worker': {
      [TABLE]: DATA,
      [INCOMING]: ['s3:DeleteObject', 's3:GetObject'],
      [LIST_INCOMING]: ['s3:ListBucket'],
      // A face edit re-renders from the stored variants and deletes the old ones (jobs/media/reblur.ts).
      'CorridorStorageSite.Arn/media/*': ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
      'CorridorImageQueue.Arn': CONSUME,
      'CorridorFanoutQueue.Arn': ['sqs:SendMessage'],
      'CorridorImageWorkerLogs.Arn': LOGS,
    },
    'av-worker': {
      [TABLE]: DATA,
      [INCOMING]: ['s3:DeleteObject', 's3:GetObject'],
      [LIST_INCOMING]: ['s3:ListBucket'],
      'CorridorStorageSite.Arn/media/*': ['s3:PutObject'],
      [WORK]: ['s3:PutObject'],
      'CorridorAvQueue.Arn': CONSUME,
      'CorridorFanoutQueue.Arn': ['sqs:SendMessage'],
      'CorridorSegmentsQueue.Arn': ['sqs:SendMessage'],
      'CorridorAvWorkerLogs.Arn': LOGS,
    },
    'av-segment-worker': {
      [TABLE]: DATA,
      [INCOMING]: ['s3:DeleteObject'],
      [WORK]: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
      'CorridorStorageIncoming.Arn if {"StringLike":{"s3:prefix":["work/*"]}}': ['s3:ListBucket'],
      'CorridorStorageSite.Arn/media/*': ['s3:PutObject'],
      'CorridorSegmentsQueue.Arn': [...CONSUME, 'sqs:SendMessage'].sort(),
      'CorridorFanoutQueue.Arn': ['sqs:SendMessage'],
      'CorridorAvSegmentWorkerLogs.Arn': LOGS,
    },
    fanout: {
      [TABLE]: DATA,
      'CorridorStorageSite.Arn/*': ['s3:DeleteObject', 's3:PutObject'],
      'arn:${AWS::Partition}:cloudfront::123456789012:distribution/CorridorCdnDistribution': ['cloudfront:CreateInvalidation'],
      'CorridorFanoutQueue.Arn': CONSUME,
      'CorridorNotificationsQueue.Arn': ['sqs:SendMessage'],
      'CorridorFanoutLogs.Arn': LOGS,
      // The translate job: a live post's caption into its families' languages, for its pages.
      '*': ['translate:TranslateText'],
    },
    deliver: {
      [TABLE]: [...DATA, ...BATCH].sort(),
      'CorridorNotificationsQueue.Arn': CONSUME,
      [SES_IDENTITY]: SES,
      [SES_SET]: SES,
      'CorridorDeliverLogs.Arn': LOGS,
      // Amazon Translate for captions; TranslateText has no resource-level permissions.
      '*': ['translate:TranslateText'],
      // A new translation queues the job that renders the post's pages again.
      'CorridorFanoutQueue.Arn': ['sqs:SendMessage'],
    },
    sweeper: {
      [TABLE]: DATA,
      [`${TABLE}/index/gsi1`]: ['dynamodb:Query'],
      // An abandoned upload: its parts and original removed, and its post's outputs.
      [INCOMING]: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject'],
      'CorridorStorageSite.Arn/media/*': ['s3:DeleteObject'],
      [LIST_INCOMING]: ['s3:ListBucket'],
      'CorridorMediaQueue.Arn': ['sqs:SendMessage'],
      'CorridorFanoutQueue.Arn': ['sqs:SendMessage'],
      'CorridorNotificationsQueue.Arn': ['sqs:SendMessage'],
      'CorridorSweeperLogs.Arn': LOGS,
    },
    digest: {
      [TABLE]: [...DATA, ...BATCH].sort(),
      [`${TABLE}/index/gsi1`]: ['dynamodb:Query'],
      [SES_IDENTITY]: SES,
      [SES_SET]: SES,
      'CorridorDigestLogs.Arn': LOGS,
      '*': ['translate:TranslateText'],
      'CorridorFanoutQueue.Arn': ['sqs:SendMessage'],
    },
    'email-events': {
      [TABLE]: DATA,
      'CorridorEmailEventsQueue.Arn': CONSUME,
      'CorridorEmailEventsLogs.Arn': LOGS,
    },
  };

  for (const service of services) {
    it(`${service} has exactly its actions on its resources`, () => {
      const sorted = (o: Record<string, string[]>) =>
        Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
      expect(permissionsOf(template, fnOf(service)[0])).toEqual(sorted(expected[service]));
    });
  }

  it('only the fan-out may invalidate CloudFront', () => {
    const invalidators = allows.filter(({ statement }) => list(statement.Action).some((a) => a.startsWith('cloudfront:')));
    expect(invalidators.map(({ where }) => stripHash(where))).toEqual(['CorridorFanoutRoleDefaultPolicy']);
  });

  it('VAPID keys are never in the template: they are generated on first start and kept in the table', () => {
    expect(ofType(template, 'AWS::SSM::Parameter')).toHaveLength(0);
    expect(ofType(template, 'AWS::SecretsManager::Secret')).toHaveLength(0);
    expect(allows.filter(({ statement }) => list(statement.Action).some((a) => a.startsWith('ssm:')))).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/BEGIN (EC )?PRIVATE KEY|VAPID_(PUBLIC|PRIVATE)/);
  });

  it('schedules may invoke only their own function', () => {
    const invokes = allows.filter(({ statement }) => list(statement.Action).includes('lambda:InvokeFunction'));
    const targets = invokes.map(({ statement }) => list(statement.Resource).map(label).sort().join(' ')).sort();
    expect(targets).toEqual(
      [fnOf('digest')[0], fnOf('sweeper')[0]].map((id) => `${stripHash(id)}.Arn ${stripHash(id)}.Arn:*`).sort(),
    );
  });
});

describe('HTTP API', () => {
  it("routes /api/* and parents' pages (/join/*, /family/*) to the API function with payload format 2.0", () => {
    const routes = ofType(template, 'AWS::ApiGatewayV2::Route')
      .map(([, r]) => (r.Properties as Json).RouteKey)
      .sort();
    expect(routes).toEqual(['ANY /api/{proxy+}', 'ANY /family/{proxy+}', 'ANY /join/{proxy+}']);
    const [, integration] = only(ofType(template, 'AWS::ApiGatewayV2::Integration'));
    expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    expect(label((integration.Properties as Json).IntegrationUri)).toBe(`${stripHash(fnOf('api')[0])}.Arn`);
  });
});
