import { createHash, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, S3Event, ScheduledEvent, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * Full AWS event objects, field for field as the services deliver them (the shapes in the AWS docs, typed
 * by @types/aws-lambda so a missing field does not compile), for driving the Lambda handlers in tests
 * and benchmarks exactly as AWS would.
 */

const ACCOUNT = '123456789012';
const REGION = 'eu-west-2';

/**
 * An `s3:ObjectCreated:Put` notification (event structure 2.1). Keys arrive URL-encoded with `+` for
 * spaces. https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
export function s3ObjectCreated(object: { bucket: string; key: string; size: number; eTag: string }): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: REGION,
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        // A presigned PUT is made with the API function's role credentials.
        userIdentity: { principalId: 'AWS:AROAEXAMPLEAPIROLE:corridor-prod-api' },
        requestParameters: { sourceIPAddress: '203.0.113.24' },
        responseElements: {
          'x-amz-request-id': 'C3D13FE58DE4C810',
          'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'corridor-incoming-to-media-queue',
          bucket: {
            name: object.bucket,
            ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
            arn: `arn:aws:s3:::${object.bucket}`,
          },
          object: {
            key: encodeURIComponent(object.key).replace(/%2F/g, '/').replace(/%20/g, '+'),
            size: object.size,
            eTag: object.eTag.replace(/"/g, ''),
            sequencer: Date.now().toString(16).toUpperCase().padStart(18, '0'),
          },
        },
      },
    ],
  };
}

/** One SQS message as the Lambda event source mapping delivers it (body verbatim, MD5 of the body). */
export function sqsRecord(body: string, options: { queue: string; receiveCount?: number; messageId?: string }): SQSRecord {
  const sent = Date.now();
  return {
    messageId: options.messageId ?? randomUUID(),
    receiptHandle: `AQEB${createHash('sha256').update(randomUUID()).digest('base64')}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: String(sent),
      SenderId: 'AROAEXAMPLESENDER:corridor',
      ApproximateFirstReceiveTimestamp: String(sent + 5),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${options.queue}`,
    awsRegion: REGION,
  };
}

/** A batch of SQS records for one queue. https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html */
export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

export interface HttpRequest {
  method: string;
  /** Path and query, e.g. `/api/posts?limit=5`. */
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** API Gateway base64-encodes bodies it treats as binary; JSON usually arrives as text. */
  base64?: boolean;
}

/**
 * An HTTP API (API Gateway v2) request, payload format 2.0, for the `ANY /api/{proxy+}` route on the
 * `$default` stage, reached through CloudFront (which forwards every viewer header but Host).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
export function httpApiEvent(request: HttpRequest): APIGatewayProxyEventV2 {
  const [rawPath = '/', rawQueryString = ''] = request.url.split('?');
  const domainName = 'a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com';
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-encoding': 'gzip',
    'cloudfront-forwarded-proto': 'https',
    'cloudfront-viewer-country': 'GB',
    host: domainName,
    'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
    via: '2.0 5c9d4b0e1a2f3c4d5e6f7a8b9c0d1e2f.cloudfront.net (CloudFront)',
    'x-amz-cf-id': 'mM5gZ7lOYcz8SikQ0fZ6bkS5lUoVb3kHf1h8hC7d2Qq5mPz0sXyA1w==',
    'x-amzn-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    'x-forwarded-for': '203.0.113.24, 130.176.0.1',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...Object.fromEntries(Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
  };
  const body =
    request.body === undefined ? undefined : request.base64 ? Buffer.from(request.body).toString('base64') : request.body;
  if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
  const query = new URLSearchParams(rawQueryString);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: 'ANY /api/{proxy+}',
    rawPath,
    rawQueryString,
    headers,
    ...(rawQueryString
      ? { queryStringParameters: Object.fromEntries([...query.keys()].map((k) => [k, query.getAll(k).join(',')])) }
      : {}),
    pathParameters: { proxy: rawPath.replace(/^\/api\//, '') },
    requestContext: {
      accountId: ACCOUNT,
      apiId: domainName.split('.')[0] ?? '',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? '',
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '130.176.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `${randomUUID().slice(0, 8)}=`,
      routeKey: 'ANY /api/{proxy+}',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: request.base64 ?? false,
  };
}

/**
 * What EventBridge Scheduler delivers to a Lambda target: the target's Input with its context attributes
 * substituted. https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
 */
export function scheduledInput(input: string, schedule: { arn: string; scheduledTime: Date; attempt?: number }): ScheduledEvent {
  const attributes: Record<string, string> = {
    '<aws.scheduler.schedule-arn>': schedule.arn,
    '<aws.scheduler.scheduled-time>': schedule.scheduledTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    '<aws.scheduler.execution-id>': randomUUID(),
    '<aws.scheduler.attempt-number>': String(schedule.attempt ?? 1),
  };
  return JSON.parse(input.replace(/<aws\.scheduler\.[a-z-]+>/g, (name) => attributes[name] ?? name)) as ScheduledEvent;
}
