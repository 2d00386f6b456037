import { ffmpegPreamble, stripMetadataArgs } from './args';
import type { Size } from './geometry';
import type { AudioStream, AvProbe, Rotation, VideoStream } from './probe';
import { aacArgs, inputArgs, mp4Output, x264Args } from './video-profile';

/**
 * Pure ffmpeg argument builders for the segment-parallel path of long videos: split (stream copy at
 * keyframes, audio encoded once), encode one piece (picture only, the single job's x264 settings), join
 * (concatenate with no re-encode, timestamps regenerated from the source's own cut points).
 *
 * Pieces are NUT files: ffmpeg's own container carries every codec phones and browsers record (H.264,
 * HEVC, VP8/9, H.263) and keeps the source's time base exactly; Matroska rounds timestamps to a
 * millisecond, and MPEG-TS refuses VP8/9. NUT also carries no display matrix, so each piece job turns
 * the picture itself, from the source's probed rotation.
 */

export const PIECE_EXTENSION = 'nut';
export const SEGMENT_LIST = 'segments.csv';

/** One stream-copied piece of the source, as the segment muxer's list names it. */
export interface SourcePiece {
  file: string;
  /** Where the piece starts and ends in the source, in seconds (its first and the next piece's keyframe). */
  start: number;
  end: number;
}

/**
 * One read of the source, two outputs: the picture cut at the first keyframe after every
 * `segmentSeconds` into pieces (stream copy, so cuts land only on keyframes and pieces are uneven when
 * keyframes are sparse), and the sound encoded once, whole, to AAC — AAC cut at piece edges would leave
 * gaps or drift at every seam.
 */
export function splitArgs(
  probe: AvProbe & { video: VideoStream },
  input: string,
  dir: string,
  segmentSeconds: number,
  audioOutput: string | undefined,
): string[] {
  const audio = probe.audio && audioOutput ? audioOnlyArgs(probe.audio, audioOutput) : [];
  return [
    ...ffmpegPreamble(),
    ...inputArgs(input),
    '-map',
    `0:${probe.video.index}`,
    '-c',
    'copy',
    ...stripMetadataArgs(),
    '-f',
    'segment',
    '-segment_time',
    String(segmentSeconds),
    '-segment_format',
    PIECE_EXTENSION,
    '-segment_list',
    `${dir}/${SEGMENT_LIST}`,
    '-segment_list_type',
    'csv',
    '-reset_timestamps',
    '1',
    `${dir}/source-%03d.${PIECE_EXTENSION}`,
    ...audio,
  ];
}

/** The whole sound track alone, with the single job's AAC settings, in an M4A. */
function audioOnlyArgs(audio: AudioStream, output: string): string[] {
  return ['-map', `0:${audio.index}`, '-vn', ...aacArgs(audio), ...stripMetadataArgs(), '-f', 'ipod', output];
}

/** Reads the segment muxer's CSV list (`file,start,end` per line). */
export function parseSegmentList(csv: string): SourcePiece[] {
  return csv
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const [file = '', start = '', end = ''] = line.split(',');
      return { file, start: Number(start), end: Number(end) };
    })
    .filter((piece) => piece.file.length > 0 && Number.isFinite(piece.start) && Number.isFinite(piece.end));
}

/**
 * The filters ffmpeg's autorotate inserts for a clockwise display rotation — the same pixels the single
 * job produces.
 */
export function turnFilters(rotation: Rotation): string[] {
  return { 0: [], 90: ['transpose=clock'], 180: ['hflip', 'vflip'], 270: ['transpose=cclock'] }[rotation];
}

/** One piece, picture only, encoded with every x264 setting of the single job (`x264Args`). */
export function pieceEncodeArgs(input: string, output: string, size: Size, rotation: Rotation): string[] {
  return [
    ...ffmpegPreamble(),
    '-i',
    input,
    '-map',
    '0:v:0',
    '-an',
    ...x264Args(size, turnFilters(rotation)),
    ...stripMetadataArgs(),
    '-f',
    PIECE_EXTENSION,
    output,
  ];
}

/**
 * The concat demuxer's list. Each piece's `duration` is its span in the source (next keyframe minus its
 * own), so the timestamps of the joined picture are regenerated on the source's own timeline — no seam
 * gains or loses time, whatever the frame rate, and the sound encoded from the same source stays in sync.
 */
export function concatList(pieces: { file: string; seconds: number }[]): string {
  const quote = (path: string) => `'${path.replaceAll("'", "'\\''")}'`;
  return ['ffconcat version 1.0', ...pieces.flatMap((p) => [`file ${quote(p.file)}`, `duration ${p.seconds.toFixed(6)}`])]
    .join('\n')
    .concat('\n');
}

/** Joins the encoded pieces and the sound into the faststart MP4, copying both (no re-encode). */
export function joinArgs(list: string, audio: string | undefined, output: string): string[] {
  return [
    ...ffmpegPreamble(),
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    list,
    ...(audio ? ['-i', audio] : []),
    '-map',
    '0:v:0',
    ...(audio ? ['-map', '1:a:0'] : []),
    '-c',
    'copy',
    ...stripMetadataArgs(),
    ...mp4Output(output),
  ];
}
