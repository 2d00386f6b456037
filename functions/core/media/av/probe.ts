import * as z from 'zod';

/**
 * The ffprobe boundary: its JSON (`-print_format json -show_format -show_streams`) is parsed with zod and
 * reduced to the few facts the profiles decide on. Everything ffprobe prints as a string number
 * ("48000", "4.001667", "N/A") is turned into a number or `undefined` here, once.
 */

const numeric = z
  .union([z.string(), z.number()])
  .optional()
  .transform((value) => {
    const parsed = typeof value === 'number' ? value : Number.parseFloat(value ?? '');
    return Number.isFinite(parsed) ? parsed : undefined;
  });

const streamSchema = z.object({
  index: z.number().int().nonnegative(),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  profile: z.string().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  pix_fmt: z.string().optional(),
  sample_aspect_ratio: z.string().optional(),
  avg_frame_rate: z.string().optional(),
  r_frame_rate: z.string().optional(),
  sample_rate: numeric,
  channels: z.number().int().optional(),
  bit_rate: numeric,
  duration: numeric,
  disposition: z.object({ attached_pic: z.number().optional() }).partial().optional(),
  side_data_list: z.array(z.object({ side_data_type: z.string().optional(), rotation: z.number().optional() })).optional(),
  tags: z.record(z.string(), z.unknown()).optional(),
});

/** The subset of ffprobe's JSON that Corridor reads. */
export const ffprobeSchema = z.object({
  streams: z.array(streamSchema).default([]),
  format: z
    .object({
      format_name: z.string().optional(),
      duration: numeric,
      bit_rate: numeric,
    })
    .optional(),
});
type Stream = z.infer<typeof streamSchema>;

/** Clockwise rotation a player must apply to show the picture upright. */
export type Rotation = 0 | 90 | 180 | 270;

export interface VideoStream {
  /** Absolute stream index, for `-map 0:<index>` (so cover art and data tracks are never picked). */
  index: number;
  codec: string;
  profile?: string;
  /** Coded (stored) size, before rotation. */
  width: number;
  height: number;
  pixFmt?: string;
  rotation: Rotation;
  /** Sample (pixel) aspect ratio as a number; 1 for square pixels. */
  sampleAspect: number;
  frameRate?: number;
  bitRate?: number;
}

export interface AudioStream {
  index: number;
  codec: string;
  profile?: string;
  channels: number;
  sampleRate?: number;
  bitRate?: number;
}

/** What the profiles need to know about an input. */
export interface AvProbe {
  formatName: string;
  /** Undefined when the container does not say (e.g. MediaRecorder WebM, streamed without a duration). */
  durationSeconds?: number;
  bitRate?: number;
  video?: VideoStream;
  audio?: AudioStream;
}

const ratio = (text: string | undefined): number | undefined => {
  const [num, den] = (text ?? '').split(/[:/]/).map(Number);
  if (num === undefined || den === undefined || !Number.isFinite(num) || !Number.isFinite(den) || num <= 0 || den <= 0) {
    return undefined;
  }
  return num / den;
};

/**
 * Clockwise display rotation. ffprobe reports the display matrix as a counter-clockwise angle
 * (iPhone portrait: -90); older files carry a `rotate` tag in clockwise degrees instead.
 */
export function rotationOf(stream: Pick<Stream, 'side_data_list' | 'tags'>): Rotation {
  const matrix = stream.side_data_list?.find((entry) => entry.rotation !== undefined)?.rotation;
  const tag = Number(stream.tags?.rotate);
  const clockwise = matrix !== undefined ? -matrix : Number.isFinite(tag) ? tag : 0;
  return ((((Math.round(clockwise / 90) * 90) % 360) + 360) % 360) as Rotation;
}

/**
 * Reduces ffprobe JSON to an {@link AvProbe}: the first real video stream (attached pictures such as
 * WebM/MP3 cover art are skipped) and the first audio stream.
 * @throws ZodError when the JSON is not ffprobe's shape.
 */
export function parseProbe(json: unknown): AvProbe {
  const parsed = ffprobeSchema.parse(json);
  const video = parsed.streams.find(
    (s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1 && (s.width ?? 0) > 0 && (s.height ?? 0) > 0,
  );
  const audio = parsed.streams.find((s) => s.codec_type === 'audio' && (s.channels ?? 0) > 0);
  const streamDurations = parsed.streams.map((s) => s.duration ?? 0);
  const duration = parsed.format?.duration ?? Math.max(0, ...streamDurations);
  return {
    formatName: parsed.format?.format_name ?? 'unknown',
    durationSeconds: duration > 0 ? duration : undefined,
    bitRate: parsed.format?.bit_rate,
    video: video && {
      index: video.index,
      codec: video.codec_name ?? 'unknown',
      profile: video.profile,
      width: video.width ?? 0,
      height: video.height ?? 0,
      pixFmt: video.pix_fmt,
      rotation: rotationOf(video),
      sampleAspect: ratio(video.sample_aspect_ratio) ?? 1,
      frameRate: ratio(video.avg_frame_rate) ?? ratio(video.r_frame_rate),
      bitRate: video.bit_rate,
    },
    audio: audio && {
      index: audio.index,
      codec: audio.codec_name ?? 'unknown',
      profile: audio.profile,
      channels: audio.channels ?? 0,
      sampleRate: audio.sample_rate,
      bitRate: audio.bit_rate,
    },
  };
}

/** Arguments for `ffprobe` that print the JSON {@link parseProbe} reads. */
export function probeArgs(input: string): string[] {
  return ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-i', input];
}
