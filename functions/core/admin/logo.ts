import { recordAudit } from '../audit/audit';
import type { Principal } from '../auth/tokens';
import type { Deps } from '../deps';
import { MediaRejected, type StoredOutput } from '../media/media';
import { deleteOutputs, storeOutputs } from '../media/outputs-store';
import { sniff } from '../media/sniff';
import { formatBytes } from '../media/uploads';
import type { Logo } from '../schools/look/look';
import { getSchool, type School, updateSchoolFields } from '../schools/school';
import { SettingRefused } from '../schools/settings';
import { showLook } from './look-refresh';

/**
 * A logo is a picture the school already has (a PNG from its website, a photo of the sign). 4 MB keeps
 * the request, base64-encoded by API Gateway, under Lambda's 6 MB payload limit.
 */
export const MAX_LOGO_BYTES = 4 * 1024 * 1024;

/** The header shows the logo 64 px high: the JPEG closest to 320 px wide covers 3× screens. */
const SMALL_WIDTH = 320;

/**
 * Sets the school's logo from an uploaded picture. It goes through the photo pipeline's own processor
 * (sniffed by its bytes, decoded upright, re-encoded in sRGB without any metadata — no GPS, no camera),
 * like a post's photo; only two of the pipeline's files are kept, and the upload itself never is.
 * Then the artwork, favicon and every page are made again with it.
 */
export async function setLogo(deps: Deps, admin: Principal, bytes: Buffer): Promise<Logo> {
  if (bytes.length > MAX_LOGO_BYTES) {
    throw new SettingRefused(
      `That picture is ${formatBytes(bytes.length)}; a logo can be at most ${formatBytes(MAX_LOGO_BYTES)}. The logo file from the school's website is usually far smaller.`,
    );
  }
  const school = await needSchool(deps, admin.schoolId);
  const processed = await processLogo(bytes);
  const jpegs = processed.outputs
    .filter((o) => o.role === 'image' && o.contentType === 'image/jpeg')
    .sort((a, b) => (b.width ?? 0) - (a.width ?? 0));
  const largest = jpegs[0];
  if (!largest) throw new Error('the photo pipeline made no JPEG of the logo');
  const small = jpegs.reduce(
    (best, o) => (Math.abs((o.width ?? 0) - SMALL_WIDTH) < Math.abs((best.width ?? 0) - SMALL_WIDTH) ? o : best),
    largest,
  );
  const [image, smallStored] = (await storeOutputs(
    deps,
    // Under media/school-<id>/ like the artwork: no post's retract reaches it.
    { postId: `school-${school.id}`, mediaId: `logo:${school.id}` },
    largest === small ? [largest] : [largest, small],
  )) as [StoredOutput, StoredOutput?];
  const logo: Logo = { image, small: smallStored ?? image, uploadedAt: deps.now().toISOString() };
  await updateSchoolFields(deps, school.id, { logo });
  await recordAudit(deps, school.id, admin, 'settings_changed', 'settings', { logo: `${image.width ?? '?'} px wide` });
  deps.faults?.('look:after-save');
  await showLook(deps, { ...school, logo });
  await forget(deps, school.logo, logo);
  return logo;
}

/**
 * Deletes a replaced or removed logo's files once no page names them any more: "take it off" means gone,
 * not merely unlinked. The same picture sent again has the same keys, which stay.
 */
async function forget(deps: Deps, previous: Logo | undefined, current?: Logo): Promise<void> {
  const keep = new Set([current?.image.key, current?.small.key]);
  const stale = [previous?.image.key, previous?.small.key].filter((key): key is string => key !== undefined && !keep.has(key));
  if (stale.length === 0) return;
  await deleteOutputs(deps, [...new Set(stale)]);
  // Media is cached for a year: the CDN (and the local server's cache) must forget it too.
  await deps.cdn.removed([...new Set(stale)].map((key) => `/${key}`));
}

/** Takes the logo off: pages, artwork and favicon go back to the name alone. */
export async function removeLogo(deps: Deps, admin: Principal): Promise<void> {
  const school = await needSchool(deps, admin.schoolId);
  if (!school.logo) return;
  await updateSchoolFields(deps, school.id, {}, ['logo']);
  await recordAudit(deps, school.id, admin, 'settings_changed', 'settings', { logo: 'removed' });
  const { logo: removed, ...without } = school;
  await showLook(deps, without);
  await forget(deps, removed);
}

const PICTURES_ONLY = 'A logo must be a picture: PNG, JPEG, WebP, HEIC or GIF (an SVG or PDF logo can be saved as PNG first).';

/** The photo pipeline's processor, with a refusal in words for anything that is not a usable picture. */
async function processLogo(bytes: Buffer) {
  try {
    const sniffed = sniff(bytes.subarray(0, 64));
    if (sniffed.kind !== 'image') {
      throw new SettingRefused(
        `${PICTURES_ONLY} This file is ${sniffed.kind === 'video' ? 'a video' : 'a sound recording'} (${sniffed.format}).`,
      );
    }
    // sharp loads only here (and for the artwork): the API's other routes never pay for it.
    const { processImage } = await import('../media/image/process');
    return await processImage(bytes, { format: sniffed.format });
  } catch (error) {
    if (error instanceof MediaRejected && error.code === 'unsupported') throw new SettingRefused(PICTURES_ONLY);
    if (error instanceof MediaRejected) throw new SettingRefused(`This logo cannot be used. ${error.message}`);
    throw error;
  }
}

async function needSchool(deps: Deps, schoolId: string): Promise<School> {
  const school = await getSchool(deps, schoolId);
  if (!school) throw new SettingRefused('Your school no longer exists.');
  return school;
}
