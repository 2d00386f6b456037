import { type MediaKind, MediaRejected } from './media';

/** What the first bytes of a file say it is. Names and declared types are never trusted. */
export interface Sniffed {
  kind: MediaKind;
  /** A short format name, e.g. `jpeg`, `heic`, `mp4`. */
  format: string;
}

/** How many leading bytes `sniff` needs. */
export const SNIFF_BYTES = 64;

const ascii = (bytes: Buffer, start: number, end: number) => bytes.subarray(start, end).toString('latin1');

/**
 * Identifies a file by its magic bytes.
 * @throws MediaRejected `empty` for a zero-byte file, `unsupported` for anything Corridor does not accept
 *   (SVG, PDF, HTML, archives, unknown).
 */
export function sniff(head: Buffer): Sniffed {
  if (head.length === 0) throw new MediaRejected('empty');
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { kind: 'image', format: 'jpeg' };
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { kind: 'image', format: 'png' };
  }
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return { kind: 'image', format: 'gif' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return { kind: 'image', format: 'webp' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WAVE') return { kind: 'audio', format: 'wav' };
  if (ascii(head, 4, 8) === 'ftyp') return sniffIsoBmff(head);
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    // Matroska/WebM: MediaRecorder's audio-only WebM is sorted out by the prober, which sees the streams.
    return { kind: 'video', format: 'webm' };
  }
  if (ascii(head, 0, 4) === 'OggS') return { kind: 'audio', format: 'ogg' };
  if (ascii(head, 0, 5) === '#!AMR') return { kind: 'audio', format: 'amr' };
  if (ascii(head, 0, 3) === 'ID3' || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0 && ((head[1] ?? 0) & 0x06) !== 0)) {
    return { kind: 'audio', format: 'mp3' };
  }
  if (head[0] === 0xff && ((head[1] ?? 0) & 0xf6) === 0xf0) return { kind: 'audio', format: 'aac' };
  if (ascii(head, 0, 4) === 'fLaC') return { kind: 'audio', format: 'flac' };
  throw new MediaRejected('unsupported', describeUnknown(head));
}

const heifBrands = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);
const avifBrands = new Set(['avif', 'avis']);
const audioBrands = new Set(['M4A ', 'M4B ', 'M4P ', 'F4A ']);

function sniffIsoBmff(head: Buffer): Sniffed {
  const major = ascii(head, 8, 12);
  const boxSize = Math.min(head.readUInt32BE(0), head.length);
  const compatible: string[] = [];
  for (let offset = 16; offset + 4 <= boxSize; offset += 4) compatible.push(ascii(head, offset, offset + 4));
  const brands = [major, ...compatible];
  if (brands.some((b) => avifBrands.has(b))) return { kind: 'image', format: 'avif' };
  if (brands.some((b) => heifBrands.has(b)) && !brands.includes('qt  ')) return { kind: 'image', format: 'heic' };
  if (audioBrands.has(major)) return { kind: 'audio', format: 'm4a' };
  if (major === 'qt  ') return { kind: 'video', format: 'mov' };
  if (major.startsWith('3g')) return { kind: 'video', format: '3gp' };
  return { kind: 'video', format: 'mp4' };
}

/** A hint for the error message: the thing people most often send by mistake. */
function describeUnknown(head: Buffer): string {
  const text = ascii(head, 0, Math.min(head.length, SNIFF_BYTES)).trimStart().toLowerCase();
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('svg'))) return 'SVG drawings are not accepted';
  if (text.startsWith('%pdf')) return 'PDF documents are not accepted';
  if (text.startsWith('<!doctype html') || text.startsWith('<html')) return 'this is a web page, not a photo';
  if (text.startsWith('<')) return 'this is a text document, not media';
  if (head[0] === 0x50 && head[1] === 0x4b) return 'ZIP archives and Office documents are not accepted';
  return 'unrecognised file type';
}
