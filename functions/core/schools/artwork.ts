import { createHash } from 'node:crypto';
import type { Deps } from '../deps';
import { storeOutputs } from '../media/outputs-store';
import { renderArtwork } from './artwork-image';
import { type Artwork, getSchool, type School } from './school';
import { logoBytes, setArtwork } from './store';

/** Bump when the drawing changes: every school's artwork is then made again on its next publish. */
const ARTWORK_VERSION = 2;

/** What the artwork is drawn from: the name, the accent and the logo (its key is its content's hash). */
export const artworkSource = (school: Pick<School, 'name' | 'accent' | 'logo'>) =>
  createHash('sha256')
    .update([ARTWORK_VERSION, school.name, school.accent ?? '', school.logo?.image.key ?? ''].join('\u0000'))
    .digest('base64url')
    .slice(0, 22);

/**
 * The school with current artwork: drawn and stored on first use and whenever its name, accent or logo
 * changes, under content-addressed media keys like every processed file. Two workers drawing at once both store the
 * same bytes; one conditional write wins and the other uses the winner's record, so every document
 * names the same files.
 */
export async function withArtwork(deps: Deps, school: School): Promise<School> {
  const source = artworkSource(school);
  if (school.artwork?.source === source) return school;
  const [image, icon, favicon] = await storeOutputs(
    deps,
    // Under media/school-<id>/: no post's id (22 characters, no '/') can be a prefix of it, so no retract's wildcard reaches it.
    { postId: `school-${school.id}`, mediaId: `artwork:${school.id}` },
    await renderArtwork({
      name: school.name,
      ...(school.accent ? { accent: school.accent } : {}),
      ...(school.logo ? { logo: await logoBytes(deps, school.logo.image.key) } : {}),
    }),
  );
  if (!image || !icon || !favicon) throw new Error('artwork rendering gave fewer files than expected');
  const artwork: Artwork = { source, image, icon, favicon };
  if (await setArtwork(deps, school.id, artwork)) return { ...school, artwork };
  // Another worker stored its (identical) drawing first: use its record, so every document names the same files.
  return (await getSchool(deps, school.id)) ?? school;
}
