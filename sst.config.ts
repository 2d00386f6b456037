import type { SSTConfig } from 'sst';
import { CorridorInfra } from './infra/corridor';
import { corridorPropsFromEnv } from './infra/settings';

/**
 * SST v2 app. All infrastructure is plain aws-cdk-lib constructs in infra/ (tested offline in
 * test/infra); this file only names the app and mounts them. Settings come from the environment
 * (docs/deploy.md): `CORRIDOR_EMAIL_DOMAIN=… npx sst deploy --stage prod`.
 */
export default {
  config(input) {
    return { name: 'corridor', region: input.region ?? process.env.CORRIDOR_REGION ?? 'eu-west-2' };
  },
  stacks(app) {
    app.stack(function Corridor({ stack }) {
      const corridor = new CorridorInfra(stack, 'Corridor', corridorPropsFromEnv(app.stage, process.env));
      stack.addOutputs({
        SiteUrl: corridor.publicUrl,
        DistributionId: corridor.cdn.distribution.distributionId,
        DistributionDomain: corridor.cdn.distribution.distributionDomainName,
        UploadsBucket: corridor.storage.incoming.bucketName,
        SiteBucket: corridor.storage.site.bucketName,
        SesConfigurationSet: corridor.email.configurationSet.configurationSetName,
        AlarmTopic: corridor.alarmTopic.topicArn,
        ...Object.fromEntries(
          corridor.email.dkimRecords.map((record, i) => [`DkimCname${i + 1}`, `${record.name} CNAME ${record.value}`]),
        ),
      });
    });
  },
} satisfies SSTConfig;
