import { startEmulators } from '../functions/local/emulators';
import { LOCAL_NAMES } from '../functions/local/runtime';

/**
 * The embedded emulators (dynalite, s3rver, SES) in a process of their own, for benchmarks that want
 * Corridor's own code on one core and the stand-ins for AWS services on the other — as on AWS, where
 * DynamoDB and SES are not in the Lambda's process. Reports its endpoints over IPC; stops when the
 * parent disconnects.
 */
const dataDir = process.argv[2];
if (!dataDir || !process.send) throw new Error('usage: fork(emulator-process.ts, [dataDir])');
const emulators = await startEmulators({
  dataDir,
  tableName: LOCAL_NAMES.table,
  buckets: [LOCAL_NAMES.incomingBucket, LOCAL_NAMES.siteBucket],
});
process.send({ dynamoEndpoint: emulators.dynamoEndpoint, s3Endpoint: emulators.s3Endpoint, sesEndpoint: emulators.sesEndpoint });
process.on('disconnect', () => void emulators.stop().then(() => process.exit(0)));
