import type { UploadInstruction } from '../api';
import { singlePut } from './single-put';
import type { UploadStrategy } from './strategy';

/** Most specific first: a `multipart` strategy (resumable, for large video) slots in ahead of single PUT. */
const strategies: UploadStrategy[] = [singlePut];

/** The strategy for an upload instruction from the API. */
export function strategyFor(instruction: UploadInstruction): UploadStrategy {
  const strategy = strategies.find((s) => s.handles(instruction));
  if (!strategy) throw new Error(`This version of the app cannot send "${instruction.strategy}" uploads. Please reload it.`);
  return strategy;
}
