import QRCode from 'qrcode';
import { keyedDigest } from './signed-links';

/**
 * Each class has one join link, printed as a QR code on the classroom door and in the newsletter. Whoever
 * holds it can receive that class's posts, so it carries an unguessable token: a keyed digest of the
 * class, checked by recomputing it (nothing stored, nothing to look up).
 */
export function joinToken(linkKey: string, schoolId: string, classId: string): string {
  return keyedDigest(linkKey, 'join', `${schoolId}/${classId}`);
}

/** True when `token` is the class's join token. */
export function isJoinToken(linkKey: string, schoolId: string, classId: string, token: string): boolean {
  return token.length > 0 && token === joinToken(linkKey, schoolId, classId);
}

/** The path of a class's join page. */
export function joinPath(linkKey: string, schoolId: string, classId: string): string {
  return `/join/${schoolId}/${classId}/${joinToken(linkKey, schoolId, classId)}`;
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
