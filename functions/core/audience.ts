import * as z from 'zod';

/**
 * Who may see a post. `public` reaches every public channel; `school` and `class:<id>` reach only
 * families (their private channels), never a public feed, page or embed.
 */
export const audienceSchema = z.union([
  z.literal('public'),
  z.literal('school'),
  z.string().regex(/^class:[a-z0-9][a-z0-9-]{0,40}$/, 'a class audience looks like class:<id>'),
]);
export type Audience = z.infer<typeof audienceSchema>;

/** `public` and `school` stand alone; classes may be combined. */
export const audienceListSchema = z
  .array(audienceSchema)
  .min(1)
  .max(20)
  .transform((list) => [...new Set(list)])
  .refine((list) => list.length === 1 || list.every((a) => a.startsWith('class:')), {
    message: '`public` and `school` cannot be combined with other audiences',
  });

export const isPublic = (audience: readonly string[]) => audience.includes('public');
