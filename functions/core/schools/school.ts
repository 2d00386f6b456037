import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import { storedOutputSchema } from '../media/media';

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

/** The school's artwork as stored on its record: what it was drawn from, and its three files. */
export const artworkSchema = z.object({
  /** A fingerprint of what the artwork shows (the name, the drawing's version): a change redraws it. */
  source: z.string(),
  /** 1400 px square JPEG (podcast artwork, Open Graph for sound posts). */
  image: storedOutputSchema,
  /** 512 px square JPEG (JSON Feed `icon`). */
  icon: storedOutputSchema,
  /** 64 px PNG (JSON Feed `favicon`). */
  favicon: storedOutputSchema,
});
export type Artwork = z.infer<typeof artworkSchema>;

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
  /** Podcast artwork and feed icons drawn from the name (schools/artwork.ts); made by the first render. */
  artwork: artworkSchema.optional(),
});
export type School = z.infer<typeof schoolSchema>;

/** Loads a school, or undefined when there is none with that id. */
export async function getSchool(deps: Deps, schoolId: string): Promise<School | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: tableKeys.school(schoolId) }),
  );
  return Item ? schoolSchema.parse(Item) : undefined;
}

/**
 * Creates or replaces a school (defaults filled in). Its artwork is derived from it, so a replacement
 * that does not bring its own keeps the stored one (the documents already name it; a new name makes the
 * next render draw anew).
 */
export async function putSchool(deps: Deps, input: z.input<typeof schoolSchema>): Promise<School> {
  const parsed = schoolSchema.parse(input);
  const artwork = parsed.artwork ?? (await getSchool(deps, parsed.id))?.artwork;
  const school = artwork ? { ...parsed, artwork } : parsed;
  await deps.clients.dynamo.send(
    new PutCommand({ TableName: deps.config.tableName, Item: { ...tableKeys.school(school.id), type: 'school', ...school } }),
  );
  return school;
}
