import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { TABLE_OUTPUT } from '../aws/table';
import { CliError } from './output';

/** SST v2 names a stage's stack `<stage>-<app>-<stack>`: `prod-corridor-Corridor`. */
export const stackNameOf = (stage: string) => `${stage}-corridor-Corridor`;

/**
 * The deployed table's name, read from the stack's outputs with the caller's own AWS credentials (the
 * SDK's default chain: AWS_PROFILE, SSO, environment). Nothing else knows it: the table name is generated.
 */
export async function tableNameFromStack(stackName: string, region: string): Promise<string> {
  const client = new CloudFormationClient({ region });
  let outputs: { OutputKey?: string; OutputValue?: string }[];
  try {
    const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = Stacks[0]?.Outputs ?? [];
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'ValidationError')
      throw new CliError(`There is no stack "${stackName}" in ${region}. Check --stage (or --stack) and --region.`);
    if (name === 'CredentialsProviderError' || name === 'ExpiredTokenException' || name === 'InvalidClientTokenId')
      throw new CliError(
        `No usable AWS credentials (${(error as Error).message}). Sign in, e.g. "aws sso login", or set AWS_PROFILE.`,
      );
    throw new CliError(`Could not read the stack "${stackName}": ${(error as Error).message}`);
  } finally {
    client.destroy();
  }
  const table = outputs.find((o) => o.OutputKey === TABLE_OUTPUT)?.OutputValue;
  if (!table)
    throw new CliError(
      `The stack "${stackName}" has no ${TABLE_OUTPUT} output. Deploy this version of Corridor first (npx sst deploy).`,
    );
  return table;
}
