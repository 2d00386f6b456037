import * as z from 'zod';
import { isPublic } from '../audience';
import { type Actor, recordAudit } from '../audit/audit';
import type { Deps } from '../deps';
import { DomainError } from '../errors';
import type { School } from '../schools/school';
import { type ConsentLevel, consentLevelNames, consentLevels, listRoster, type Pupil, pupilName } from './roster';

/** The consent a pupil needs to be identifiable to an audience: everyone, or the school's own families. */
export const levelNeededFor = (audience: readonly string[]): ConsentLevel => (isPublic(audience) ? 'public' : 'school');

const rank = (level: ConsentLevel) => consentLevels.indexOf(level);

/** Which classes' pupils may appear: the ones the poster names, else the audience's classes, else all. */
export const picturedSchema = z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/)).max(50);

function picturedClasses(school: School, audience: readonly string[], pictured?: readonly string[]): Set<string> {
  if (pictured && pictured.length > 0) return new Set(pictured);
  const classes = audience.filter((a) => a.startsWith('class:')).map((a) => a.slice('class:'.length));
  return new Set(classes.length > 0 ? classes : school.classes.map((k) => k.id));
}

/** A pupil who must not be identifiable to the chosen audience, as the composer lists them. */
export interface RestrictedPupil {
  name: string;
  classId: string;
  className: string;
  consent: ConsentLevel;
}

/** The pupils of the pictured classes whose consent is narrower than the audience. */
export async function pupilsNotToIdentify(
  deps: Deps,
  school: School,
  audience: readonly string[],
  pictured?: readonly string[],
): Promise<RestrictedPupil[]> {
  const needed = rank(levelNeededFor(audience));
  const classes = picturedClasses(school, audience, pictured);
  const roster = await listRoster(deps, school.id);
  return roster
    .filter((p) => classes.has(p.classId) && rank(p.consent) < needed)
    .map((p: Pupil) => ({
      name: pupilName(p),
      classId: p.classId,
      className: school.classes.find((k) => k.id === p.classId)?.name ?? p.classId,
      consent: p.consent,
    }));
}

const audienceWords = (school: School, audience: readonly string[]) =>
  isPublic(audience)
    ? 'everyone (public)'
    : audience.includes('school')
      ? `all families of ${school.name}`
      : `families of ${audience.map((a) => school.classes.find((k) => `class:${k.id}` === a)?.name ?? a).join(', ')}`;

export const describePupil = (p: RestrictedPupil) => `${p.name} (${p.className}, ${consentLevelNames[p.consent]})`;

/** Posting media where some pupils must not be identifiable needs the poster's explicit confirmation. */
export class ConsentRequired extends DomainError {
  override name = 'ConsentRequired';
  constructor(
    readonly pupils: RestrictedPupil[],
    audience: string,
  ) {
    super(
      'consent_required',
      409,
      `These pupils must not be identifiable to ${audience}: ${pupils.map(describePupil).join(', ')}. ` +
        'Check that none of them can be recognised in the photos, videos or recordings, then confirm to post.',
      { details: pupils.map(describePupil) },
    );
  }
}

/**
 * The consent check of a post with media: returns the pupils the poster confirmed for (to record once
 * the post exists), or throws ConsentRequired naming them when the poster has not confirmed.
 */
export async function checkConsent(
  deps: Deps,
  school: School,
  input: { audience: readonly string[]; pictured?: readonly string[]; confirmed: boolean },
): Promise<RestrictedPupil[]> {
  return confirmedOrRefused(
    school,
    input.audience,
    await pupilsNotToIdentify(deps, school, input.audience, input.pictured),
    input.confirmed,
  );
}

/** The pupils the poster confirmed for, or ConsentRequired naming them when the poster has not confirmed. */
export function confirmedOrRefused(
  school: School,
  audience: readonly string[],
  restricted: RestrictedPupil[],
  confirmed: boolean,
): RestrictedPupil[] {
  if (restricted.length > 0 && !confirmed) throw new ConsentRequired(restricted, audienceWords(school, audience));
  return restricted;
}

/**
 * Records in the audit log that the poster confirmed these pupils cannot be identified. Keeping faces
 * clear that the rules would blur (media/faces/rules.ts) is such a confirmation too, even when it is the
 * school's "blur faces in public posts" setting rather than a pupil's consent that asked for the blur.
 */
export async function recordConsentConfirmation(
  deps: Deps,
  actor: Actor,
  school: School,
  postId: string,
  audience: readonly string[],
  pupils: RestrictedPupil[],
  faces?: { kept: string; reason: string },
): Promise<void> {
  if (pupils.length === 0 && !faces) return;
  await recordAudit(deps, school.id, actor, 'consent_confirmed', postId, {
    audience: [...audience],
    pupils: pupils.map(describePupil),
    ...(faces ? { facesKept: faces.kept, blurReason: faces.reason } : {}),
  });
}
