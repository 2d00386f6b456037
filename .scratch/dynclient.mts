import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';

const c = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'eu-west-2', endpoint: process.argv[2], credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
);
for (const conc of [1, 8, 32]) {
  const t = performance.now();
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
}
