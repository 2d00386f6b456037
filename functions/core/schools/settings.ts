import * as z from 'zod';
import { DomainError, type DomainErrorOptions } from '../errors';
import { accentSchema, welcomeSchema } from './look/look';
import { type School, schoolSchema } from './school';

/** What an admin may change about their school here (each field optional: send only what changes). */
export const settingsSchema = schoolSchema
  .pick({
    requiresApproval: true,
    retentionDays: true,
    timezone: true,
    translateCaptions: true,
    translationBudgetChars: true,
    blurFacesInPublic: true,
  })
  .extend({
    name: z.string().trim().min(1, 'the school needs a name').max(120),
    /** Show the school's public posts on its trust's regional wall (false takes them off again). */
    wallOptIn: z.boolean(),
    /** The school's look (null removes it): an accent colour that passes WCAG AA, a welcome line. */
    accent: accentSchema.nullable(),
    welcome: welcomeSchema.nullable(),
  })
  .partial()
  .strict()
  .refine((s) => Object.keys(s).length > 0, 'send at least one setting');

export interface Settings {
  requiresApproval: boolean;
  retentionDays: number | null;
  name: string;
  timezone: string;
  /** The trust the school belongs to (an operator sets it), and whether its public posts are on its wall. */
  trustId: string | null;
  wallOptIn: boolean;
  translateCaptions: boolean;
  translationBudgetChars: number;
  blurFacesInPublic: boolean;
  /** The look: accent `#rrggbb`, welcome line, and the logo's header file (site path) and upload time. */
  accent: string | null;
  welcome: string | null;
  logo: { path: string; width?: number; height?: number; uploadedAt: string } | null;
}

export const settingsOf = (school: School): Settings => ({
  requiresApproval: school.requiresApproval,
  retentionDays: school.retentionDays,
  name: school.name,
  timezone: school.timezone,
  trustId: school.trustId ?? null,
  wallOptIn: school.wallTrustId !== undefined,
  translateCaptions: school.translateCaptions,
  translationBudgetChars: school.translationBudgetChars,
  blurFacesInPublic: school.blurFacesInPublic,
  accent: school.accent ?? null,
  welcome: school.welcome ?? null,
  logo: school.logo
    ? {
        path: `/${school.logo.small.key}`,
        width: school.logo.small.width,
        height: school.logo.small.height,
        uploadedAt: school.logo.uploadedAt,
      }
    : null,
});

/** Look fields sent as null are removed from the record rather than stored as null. */
export const REMOVABLE = ['accent', 'welcome'] as const;

/** A setting the admin cannot have as asked, with the words to show them. */
export class SettingRefused extends DomainError {
  override name = 'SettingRefused';
  constructor(message: string, options?: DomainErrorOptions) {
    super('refused', 422, message, options);
  }
}
