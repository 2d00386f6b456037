import { Aws, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { tableShape } from '../functions/aws/table';

export interface StorageProps {
  /** Lower-case prefix for physical names, e.g. `corridor-prod`. */
  namePrefix: string;
  /** Keep the table and the site bucket when the stack is deleted (prod). */
  retainData: boolean;
}

/**
 * The single table and the two buckets.
 * - `table`: on-demand, point-in-time recovery, TTL on `expiresAt`, and the GSIs the code declares in
 *   `functions/aws/table.ts` (imported, so the stack and the code cannot drift).
 * - `incoming`: phone originals. Private; uploads arrive by presigned PUT straight from browsers (hence
 *   CORS exposing `ETag`, which multipart completion needs); objects are deleted after a day and
 *   half-finished multipart uploads aborted after a day, because originals carry GPS and device data and
 *   the media worker deletes them itself once processed. Never a CloudFront origin.
 * - `site`: the public artifacts and media variants, readable only by CloudFront through Origin Access
 *   Control. Not versioned on purpose: a retracted photo must really be gone.
 */
export class Storage extends Construct {
  readonly table: dynamodb.Table;
  readonly incoming: s3.Bucket;
  readonly site: s3.Bucket;
  /**
   * The incoming bucket's name is fixed (not generated) so that the CloudFront CSP can name it in
   * `connect-src` while the bucket's CORS names the CloudFront domain — with generated names those two
   * references would form a dependency cycle.
   */
  readonly incomingBucketName: string;
  /** The host browsers upload to (virtual-hosted style, as SDK v3 presigns). */
  readonly incomingUploadOrigin: string;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const dataRemoval = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: tableShape.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: tableShape.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: tableShape.ttlAttribute,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: props.retainData,
      removalPolicy: dataRemoval,
    });
    for (const index of tableShape.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    const stack = Stack.of(this);
    this.incomingBucketName = `${props.namePrefix}-uploads-${Aws.ACCOUNT_ID}-${stack.region}`;
    checkBucketName(props.namePrefix, stack.region);
    this.incomingUploadOrigin = `https://${this.incomingBucketName}.s3.${stack.region}.${Aws.URL_SUFFIX}`;
    this.incoming = new s3.Bucket(this, 'Incoming', {
      bucketName: this.incomingBucketName,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { id: 'originals-expire', expiration: Duration.days(1) },
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // Originals are transient (deleted within a day), so the bucket goes with the stack even in prod.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    this.site = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: dataRemoval,
      autoDeleteObjects: !props.retainData,
    });
  }

  /**
   * Lets browsers on these origins PUT presigned uploads (single and multipart parts) and read the
   * `ETag` each part returns, which multipart completion needs. Called once the public origin is known.
   */
  allowBrowserUploads(origins: string[]): void {
    this.incoming.addCorsRule({
      allowedMethods: [s3.HttpMethods.PUT],
      allowedOrigins: origins,
      // Presigned PUTs carry Content-Type and the SDK's x-amz-* checksum headers; the signature, not
      // CORS, is what authorises the write.
      allowedHeaders: ['*'],
      exposedHeaders: ['ETag'],
      maxAge: 3600,
    });
  }
}

/** S3 bucket names are at most 63 characters: fail at synth, not half-way through a deploy. */
function checkBucketName(prefix: string, region: string): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(prefix)) {
    throw new Error(`Corridor infra: name prefix "${prefix}" must be lower-case letters, digits and hyphens (it names a bucket)`);
  }
  const regionLength = Token.isUnresolved(region) ? 'ap-southeast-4'.length : region.length;
  const length = `${prefix}-uploads-123456789012-`.length + regionLength;
  if (length > 63) {
    throw new Error(`Corridor infra: the uploads bucket name would be ${length} characters (max 63); use a shorter stage name`);
  }
}
