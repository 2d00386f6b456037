import QRCode from 'qrcode';
import type { Deps } from '../deps';
import { getSecrets } from '../messaging/secrets';
import { keyedDigest } from '../messaging/signed-links';
import { getSchool, type School, type SchoolClass } from './school';

/** What a join token is made from: the class, and which of its links is current. */
export type JoinClass = Pick<SchoolClass, 'id' | 'joinGeneration'>;

/**
 * Each class has one join link, printed as a QR code on the classroom door and in the newsletter. Whoever
 * holds it can receive that class's posts, so it carries an unguessable token: a keyed digest of the
 * class and its link generation, checked by recomputing it (nothing stored per link). Rotating the link
 * counts the generation up, so the digest changes and the old link matches nothing. Generation 0 digests
 * `school/class` alone, as links did before they could be rotated, so printed links keep working.
 */
export function joinToken(linkKey: string, schoolId: string, klass: JoinClass): string {
  const generation = klass.joinGeneration === 0 ? '' : `/${klass.joinGeneration}`;
  return keyedDigest(linkKey, 'join', `${schoolId}/${klass.id}${generation}`);
}

/** True when `token` is the class's current join token. */
export function isJoinToken(linkKey: string, schoolId: string, klass: JoinClass, token: string): boolean {
  return token.length > 0 && token === joinToken(linkKey, schoolId, klass);
}

/** The path of a class's current join page. */
export function joinPath(linkKey: string, schoolId: string, klass: JoinClass): string {
  return `/join/${schoolId}/${klass.id}/${joinToken(linkKey, schoolId, klass)}`;
}

/** A class's current join link as staff print it: the page and its QR codes. */
export function printableJoinLink(publicUrl: string, linkKey: string, schoolId: string, klass: SchoolClass) {
  const url = `${publicUrl}${joinPath(linkKey, schoolId, klass)}`;
  return {
    classId: klass.id,
    name: klass.name,
    url,
    qrPngUrl: `${url}/qr.png`,
    qrSvgUrl: `${url}/qr.svg`,
    posterUrl: `${url}/poster`,
  };
}

export interface JoinTarget {
  school: School;
  klass: SchoolClass;
  linkKey: string;
}

/**
 * The school and class a join link leads to when it is the class's current link; undefined for anything
 * else (a guess, a typo, a class that is gone, a link that was rotated away).
 */
export async function resolveJoinLink(
  deps: Deps,
  link: { schoolId: string; classId: string; token: string },
): Promise<JoinTarget | undefined> {
  const { linkKey } = await getSecrets(deps);
  const found = await findClass(deps, link.schoolId, link.classId);
  return found && isJoinToken(linkKey, found.school.id, found.klass, link.token) ? { ...found, linkKey } : undefined;
}

/**
 * The school and class an emailed confirmation joins, when the link it was asked for from (generation
 * `generation`) is still the class's current one: a stranger who asked with a leaked link before it was
 * rotated cannot confirm afterwards.
 */
export async function currentJoinClass(
  deps: Deps,
  schoolId: string,
  classId: string,
  generation: number,
): Promise<Omit<JoinTarget, 'linkKey'> | undefined> {
  const found = await findClass(deps, schoolId, classId);
  // An archived class takes no new families, even from a confirmation asked for before it closed.
  return found?.klass.joinGeneration === generation && !found.klass.archived ? found : undefined;
}

async function findClass(deps: Deps, schoolId: string, classId: string) {
  const school = await getSchool(deps, schoolId);
  const klass = school?.classes.find((k) => k.id === classId);
  return school && klass ? { school, klass } : undefined;
}

/** Parses a join link (absolute or a path) back into its parts; undefined if it is not one. */
export function parseJoinLink(link: string): { schoolId: string; classId: string; token: string } | undefined {
  const match = /\/join\/([a-z0-9][a-z0-9-]{0,40})\/([a-z0-9][a-z0-9-]{0,40})\/([A-Za-z0-9_-]{16,40})\/?(?:[?#].*)?$/.exec(
    link.trim(),
  );
  if (!match) return undefined;
  const [, schoolId, classId, token] = match as unknown as [string, string, string, string];
  return { schoolId, classId, token };
}

export const qrFormats = ['png', 'svg'] as const;
export type QrFormat = (typeof qrFormats)[number];

/**
 * A printable QR code of a link: error correction M (survives a crease or a smudge on a classroom door),
 * the standard four-module quiet zone, and 1,024 px PNG so it prints sharp at A5.
 */
export async function qrCode(link: string, format: QrFormat): Promise<{ body: Buffer | string; contentType: string }> {
  const options = { errorCorrectionLevel: 'M', margin: 4 } as const;
  if (format === 'svg') {
    return { body: await QRCode.toString(link, { ...options, type: 'svg' }), contentType: 'image/svg+xml' };
  }
  return { body: await QRCode.toBuffer(link, { ...options, type: 'png', width: 1024 }), contentType: 'image/png' };
}
