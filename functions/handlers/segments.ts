import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Deps } from '../core/deps';
import { runJoin } from '../core/jobs/segments/join';
import { runPiece } from '../core/jobs/segments/piece';
import { type SegmentJob, type SegmentJobKind, segmentJobSchema } from '../core/segment-job';
import { readRecord } from './bad-message';
import { awsDeps } from './runtime';

/** One stage per job kind: adding a kind without its stage is a compile error. */
const stages: { [K in SegmentJobKind]: (deps: Deps, job: Extract<SegmentJob, { kind: K }>) => Promise<void> } = {
  piece: runPiece,
  join: runJoin,
};

/** SQS records carrying a long video's piece and join jobs; a failed record alone is retried. */
export function segmentsHandler(deps: Deps) {
  const recordHandler = async (record: SQSRecord) => {
    const job = readRecord('segments', record, (body) => segmentJobSchema.parse(body));
    if (!job) return;
    await (stages[job.kind] as (deps: Deps, job: SegmentJob) => Promise<void>)(deps, job);
  };
  return (event: SQSEvent, context: Context) =>
    processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), { context });
}

export const handler = (event: SQSEvent, context: Context) => segmentsHandler(awsDeps())(event, context);
