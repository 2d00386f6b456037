import { ffmpegPreamble, stripMetadataArgs } from './args';
import { displaySize, fitWithin, type Size } from './geometry';
import { MAX_FRAME_RATE, MAX_PASSTHROUGH_BITS_PER_SECOND, MAX_VIDEO_SECONDS } from './limits';
import type { AudioStream, AvProbe, VideoStream } from './probe';

/**
 * Pure ffmpeg argument builders for video (Style rule 4): they decide, the runner spawns.
 */

/** Profiles every browser and phone decodes in hardware. */
const PLAYABLE_H264_PROFILES = new Set(['Baseline', 'Constrained Baseline', 'Main', 'High']);

/** Whether an upload is remuxed as it is or re-encoded, and why (the reasons are logged). */
export type VideoPlan = { mode: 'copy'; size: Size } | { mode: 'transcode'; size: Size; reasons: string[] };

/**
 * Decides pass-through. A file is copied (remuxed with `-c copy`, metadata still stripped) only when
 * re-encoding could not improve it for a parent's phone:
 * - H.264 in a hardware-decodable profile, 8-bit 4:2:0;
 * - no display rotation — a remux keeps the display matrix, and some players (and poster extraction
 *   by other tools) ignore it, so rotation is baked into the pixels instead;
 * - square pixels, and already within 1280×720 (720×1280) with even sides, so nothing needs scaling;
 * - at most {@link MAX_FRAME_RATE} fps and {@link MAX_PASSTHROUGH_BITS_PER_SECOND} overall;
 * - audio absent, or AAC-LC with at most two channels.
 */
export function planVideo(probe: AvProbe & { video: VideoStream }): VideoPlan {
  const { video, audio } = probe;
  const size = fitWithin(displaySize(video));
  const reasons: string[] = [];
  if (video.codec !== 'h264') reasons.push(`video codec ${video.codec}`);
  else if (!PLAYABLE_H264_PROFILES.has(video.profile ?? '')) reasons.push(`H.264 profile ${video.profile ?? 'unknown'}`);
  if (video.pixFmt !== 'yuv420p' && video.pixFmt !== 'yuvj420p') reasons.push(`pixel format ${video.pixFmt ?? 'unknown'}`);
  if (video.rotation !== 0) reasons.push(`rotation ${video.rotation}`);
  if (Math.abs(video.sampleAspect - 1) > 0.01) reasons.push('non-square pixels');
  if (size.width !== video.width || size.height !== video.height) reasons.push(`scale to ${size.width}x${size.height}`);
  if ((video.frameRate ?? 0) > MAX_FRAME_RATE + 0.5) reasons.push(`${Math.round(video.frameRate ?? 0)} fps`);
  if ((probe.bitRate ?? Number.POSITIVE_INFINITY) > MAX_PASSTHROUGH_BITS_PER_SECOND) {
    reasons.push(probe.bitRate === undefined ? 'unknown bitrate' : `${Math.round(probe.bitRate / 1000)} kb/s`);
  }
  if (audio && (audio.codec !== 'aac' || audio.profile !== 'LC' || audio.channels > 2)) {
    reasons.push(`audio ${audio.codec} ${audio.profile ?? ''} ${audio.channels} ch`.trim());
  }
  return reasons.length === 0 ? { mode: 'copy', size } : { mode: 'transcode', size, reasons };
}

/** MP4 with the index first, so playback starts before the download ends. */
export const mp4Output = (output: string) => ['-movflags', '+faststart', '-f', 'mp4', output];

/**
 * `-t` on the input stops reading a file whose container hid its length at just over the limit, so the
 * caller can refuse it by the output's duration instead of encoding an endless stream.
 */
export const inputArgs = (input: string) => ['-t', String(MAX_VIDEO_SECONDS + 1), '-i', input];

const audioMap = (probe: AvProbe) => (probe.audio ? ['-map', `0:${probe.audio.index}`] : []);

/** Remux without re-encoding (see {@link planVideo}), still stripping all metadata. */
export function videoRemuxArgs(probe: AvProbe & { video: VideoStream }, input: string, output: string): string[] {
  return [
    ...ffmpegPreamble(),
    ...inputArgs(input),
    '-map',
    `0:${probe.video.index}`,
    ...audioMap(probe),
    '-c',
    'copy',
    ...stripMetadataArgs(),
    ...mp4Output(output),
  ];
}

/**
 * The picture half of the profile, shared by the single job and every segment job of a long video
 * (segment-profile.ts), so the pieces of a joined video cannot differ in any encoder setting.
 *
 * Scaling happens before the encoder on the decoded (already upright) frames — the only place it can —
 * with the bilinear scaler, which for a downscale of ≤ 1.5× is indistinguishable at 720p and cheaper than
 * bicubic. `turn` is the explicit rotation a segment job needs (its stream-copied piece carries no display
 * matrix); the single job leaves turning to autorotate.
 *
 * x264 `veryfast` at CRF 23: each faster preset buys 10–15% of speed for as many more bytes, and
 * `ultrafast` three times the bytes — every parent pays those on a phone plan (measured in docs/media.md;
 * issue 4's decision: quality and bytes win). `+cgop` keeps every GOP closed (x264's default, stated so a
 * segment's first frame never refers to a previous segment); GOP length and scene-cut stay x264's defaults,
 * the same in both paths.
 */
export function x264Args(size: Size, turn: string[] = []): string[] {
  return [
    '-vf',
    [...turn, `scale=${size.width}:${size.height}:flags=bilinear`, 'setsar=1', 'format=yuv420p'].join(','),
    '-fpsmax',
    String(MAX_FRAME_RATE),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-profile:v',
    'high',
    '-crf',
    '23',
    '-maxrate',
    '3M',
    '-bufsize',
    '6M',
    '-flags',
    '+cgop',
  ];
}

/** The sound half of the profile: AAC-LC, at most stereo, at a rate every player handles. */
export function aacArgs(audio: AudioStream): string[] {
  return [
    '-c:a',
    'aac',
    '-b:a',
    audio.channels >= 2 ? '128k' : '64k',
    '-ac',
    String(Math.min(2, audio.channels)),
    // AMR (8 kHz) and other odd rates are lifted to a rate every player handles.
    '-ar',
    audio.sampleRate === 44_100 ? '44100' : '48000',
  ];
}

/**
 * Re-encode to H.264 (High, CRF 23, capped at 3 Mb/s) + AAC-LC, upright and within the box.
 *
 * Rotation is left to ffmpeg's autorotate (on by default), which turns the decoded frames *and* clears the
 * display matrix; with `-noautorotate` plus our own `transpose`, ffmpeg 5.1 copies the input's matrix to the
 * output and players rotate a second time. So the filter chain sees upright frames and scales straight to
 * `plan.size`.
 */
export function videoTranscodeArgs(
  probe: AvProbe & { video: VideoStream },
  input: string,
  output: string,
  size: Size = fitWithin(displaySize(probe.video)),
): string[] {
  return [
    ...ffmpegPreamble(),
    ...inputArgs(input),
    '-map',
    `0:${probe.video.index}`,
    ...audioMap(probe),
    ...x264Args(size),
    ...(probe.audio ? aacArgs(probe.audio) : []),
    ...stripMetadataArgs(),
    ...mp4Output(output),
  ];
}

/**
 * One JPEG frame for the poster, taken from the published MP4 (already upright, scaled and clean):
 * at 1 s, or the middle of clips shorter than 2 s.
 */
export function posterArgs(input: string, output: string, durationSeconds: number | undefined): string[] {
  const at = durationSeconds !== undefined && durationSeconds < 2 ? durationSeconds / 2 : 1;
  return [
    '-nostdin',
    '-hide_banner',
    '-nostats',
    '-v',
    'error',
    '-ss',
    at.toFixed(3),
    '-i',
    input,
    '-map',
    '0:v:0',
    '-frames:v',
    '1',
    '-c:v',
    'mjpeg',
    '-q:v',
    '2',
    ...stripMetadataArgs(),
    '-f',
    'image2',
    '-update',
    '1',
    '-y',
    output,
  ];
}
