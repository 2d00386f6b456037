import * as z from 'zod';
import { incomingKey } from '../../aws/keys';
import type { Principal } from '../auth/tokens';
import { confirmedOrRefused, pupilsNotToIdentify, recordConsentConfirmation } from '../consent/check';
import type { Deps } from '../deps';
import type { FaceChoice } from '../media/faces/box';
import { blurReason, keptAgainstRules, needsConsentConfirmation } from '../media/faces/rules';
import type { MediaItem } from '../media/item';
import { endFaceReview } from '../media/item-store';
import { getSchool } from '../schools/school';
import { PostInputError } from './create';
import type { PostWithMedia } from './store';

/** The submit of a draft: for each photo under face review, one blur flag per face (in `faces` order). */
export const submitSchema = z
  .object({
    faces: z.record(z.string(), z.array(z.boolean({ error: 'each face is blurred (true) or not (false)' })).max(500)).optional(),
    /** The poster confirms that the pupils without consent for this audience cannot be recognised. */
    consentConfirmed: z.boolean().default(false),
  })
  .strict();
export type SubmitInput = z.input<typeof submitSchema>;

const flagsOf = (item: MediaItem, chosen: Record<string, boolean[]> | undefined): boolean[] => {
  const faces = item.faces ?? [];
  const flags = chosen?.[item.id] ?? faces.map(() => item.faceChoice === 'blur');
  if (flags.length !== faces.length) {
    throw new PostInputError(
      `Photo ${item.index + 1} has ${faces.length} faces; send one choice for each (${flags.length} were sent).`,
    );
  }
  return flags;
};

/**
 * Settles the faces of a draft's photos under review, at its submit: checks the poster's choices against
 * the consent rules (media/faces/rules.ts) — keeping a face clear that the rules blur is a consent
 * confirmation, asked for and recorded in the audit log like the one at create — then has the media
 * worker render each photo again from its original with those choices on the reviewed boxes. The post goes out only once
 * those renders are ready (the submit leaves it processing), so no face the poster blurred is ever
 * published. The draft's clear renders are retired: deleted from storage and the CDN by the fan-out that
 * publishes (or retracts) the post, which holds those rights; the API does not (channels/rekey.ts).
 * @throws ConsentRequired when faces stay clear against pupils' consent and the poster has not confirmed.
 */
export async function settleFaceReview(deps: Deps, principal: Principal, current: PostWithMedia, input: SubmitInput) {
  const reviewed = current.media.filter((m) => m.faceReview);
  if (reviewed.length === 0) return;
  const { faces: chosen, consentConfirmed } = submitSchema.parse(input);
  if (reviewed.some((m) => m.state !== 'ready')) {
    throw new PostInputError('Corridor is still looking for faces in your photos: send the post once they are outlined.');
  }
  const school = await getSchool(deps, current.post.schoolId);
  if (!school) throw new PostInputError(`school ${current.post.schoolId} does not exist`);
  const { audience, pictured } = current.post;
  const restricted = await pupilsNotToIdentify(deps, school, audience, pictured);
  const reason = blurReason({ audience, restrictedPupils: restricted.length, blurFacesInPublic: school.blurFacesInPublic });
  const choices = reviewed.map((item) => ({ item, flags: flagsOf(item, chosen) }));
  // Files not under review were settled (and any confirmation asked) at create: they count as covered.
  const review = (m: MediaItem) => choices.find((c) => c.item === m)?.flags;
  // Blurring protects a photo only when it found faces and blurs every one: a photo with a face shown,
  // or with no face found at all (the detector may have missed one), needs the confirmation as before.
  const files = current.media.map((m) => {
    const flags = review(m);
    const covered = !flags || (flags.length > 0 && flags.every(Boolean));
    return { contentType: flags ? m.declaredType : 'image/jpeg', faces: (covered ? 'blur' : 'keep') as FaceChoice };
  });
  // What the audit log calls faces kept clear: photos with a face shown.
  const shown = current.media.map((m) => ({ faces: (review(m)?.some((b) => !b) ? 'keep' : 'blur') as FaceChoice }));
  const confirmedFor = needsConsentConfirmation(reason, files)
    ? confirmedOrRefused(school, audience, restricted, consentConfirmed)
    : [];
  const kept = keptAgainstRules(reason, shown);
  if (kept || confirmedFor.length > 0) {
    await recordConsentConfirmation(deps, principal, school, current.post.id, audience, confirmedFor, kept);
  }
  for (const { item, flags } of choices) await renderAsChosen(deps, item, flags);
}

/**
 * Puts the photo back in the media queue with its faces chosen; its draft renders are retired. A photo
 * with no face to blur keeps its draft render, which is final: the worker only deletes its original.
 */
async function renderAsChosen(deps: Deps, item: MediaItem, flags: boolean[]): Promise<void> {
  const faces = (item.faces ?? []).map((face, i) => ({ ...face, blur: flags[i] === true }));
  const review = flags.some(Boolean)
    ? { blurs: true as const, faces, draftKeys: item.outputs.map((o) => o.key) }
    : { blurs: false as const };
  // Refused when an earlier try of this submit got here first.
  if (!(await endFaceReview(deps, { postId: item.postId, mediaId: item.id }, review))) return;
  // Rendered again, or (nothing to blur) found ready by the worker, which then deletes the original.
  await deps.queues.media({ key: incomingKey(item.schoolId, item.postId, item.id) });
}
