import { isPublic } from '../../audience';
import { declaredKind } from '../uploads';
import type { FaceChoice } from './box';

/** Why faces must start blurred in a post: pupils without consent for its audience, or the school's setting. */
export type BlurReason = 'consent' | 'setting';

/**
 * The faces of a post must start blurred when a pictured pupil's consent is narrower than the audience
 * (the consent check's list is not empty), or the school blurs faces in every public post.
 */
export function blurReason(input: {
  audience: readonly string[];
  restrictedPupils: number;
  blurFacesInPublic: boolean;
}): BlurReason | undefined {
  if (input.restrictedPupils > 0) return 'consent';
  if (input.blurFacesInPublic && isPublic(input.audience)) return 'setting';
  return undefined;
}

/** A file's choice: what the poster asked for, else blurred when the rules say so. */
export const choiceFor = (asked: FaceChoice | undefined, reason: BlurReason | undefined): FaceChoice =>
  asked ?? (reason ? 'blur' : 'keep');

/**
 * Whether blurring covers this file: only pictures (and a video's poster) have their faces blurred. A
 * video's other frames and a recording's voices are not, so such a file still needs the poster's consent
 * confirmation, as does a picture whose faces the poster keeps.
 */
export const blurCovers = (file: { contentType: string; faces: FaceChoice }): boolean =>
  file.faces === 'blur' && declaredKind(file.contentType) === 'image';

/**
 * Whether the post needs the poster's consent confirmation: pupils without consent are pictured and at
 * least one file is not covered by blurring.
 */
export const needsConsentConfirmation = (
  reason: BlurReason | undefined,
  files: readonly { contentType: string; faces: FaceChoice }[],
): boolean => reason === 'consent' && files.some((f) => !blurCovers(f));

const reasonWords: Record<BlurReason, string> = {
  consent: 'pupils pictured without consent for this audience',
  setting: 'the school blurs faces in public posts',
};

/**
 * Which files keep their faces clear where the rules would blur them, in words for the audit log: keeping
 * them is a consent confirmation (consent/check.ts records it).
 */
export function keptAgainstRules(
  reason: BlurReason | undefined,
  files: readonly { faces: FaceChoice }[],
): { kept: string; reason: string } | undefined {
  const kept = files.flatMap((f, i) => (f.faces === 'keep' ? [i + 1] : []));
  if (!reason || kept.length === 0) return undefined;
  return { kept: `faces kept clear in file ${kept.join(', ')} of ${files.length}`, reason: reasonWords[reason] };
}

/**
 * The faces plan of a new post: each file's choice, whether the poster must confirm consent, and what
 * keeping faces clear against the rules records in the audit log.
 */
export function planFaces<F extends { contentType: string; faces?: FaceChoice }>(input: {
  audience: readonly string[];
  restrictedPupils: number;
  blurFacesInPublic: boolean;
  files: readonly F[];
}) {
  const reason = blurReason(input);
  const files = input.files.map((file) => ({ ...file, faces: choiceFor(file.faces, reason) }));
  return { reason, files, needsConfirmation: needsConsentConfirmation(reason, files), kept: keptAgainstRules(reason, files) };
}
