import type { UploadInstruction } from '../api';
import { multipart } from './multipart';
import { singlePut } from './single-put';
import type { UploadJob, UploadStrategy } from './strategy';

/** Exhaustive over the API's upload kinds: a new kind without a strategy does not compile. */
const strategies: { [K in UploadInstruction['kind']]: UploadStrategy<Extract<UploadInstruction, { kind: K }>> } = {
  single: singlePut,
  multipart,
};

/** Sends one file as its instruction says. */
export function sendFile(job: UploadJob): Promise<void> {
  const strategy = strategies[job.instruction.kind] as UploadStrategy<UploadInstruction> | undefined;
  // A newer API than this cached app: only a reload can help.
  if (!strategy) throw new Error(`This version of the app cannot send "${job.instruction.kind}" uploads. Please reload it.`);
  return strategy(job);
}
