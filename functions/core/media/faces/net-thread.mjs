// The detector in a worker thread (see net.mjs): one request at a time, answered with its id.
import { parentPort, workerData } from 'node:worker_threads';
import { loadNet } from './net.mjs';

const net = loadNet(workerData.assets, workerData.minConfidence);
parentPort.on('message', async ({ id, input }) => {
  try {
    parentPort.postMessage({ id, found: await (await net)(input) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error?.stack ?? error) });
  }
});
