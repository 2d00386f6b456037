import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';

/** A school keeps posts at least a month (a shorter setting is surely a typo) and at most ten years. */
export const MIN_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 3650;

export const schoolIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,40}$/, 'a school id is lower-case letters, digits and dashes');

export const classSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/),
  name: z.string().min(1).max(80),
  /**
   * Which join link is current: rotating the link (a leaked QR code) counts this up, and the join token
   * covers it, so every earlier link stops working. 0 for a class whose link was never rotated.
   */
  joinGeneration: z.number().int().min(0).default(0),
});
export type SchoolClass = z.infer<typeof classSchema>;

/** 250,000 characters a month: about 1,000 captions with alt text; US$3.75 at Amazon Translate's US$15 per million. */
export const DEFAULT_TRANSLATION_BUDGET_CHARS = 250_000;

export const schoolSchema = z.object({
  id: schoolIdSchema,
  name: z.string().min(1).max(120),
  /** IANA time zone used for digests and dates on pages. */
  timezone: z.string().default('Europe/London'),
  classes: z.array(classSchema).default([]),
  /** Staff posts wait for an admin's approval before they go out. */
  requiresApproval: z.boolean().default(false),
  /** Posts are taken down this many days after they went out (null: kept until retracted). */
  retentionDays: z.number().int().min(MIN_RETENTION_DAYS).max(MAX_RETENTION_DAYS).nullable().default(null),
  /** The trust or authority whose regional wall shows this school's public posts, when it opted in. */
  wallTrustId: z.string().optional(),
  /** Captions and alt texts are machine-translated into the languages the school's families chose. */
  translateCaptions: z.boolean().default(false),
  /** At most this many characters a month go to the translator (Amazon Translate bills per character). */
  translationBudgetChars: z.number().int().min(0).max(100_000_000).default(DEFAULT_TRANSLATION_BUDGET_CHARS),
});
export type School = z.infer<typeof schoolSchema>;

/** Loads a school, or undefined when there is none with that id. */
export async function getSchool(deps: Deps, schoolId: string): Promise<School | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: tableKeys.school(schoolId) }),
  );
  return Item ? schoolSchema.parse(Item) : undefined;
}

/** Creates or replaces a school (defaults filled in). */
export async function putSchool(deps: Deps, input: z.input<typeof schoolSchema>): Promise<School> {
  const school = schoolSchema.parse(input);
  await deps.clients.dynamo.send(
    new PutCommand({ TableName: deps.config.tableName, Item: { ...tableKeys.school(school.id), type: 'school', ...school } }),
  );
  return school;
}
