import * as z from 'zod';
import { tableKeys } from '../../aws/keys';

/**
 * The outbox's records: one item per **batch of families** a post's notifications went to, not one per
 * family. A record per family cost ~4 DynamoDB write units a family and post (its claim and its settle,
 * each with a pending-index write): at 300 families, ~1,200 units a post, the largest DynamoDB line of the
 * bill (docs/scale.md). A batch of up to `BATCH_FAMILIES` ids still fits one 1 KB write unit, so the same
 * claim and settle cost ~4 units per batch instead.
 *
 * The ids are a DynamoDB string set, so erasing a family takes it out of a batch with one atomic
 * `DELETE` that no later write of the record puts back (a claim is the only write of the ids, and it
 * only creates a record; takeovers and settles update the state alone).
 *
 * Records written one per family before this change (`FAMILY#<id>` sort keys, type `outbox`) are still
 * read, re-driven and erased: a deployment's table keeps them.
 */

/** Family ids per record: 40 ids of 16 characters and the record's other attributes stay under 1 KB. */
export const BATCH_FAMILIES = 40;

const stateSchema = z.enum(['claimed', 'sent', 'cancelled']);

/** A record as stored: what the sweeper re-drives when its claimant crashed. */
export const outboxRecordSchema = z
  .union([
    z.object({
      type: z.literal('outbox-batch'),
      postId: z.string(),
      schoolId: z.string(),
      batch: z.number(),
      // Absent once erasures took the last id out (DynamoDB stores no empty set).
      familyIds: z.set(z.string()).optional(),
      /** Families of a claimed batch already sent to when a neighbour's send failed: not sent again. */
      sentIds: z.set(z.string()).optional(),
      state: stateSchema,
      claimedAt: z.string(),
    }),
    z.object({
      type: z.literal('outbox'),
      postId: z.string(),
      schoolId: z.string(),
      familyId: z.string(),
      state: stateSchema,
      claimedAt: z.string(),
    }),
  ])
  .transform((record) => ({
    postId: record.postId,
    schoolId: record.schoolId,
    state: record.state,
    claimedAt: record.claimedAt,
    familyIds: record.type === 'outbox' ? [record.familyId] : [...(record.familyIds ?? [])].sort(),
    sentIds: record.type === 'outbox' ? [] : [...(record.sentIds ?? [])],
    key:
      record.type === 'outbox'
        ? tableKeys.outboxRecord(record.postId, record.familyId)
        : tableKeys.outboxBatch(record.postId, record.batch),
    batch: record.type === 'outbox' ? undefined : record.batch,
  }));
export type OutboxRecord = z.output<typeof outboxRecordSchema>;
