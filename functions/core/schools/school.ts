import * as z from 'zod';
import type { Deps } from '../deps';
import { storedOutputSchema } from '../media/media';
import { accentSchema, logoSchema, welcomeSchema } from './look/look';
import { getSchoolItem, putSchoolItem } from './store';

/** Field-level writes of a school, for its settings, look and roster state (schools/store.ts). */
export { updateSchoolFields } from './store';

/** A school keeps posts at least a month (a shorter setting is surely a typo) and at most ten years. */
export const MIN_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 3650;

export const schoolIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,40}$/, 'a school id is 2–41 lower-case letters, digits and dashes, e.g. "st-marys"')
  // `/api/schools/me` is the caller's own school.
  .refine((id) => id !== 'me', '"me" cannot be a school id');

/** A time zone the runtime knows (IANA, e.g. "Europe/London"): digests and dates on pages use it. */
export const timezoneSchema = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'not a time zone: use a name like "Europe/London"');

export const classSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/),
  name: z.string().min(1).max(80),
  /**
   * Which join link is current: rotating the link (a leaked QR code) counts this up, and the join token
   * covers it, so every earlier link stops working. 0 for a class whose link was never rotated.
   */
  joinGeneration: z.number().int().min(0).default(0),
  /** An archived class keeps its posts and their audience, but takes no new posts or joins. */
  archived: z.boolean().default(false),
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
/** What a change of school year does, in words (the preview, and the record of what was applied). */
export const yearSummarySchema = z.object({
  changes: z.array(z.object({ kind: z.string(), text: z.string() })),
  families: z.object({ moving: z.number().int(), leaving: z.number().int() }),
  /** When the leavers' families are removed (the end of the grace period). */
  leaversRemovedAfter: z.string(),
});
export type YearSummary = z.infer<typeof yearSummarySchema>;

/**
 * The last change of school year, kept on the school: started (classes already changed, families being
 * moved) or applied. `hash` identifies the request, so the same request again resumes or returns it.
 */
export const yearChangeSchema = z.object({
  id: z.string(),
  hash: z.string(),
  state: z.enum(['applying', 'applied']),
  startedAt: z.string(),
  appliedAt: z.string().optional(),
  /** Old class id → new class id, or "leavers". Classes not named keep their families. */
  moves: z.record(z.string(), z.string()),
  summary: yearSummarySchema,
  /** Who asked (for the audit entry written when it is applied). */
  actor: z.object({ label: z.string(), tokenId: z.string() }),
});
export type YearChange = z.infer<typeof yearChangeSchema>;
/** 250,000 characters a month: about 1,000 captions with alt text; US$3.75 at Amazon Translate's US$15 per million. */
export const DEFAULT_TRANSLATION_BUDGET_CHARS = 250_000;

export const schoolSchema = z.object({
  id: schoolIdSchema,
  name: z.string().min(1).max(120),
  /** IANA time zone used for digests and dates on pages. */
  timezone: timezoneSchema.default('Europe/London'),
  classes: z.array(classSchema).default([]),
  /** Staff posts wait for an admin's approval before they go out. */
  requiresApproval: z.boolean().default(false),
  /** Posts are taken down this many days after they went out (null: kept until retracted). */
  retentionDays: z.number().int().min(MIN_RETENTION_DAYS).max(MAX_RETENTION_DAYS).nullable().default(null),
  /** The trust or local authority the school belongs to (set by an operator). */
  trustId: z.string().optional(),
  /**
   * The trust whose regional wall shows this school's public posts: the school's own trust, set when its
   * admin opted in, absent when it did not (or opted out again).
   */
  wallTrustId: z.string().optional(),
  /** Podcast artwork and feed icons drawn from the logo and name (schools/artwork.ts); made by the first render. */
  artwork: artworkSchema.optional(),
  /** The school's look (schools/look/): accent colour, welcome line and logo, each set by its admins. */
  accent: accentSchema.optional(),
  welcome: welcomeSchema.optional(),
  logo: logoSchema.optional(),
  /** The consent roster predates the last change of school year: import this year's. */
  rosterOutOfDate: z.boolean().default(false),
  /** The last change of school year (core/jobs/year): in progress, or done. */
  yearChange: yearChangeSchema.optional(),
  /** Faces in photos of public posts start blurred, whatever the consent roster says (media/faces/rules.ts). */
  blurFacesInPublic: z.boolean().default(false),
  /** Captions and alt texts are machine-translated into the languages the school's families chose. */
  translateCaptions: z.boolean().default(false),
  /** At most this many characters a month go to the translator (Amazon Translate bills per character). */
  translationBudgetChars: z.number().int().min(0).max(100_000_000).default(DEFAULT_TRANSLATION_BUDGET_CHARS),
});
export type School = z.infer<typeof schoolSchema>;

/** Loads a school, or undefined when there is none with that id. */
export async function getSchool(deps: Deps, schoolId: string): Promise<School | undefined> {
  const item = await getSchoolItem(deps, schoolId);
  return item ? schoolSchema.parse(item) : undefined;
}

/**
 * Creates or replaces a school (defaults filled in), and lists it for operators. Its artwork is derived
 * from it, so a replacement that does not bring its own keeps the stored one (the documents already name
 * it; a new name makes the next render draw anew). The look is the school's admins' to set, so an
 * operator's replacement keeps it too.
 */
export async function putSchool(deps: Deps, input: z.input<typeof schoolSchema>): Promise<School> {
  const parsed = schoolSchema.parse(input);
  const stored = await getSchool(deps, parsed.id);
  const kept = Object.fromEntries(
    (['artwork', 'accent', 'welcome', 'logo'] as const).flatMap((field) => {
      const value = parsed[field] ?? stored?.[field];
      return value === undefined ? [] : [[field, value]];
    }),
  );
  const school: School = { ...parsed, ...kept };
  await putSchoolItem(deps, school);
  return school;
}

/** A class's id from its name: "Year 1" → "year-1", unique among `taken` ("-2", "-3" … when needed). */
export function classIdFor(name: string, taken: Iterable<string>): string {
  const base =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 36) || 'class';
  const used = new Set(taken);
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  return id;
}

/**
 * The class among `classes` already called `name`, if there is one: names compare trimmed and in any
 * case, because parents and staff would take "Owls" and "owls " for the same class.
 */
export function classCalled<K extends Pick<SchoolClass, 'name'>>(classes: readonly K[], name: string): K | undefined {
  const wanted = name.trim().toLowerCase();
  return classes.find((k) => k.name.toLowerCase() === wanted);
}

/**
 * A new class called `name` for a school that has `classes` (or a list being made), its id made from the
 * name apart from theirs. Every way of adding a class (an admin, a new school, a new school year) makes it
 * here, after refusing a name {@link classCalled} finds, each in its own words.
 */
export function newClass(classes: readonly Pick<SchoolClass, 'id'>[], name: string): SchoolClass {
  return classSchema.parse({
    id: classIdFor(
      name,
      classes.map((k) => k.id),
    ),
    name,
  });
}

/** Why a class takes no new posts or families, in words; undefined when it does. */
export const closedClassReason = (klass: Pick<SchoolClass, 'name' | 'archived'>): string | undefined =>
  klass.archived ? `${klass.name} is archived: it takes no new posts or families. An admin can open it again.` : undefined;
