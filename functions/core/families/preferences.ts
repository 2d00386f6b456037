import * as z from 'zod';
import { DEFAULT_LOCALE, localeSchema } from '../i18n/locales';
import { type DailyWindow, isTimeZone, wallTimeSchema } from '../i18n/school-time';

/** How a family hears about posts on one channel. */
export const deliveryModes = ['instant', 'digest', 'off'] as const;
export type DeliveryMode = (typeof deliveryModes)[number];

/** The channels a family can be reached on. */
export const notifyChannels = ['push', 'email'] as const;
export type NotifyChannel = (typeof notifyChannels)[number];

/**
 * The scheduler runs the digest every hour on the hour (infra/corridor.ts DIGEST_SCHEDULE), so digest
 * times and the end of quiet hours are whole hours: a parent never picks a time that silently slips.
 */
export const wholeHourSchema = wallTimeSchema.refine((t) => t.endsWith(':00'), 'choose a whole hour, e.g. 18:00');

export const DEFAULT_TIMEZONE = 'Europe/London';

/**
 * One family's choices. Parents hate noise, so both channels default to the evening digest — one evening
 * message per family, on the phone when it has one (policy.ts `eveningByEmail`); instant messages wait
 * out quiet hours (urgent posts, e.g. a snow closure, do not).
 */
export const preferencesSchema = z.object({
  push: z.enum(deliveryModes).default('digest'),
  email: z.enum(deliveryModes).default('digest'),
  digestTime: wholeHourSchema.default('18:00'),
  /**
   * A family whose phones take the evening message gets it there only (push-first); this asks for the
   * evening e-mail as well. Families without a phone get the evening e-mail whatever this says.
   */
  digestEmailToo: z.boolean().default(false),
  quietHours: z
    .object({ start: wholeHourSchema, end: wholeHourSchema })
    .default({ start: '21:00', end: '07:00' }) satisfies z.ZodType<DailyWindow>,
  /** The first school's time zone, set when the family joins (digest time and quiet hours are local). */
  timezone: z.string().refine(isTimeZone, 'an IANA time zone, e.g. Europe/London').default(DEFAULT_TIMEZONE),
  /** The language of the family's pages, e-mails and notifications (chosen on the join or family page). */
  language: localeSchema.default(DEFAULT_LOCALE),
});
export type Preferences = z.infer<typeof preferencesSchema>;

export const defaultPreferences = (timezone = DEFAULT_TIMEZONE): Preferences => preferencesSchema.parse({ timezone });
