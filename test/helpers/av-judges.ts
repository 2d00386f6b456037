import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * ffprobe and exiftool as judges of published audio and video: frame counts, where each stream ends,
 * rotation flags and metadata that must not leave Corridor.
 */

const run = promisify(execFile);

export interface Probed {
  format: { duration?: string; tags?: Record<string, string> };
  streams: {
    index: number;
    codec_type: string;
    codec_name: string;
    width?: number;
    height?: number;
    side_data_list?: { rotation?: number }[];
    tags?: Record<string, string>;
    disposition?: { attached_pic?: number };
  }[];
}

export async function ffprobe(path: string): Promise<Probed> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Probed;
}

/** Frames the decoder outputs for the first real picture stream (cover art skipped). */
export async function decodedFrames(path: string): Promise<number> {
  const probe = await ffprobe(path);
  const video = probe.streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  if (!video) return 0;
  const { stdout } = await run(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      String(video.index),
      '-show_entries',
      'stream=nb_read_frames',
      '-of',
      'csv=p=0',
      path,
    ],
    { maxBuffer: 1024 * 1024 },
  );
  return Number.parseInt(stdout.trim(), 10);
}

/** Where the first picture and first sound stream end (last packet's time + its duration), in seconds. */
export async function streamEnds(path: string): Promise<{ video?: number; audio?: number }> {
  const probe = await ffprobe(path);
  const pick = (type: string) => probe.streams.find((s) => s.codec_type === type && s.disposition?.attached_pic !== 1)?.index;
  const ends: { video?: number; audio?: number } = {};
  for (const type of ['video', 'audio'] as const) {
    const index = pick(type);
    if (index === undefined) continue;
    const { stdout } = await run(
      'ffprobe',
      ['-v', 'error', '-select_streams', String(index), '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', path],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    ends[type] = Math.max(
      ...stdout
        .split('\n')
        .map((line) => line.split(',').map(Number))
        .filter(([pts]) => Number.isFinite(pts))
        .map(([pts = 0, duration]) => pts + (Number.isFinite(duration) ? (duration as number) : 0)),
    );
  }
  return ends;
}

/** Every tag exiftool finds in `paths` that could say where, or on which device, something was recorded. */
export async function metadataLeaks(paths: string[]): Promise<string[]> {
  const { stdout } = await run('exiftool', ['-json', '-a', '-G1', ...paths], { maxBuffer: 64 * 1024 * 1024 });
  return (JSON.parse(stdout) as Record<string, unknown>[]).flatMap((file) =>
    Object.entries(file)
      .filter(([tag]) =>
        /GPS|Location|ISO6709|:Make$|:Model$|DeviceName|Software|Encoder$|Author|com\.android|com\.apple/i.test(tag),
      )
      // ffmpeg's own muxer tag names the tool, not the phone.
      .filter(([tag, value]) => !(/:(Encoder|Software)$/.test(tag) && /^Lavf|^Lavc/.test(String(value))))
      .map(([tag, value]) => `${file.SourceFile}: ${tag}=${value}`),
  );
}
