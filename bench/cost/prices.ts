/**
 * Public on-demand AWS list prices for **eu-west-2 (London)**, in US dollars, as published on the AWS
 * pricing pages in {@link PRICES_AS_OF}. They were copied by hand (this machine reaches no pricing API):
 * re-check them before quoting a figure. Free tiers are ignored, so small deployments cost less.
 * - Lambda: https://aws.amazon.com/lambda/pricing/ (arm64 and x86_64 per GB-second, per request)
 * - API Gateway HTTP APIs: https://aws.amazon.com/api-gateway/pricing/ (first 300 M requests)
 * - DynamoDB on-demand (after the November 2024 price cut): https://aws.amazon.com/dynamodb/pricing/on-demand/
 * - S3 Standard: https://aws.amazon.com/s3/pricing/ (first 50 TB)
 * - SQS standard queues: https://aws.amazon.com/sqs/pricing/ (per request, each 64 KB chunk)
 * - CloudFront, Europe edge, first 10 TB: https://aws.amazon.com/cloudfront/pricing/
 * - SES outbound email: https://aws.amazon.com/ses/pricing/
 * - CloudWatch standard-resolution alarms and Logs (standard class): https://aws.amazon.com/cloudwatch/pricing/
 */
export const PRICES_AS_OF = '2025-06';
export const PRICES_REGION = 'eu-west-2 (London)';

export const PRICES = {
  lambda: {
    perGbSecond: { arm64: 0.0000133334, x86_64: 0.0000166667 },
    perMillionRequests: 0.2,
  },
  httpApi: { perMillionRequests: 1.11 },
  dynamo: {
    perMillionWriteUnits: 0.7425,
    perMillionReadUnits: 0.1485,
    perGbMonth: 0.29,
    pointInTimeRecoveryPerGbMonth: 0.232,
  },
  s3: {
    perGbMonth: 0.024,
    /** PUT, COPY, POST, LIST. */
    perThousandPutClass: 0.0053,
    /** GET, HEAD, SELECT. DELETE is free. */
    perThousandGetClass: 0.00042,
  },
  sqs: { perMillionRequests: 0.4 },
  /** Invalidation paths beyond the first 1,000 a month (a wildcard counts as one path). */
  cloudfront: { perGbOut: 0.085, perTenThousandHttpsRequests: 0.012, perInvalidationPath: 0.005 },
  ses: { perThousandEmails: 0.1 },
  /** Logs: standard class; a month's logs are kept a month (infra/lambda.ts `RetentionDays.ONE_MONTH`). */
  cloudwatch: { perAlarmMonth: 0.1, logsPerGbIngested: 0.5985, logsPerGbMonthStored: 0.0315 },
} as const;

export type LambdaArchitecture = keyof typeof PRICES.lambda.perGbSecond;
