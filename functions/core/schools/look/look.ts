import * as z from 'zod';
import { type StoredOutput, storedOutputSchema } from '../../media/media';
import { judgeAccent } from './contrast';

/** A welcome line is one short sentence under the school's name: long text belongs in a post. */
export const WELCOME_MAX_CHARS = 140;

/** The accent colour, refused with the contrast verdict in words when white text on it fails WCAG AA. */
export const accentSchema = z
  .string()
  .trim()
  .superRefine((colour, ctx) => {
    const verdict = judgeAccent(colour);
    if (!verdict.ok) ctx.addIssue({ code: 'custom', message: verdict.words });
  })
  // Stored lower-case: the same colour is always the same bytes in every document.
  .transform((colour) => colour.toLowerCase());

/** One line of plain text: shown as text everywhere (never markup), so tags would show as written. */
export const welcomeSchema = z
  .string()
  .trim()
  .min(1, 'the welcome line is empty: write a short sentence, or remove it')
  .max(WELCOME_MAX_CHARS, `the welcome line can be at most ${WELCOME_MAX_CHARS} characters: keep it to one short sentence`)
  .refine((text) => !/[\r\n]/.test(text), 'the welcome line is one line: leave out line breaks')
  .refine((text) => !/<\/?[a-z!]/i.test(text), 'the welcome line is plain text: leave out <tags>, they would show as written');

/**
 * The school's logo as stored: files the photo pipeline made from the upload (upright, sRGB, no
 * metadata), under the school's media prefix. The original upload is never kept.
 */
export const logoSchema = z.object({
  /** The largest JPEG (at most 2048 px wide): what the artwork and favicon are drawn from. */
  image: storedOutputSchema,
  /** A small JPEG for the page header (shown 64 px high; 320 px wide covers 3× screens). */
  small: storedOutputSchema,
  /** When it was uploaded (ISO), for the admin's screen. */
  uploadedAt: z.string(),
});
export type Logo = z.infer<typeof logoSchema>;

/** What parents see of a school's look, with absolute URLs (pages, widget, e-mails). */
export interface PublicLook {
  accent?: string;
  welcome?: string;
  logo?: { url: string; width?: number; height?: number };
}

/** The school fields the look is made of (top-level fields of the school record). */
export interface LookFields {
  accent?: string;
  welcome?: string;
  logo?: Logo;
}

const absolute = (publicUrl: string, output: StoredOutput) => ({
  url: `${publicUrl}/${output.key}`,
  ...(output.width ? { width: output.width } : {}),
  ...(output.height ? { height: output.height } : {}),
});

/** The look as documents carry it; undefined when the school has set none of it. */
export function publicLook(school: LookFields, publicUrl: string): PublicLook | undefined {
  const look: PublicLook = {
    ...(school.accent ? { accent: school.accent } : {}),
    ...(school.welcome ? { welcome: school.welcome } : {}),
    ...(school.logo ? { logo: absolute(publicUrl, school.logo.small) } : {}),
  };
  return Object.keys(look).length > 0 ? look : undefined;
}
