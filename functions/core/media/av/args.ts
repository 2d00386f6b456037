/** ffmpeg flags every profile shares. */

/** Quiet except errors (which name the damage); overwrite; machine-readable progress on stdout twice a second. */
export function ffmpegPreamble(): string[] {
  return ['-nostdin', '-hide_banner', '-nostats', '-y', '-v', 'error', '-progress', 'pipe:1', '-stats_period', '0.5'];
}

/**
 * What makes an output carry nothing about the phone or the place: no global, stream or chapter metadata
 * (QuickTime keys such as `com.apple.quicktime.location.ISO6709`, make, model, `com.android.version`,
 * Voice Memos' device name), no data tracks (iPhone `mebx` tracks), no subtitles, and `+bitexact` so the
 * muxer writes neither an encoder tag nor creation times.
 */
export function stripMetadataArgs(): string[] {
  return ['-map_metadata', '-1', '-map_chapters', '-1', '-dn', '-sn', '-fflags', '+bitexact'];
}
