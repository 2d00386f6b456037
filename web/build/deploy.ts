/**
 * `npm run deploy:web -- --bucket <SiteBucket> [--distribution <DistributionId>]`: builds the widget and
 * the composer (failing over budget) and publishes them to a deployed stack's site bucket, then
 * invalidates the stable-named files. The values are the outputs `npx sst deploy` prints.
 */
import { parseArgs } from 'node:util';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { S3Client } from '@aws-sdk/client-s3';
import { BudgetExceeded, formatSizes } from './budgets';
import { buildWeb } from './index';
import { invalidateWebBuild, publishWebBuild } from './publish';

const usage = `usage: npm run deploy:web -- --bucket <SiteBucket> [--distribution <DistributionId>] [--region <region>]

Builds embed.js and the composer and copies them into the site bucket of a deployed Corridor stack.
  --bucket         the stack's SiteBucket output
  --distribution   the stack's DistributionId output: stable-named files are invalidated
  --region         the stack's region (default: CORRIDOR_REGION, AWS_REGION, or eu-west-2)
AWS credentials come from the usual chain (AWS_PROFILE, environment, SSO).`;

const { values } = parseArgs({
  options: {
    bucket: { type: 'string' },
    distribution: { type: 'string' },
    region: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (!values.bucket) {
  console.error(`deploy:web: --bucket is required.\n\n${usage}`);
  process.exit(2);
}
const region = values.region ?? process.env.CORRIDOR_REGION ?? process.env.AWS_REGION ?? 'eu-west-2';
try {
  const { assets, sizes } = await buildWeb();
  console.log(formatSizes(sizes));
  const published = await publishWebBuild(new S3Client({ region }), values.bucket, assets.values());
  console.log(`deploy:web: ${published.uploaded} files in s3://${values.bucket}`);
  if (values.distribution) {
    // CloudFront is a global service; its API lives in us-east-1.
    await invalidateWebBuild(new CloudFrontClient({ region: 'us-east-1' }), values.distribution, published.invalidate);
    console.log(`deploy:web: invalidated ${published.invalidate.length} paths on ${values.distribution}`);
  }
} catch (error) {
  if (error instanceof BudgetExceeded) console.error(`${formatSizes(error.sizes)}\ndeploy:web: ${error.message}`);
  else console.error(`deploy:web: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
