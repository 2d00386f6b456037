/**
 * Limits for audio and video uploads, checked before any decoding (size, then probed duration and
 * pixels) and again on the output (duration, for files whose container does not state it).
 */

const MiB = 1024 * 1024;

/** Longest video accepted: a video newsletter is a few minutes; ten is generous. */
export const MAX_VIDEO_SECONDS = 600;
/** Longest audio accepted: a whole assembly or concert. */
export const MAX_AUDIO_SECONDS = 3600;
/** Largest video upload: ten minutes of 4K phone HEVC is ≈ 1 GB. */
export const MAX_VIDEO_BYTES = 1024 * MiB;
/**
 * Largest audio upload. An hour of phone audio is ≈ 60 MB as AAC and ≈ 635 MB as 16-bit 44.1 kHz stereo
 * WAV; 700 MiB admits the WAV and refuses anything larger.
 */
export const MAX_AUDIO_BYTES = 700 * MiB;
/** Largest decoded frame accepted (8K UHD), so a crafted header cannot make the decoder allocate gigabytes. */
export const MAX_VIDEO_PIXELS = 7680 * 4320;

/** Published video fits in this box (landscape); portrait clips fit the transposed box. Never upscaled. */
export const VIDEO_BOX = { long: 1280, short: 720 } as const;
/** Frame rates above this (slow-motion capture) are reduced; browsers and phones play 60 fps smoothly. */
export const MAX_FRAME_RATE = 60;
/**
 * Above this total bitrate an otherwise compatible H.264/AAC file is re-encoded rather than passed through:
 * parents watch on mobile data, and 720p at CRF 23 needs far less.
 */
export const MAX_PASSTHROUGH_BITS_PER_SECOND = 5_000_000;

/** Whole-job wall-clock budget when the caller gives none: under Lambda's 15-minute ceiling. */
export const DEFAULT_TIME_BUDGET_MS = 13 * 60 * 1000;

/** Loudness target for speech (EBU R128 integrated loudness, as podcast platforms use). */
export const TARGET_LUFS = -16;
/** Sample-peak ceiling after gain, in dBFS, leaving headroom for AAC's overshoot. */
export const PEAK_CEILING_DB = -1.5;
/** Most gain applied: a near-silent memo is made audible, its hiss is not made deafening. */
export const MAX_GAIN_DB = 20;

/** How many values the waveform JSON carries (one per bar the player draws). */
export const PEAK_COUNT = 160;
