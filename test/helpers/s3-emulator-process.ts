import { startEmulators } from '../../functions/local/emulators';

/**
 * The embedded default's storage alone, in a process a test can kill -9 (s3-durable.test.ts): starts the
 * emulators on the folder given as the first argument and prints the S3 endpoint as one JSON line.
 */
const emulators = await startEmulators({ dataDir: process.argv[2] ?? '.data', tableName: 'corridor', buckets: ['kill-test'] });
console.log(JSON.stringify({ s3Endpoint: emulators.s3Endpoint }));
