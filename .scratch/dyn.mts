import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamo } from '/work/wt-parents/functions/local/emulators';

const dir = await mkdtemp(join(tmpdir(), 'dyn-'));
const d = await startDynamo(dir, 'ttt');
const c = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'eu-west-2', endpoint: d.endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
);
for (const conc of [1, 8, 32]) {
  let t = performance.now();
  let i = 0;
  const N = 2000;
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (i < N) {
        const k = i++;
        await c.send(
          new PutCommand({
            TableName: 'ttt',
            Item: { pk: `P${conc}#${k}`, sk: 'S', v: k },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      }
    }),
  );
  console.log('put conc', conc, ((N / (performance.now() - t)) * 1000).toFixed(0), '/s');
  t = performance.now();
  i = 0;
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (i < N) {
        const k = i++;
        await c.send(new GetCommand({ TableName: 'ttt', Key: { pk: `P${conc}#${k}`, sk: 'S' }, ConsistentRead: true }));
      }
    }),
  );
  console.log('get conc', conc, ((N / (performance.now() - t)) * 1000).toFixed(0), '/s');
}
await d.stop();
