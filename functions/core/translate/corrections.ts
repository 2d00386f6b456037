import * as z from 'zod';
import { recordAudit } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import type { Deps } from '../deps';
import { DomainError } from '../errors';
import { CAPTION_LOCALE, type Locale, localeSchema } from '../i18n/locales';
import { PostNotFound } from '../posts/edit';
import { MAX_CAPTION_LENGTH, type Post } from '../posts/post';
import { getPostWithMedia, type PostWithMedia } from '../posts/store';
import { getSchool, type School } from '../schools/school';
import { type TranslationPlan, translationPlan } from './languages';
import { readTranslation, sourceHash, type TranslatedBy, translatedBy } from './post-translations';
import { deleteTranslation, putTranslation } from './store';

/**
 * What staff see of a post's translations, and their corrections. A correction is stored in the place
 * of the machine's translation (`TRANSLATION#<locale>`), for the texts it was written against (their
 * digest) and marked with who corrected it: delivery reads it like any stored translation, the machine
 * never writes over a translation of the same texts, and families see it marked "Translated by the
 * school". An edited caption or alt text has another digest, so a correction goes the way a machine
 * translation goes: the next message translates the new texts. Writing one never calls the translator.
 */

/** The translation as it stands for one language of the post. */
export interface LanguageTranslation {
  caption: string;
  alts: string[];
  by: TranslatedBy;
  at?: string;
  /** Who corrected it, when the school did (as the audit log names them). */
  correctedBy?: string;
}

export interface PostTranslations extends TranslationPlan {
  /** The texts translated, and their digest: a correction names it, so an edit in between is noticed. */
  source: { caption: string; alts: string[]; sourceHash: string };
  translations: Partial<Record<Locale, LanguageTranslation>>;
  /** Languages whose stored translation is of earlier texts (the caption was edited since): translated again next message. */
  outdated: Locale[];
}

/** A correction refused, in words for the person who wrote it. */
export class CorrectionRefused extends DomainError {
  override name = 'CorrectionRefused';
  constructor(
    message: string,
    /** `conflict`: the post changed meanwhile (reload and look again); `invalid`: the correction itself. */
    readonly kind: 'conflict' | 'invalid',
  ) {
    super(kind === 'conflict' ? 'conflict' : 'invalid_translation', kind === 'conflict' ? 409 : 422, message);
  }
}

/** The states in which a post still has, or will have, translations (a retracted one has none). */
const translatable: ReadonlySet<Post['state']> = new Set(['draft', 'processing', 'pending_approval', 'scheduled', 'published']);

/** The caption and alt texts families would read, in the poster's order (as the feed entry has them). */
const sourceOf = ({ post, media }: PostWithMedia) => ({ caption: post.caption, alts: media.map((m) => m.alt) });

async function loadPost(deps: Deps, principal: Principal, postId: string): Promise<{ current: PostWithMedia; school: School }> {
  const current = await getPostWithMedia(deps, postId);
  const school = current && (await getSchool(deps, principal.schoolId));
  if (!current || !school || current.post.schoolId !== principal.schoolId) throw new PostNotFound();
  return { current, school };
}

/** The languages a post is (or will be) translated into, with each one's translation so far. */
export async function postTranslations(deps: Deps, principal: Principal, postId: string): Promise<PostTranslations> {
  const { current, school } = await loadPost(deps, principal, postId);
  const source = sourceOf(current);
  const hash = sourceHash(source);
  const plan = await translationPlan(deps, school, current.post.audience);
  const translations: PostTranslations['translations'] = {};
  const outdated: Locale[] = [];
  // One read per language, side by side: a school's twelve languages are twelve small reads.
  const stored = await Promise.all(plan.languages.map(({ locale }) => readTranslation(deps, postId, locale)));
  for (const [i, { locale }] of plan.languages.entries()) {
    const found = stored[i];
    if (!found) continue;
    if (found.sourceHash !== hash) {
      outdated.push(locale);
      continue;
    }
    translations[locale] = {
      caption: found.caption,
      alts: found.alts,
      by: translatedBy(found),
      ...(found.translatedAt ? { at: found.translatedAt } : {}),
      ...(found.correctedBy ? { correctedBy: found.correctedBy } : {}),
    };
  }
  return { ...plan, source: { ...source, sourceHash: hash }, translations, outdated };
}

export const correctionSchema = z.object({
  /** The digest of the texts the author corrected against (from postTranslations' `source`). */
  sourceHash: z.string().min(1).max(64),
  caption: z.string().trim().max(MAX_CAPTION_LENGTH, `a caption is at most ${MAX_CAPTION_LENGTH} characters`),
  alts: z.array(z.string().trim().max(1000, 'a description is at most 1000 characters')).max(20),
});
export type CorrectionInput = z.input<typeof correctionSchema>;

/** Stores staff's translation of a post into `locale`, in place of the machine's, and logs it. */
export async function correctTranslation(
  deps: Deps,
  principal: Principal,
  postId: string,
  language: string,
  raw: CorrectionInput,
): Promise<LanguageTranslation> {
  const locale = localeSchema.safeParse(language);
  if (!locale.success || locale.data === CAPTION_LOCALE)
    throw new CorrectionRefused('Choose one of the languages the post is translated into.', 'invalid');
  const input = correctionSchema.parse(raw);
  const { current, school } = await loadPost(deps, principal, postId);
  if (!translatable.has(current.post.state))
    throw new CorrectionRefused('This post was retracted or could not be published, so it has no translations.', 'conflict');
  if (!school.translateCaptions)
    throw new CorrectionRefused(
      'Your school does not translate captions, so families read them as written. An admin can turn translation on in the settings.',
      'invalid',
    );
  const source = sourceOf(current);
  if (sourceHash(source) !== input.sourceHash)
    throw new CorrectionRefused(
      'The caption or a description changed since you opened this translation. Look at the new text and correct it again.',
      'conflict',
    );
  checkShape(source, input);
  const at = deps.now().toISOString();
  // In the machine's place, over whatever is there (the same store write as the machine's, unconditional).
  await putTranslation(
    deps,
    postId,
    locale.data,
    {
      sourceHash: input.sourceHash,
      caption: input.caption,
      alts: input.alts,
      translator: 'school',
      translatedAt: at,
      correctedBy: principal.label,
    },
    true,
  );
  // A crash here leaves the correction stored and unlogged; the author's retry (the composer says it
  // failed) stores the same words again and logs them once.
  deps.faults?.('correction:after-store', `${postId}:${locale.data}`);
  // A retract that ran meanwhile already deleted the post's translations: this one must not outlive it.
  if (!translatable.has((await getPostWithMedia(deps, postId))?.post.state ?? 'retracted')) {
    await deleteTranslation(deps, postId, locale.data);
    throw new CorrectionRefused('This post was retracted, so it has no translations.', 'conflict');
  }
  // Its pages show the correction once rendered again (a post not yet live shows it when it goes live).
  await deps.queues.fanout({ kind: 'translate', postId });
  await recordAudit(deps, principal.schoolId, principal, 'translation_corrected', postId, {
    language: locale.data,
    captionCharacters: input.caption.length,
    descriptions: input.alts.length,
  });
  // Read back: what families will now read of it.
  const stored = await readTranslation(deps, postId, locale.data);
  return {
    caption: stored?.caption ?? input.caption,
    alts: stored?.alts ?? input.alts,
    by: 'school',
    at,
    correctedBy: principal.label,
  };
}

/** A translation has what the original has: a caption if it has one, one description per photo or video. */
function checkShape(source: { caption: string; alts: string[] }, input: z.infer<typeof correctionSchema>) {
  if (input.alts.length !== source.alts.length)
    throw new CorrectionRefused(
      `The post has ${source.alts.length} description(s) of its photos and videos; the translation gave ${input.alts.length}.`,
      'invalid',
    );
  if (source.caption.trim() !== '' && input.caption === '')
    throw new CorrectionRefused('The translated caption is empty. Write the caption in this language.', 'invalid');
  const missing = source.alts.findIndex((alt, i) => alt.trim() !== '' && input.alts[i] === '');
  if (missing >= 0)
    throw new CorrectionRefused(`The description of item ${missing + 1} is empty. Write it in this language.`, 'invalid');
}

/** The languages a post for this audience would be translated into (the composer, before the post exists). */
export async function plannedLanguages(deps: Deps, principal: Principal, audience: string[]): Promise<TranslationPlan> {
  const school = await getSchool(deps, principal.schoolId);
  if (!school) throw new PostNotFound();
  return translationPlan(deps, school, audience);
}
