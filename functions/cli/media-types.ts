import { extname } from 'node:path';

/**
 * The type the CLI declares for a file. It only routes the request (photo, video or sound) and its
 * size limit; the server sniffs the real bytes and refuses anything else.
 */
const typesByExtension: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.heic': 'image/heic',
  '.heif': 'image/heif',
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.3gp': 'video/3gpp',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.wav': 'audio/wav',
  '.amr': 'audio/amr',
};

export const declaredTypeFor = (path: string) => typesByExtension[extname(path).toLowerCase()] ?? 'application/octet-stream';
