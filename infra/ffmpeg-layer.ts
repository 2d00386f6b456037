import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME } from './lambda';

/** Where the layer's `bin/` lands inside a Lambda (layers are extracted under /opt). */
export const FFMPEG_DIR_ON_LAMBDA = '/opt/bin';

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const EM_AARCH64 = 0xb7;

/**
 * Checks that `dir/bin/ffmpeg` and `dir/bin/ffprobe` exist and are 64-bit little-endian ELF executables
 * for AArch64 — the Lambda is arm64, and an x86-64 or dynamically built Debian binary would only fail
 * when the first video arrives. Static linking cannot be checked cheaply here; the README says how.
 * @returns the problems found (empty when the folder is usable)
 */
export function ffmpegLayerProblems(dir: string): string[] {
  const problems: string[] = [];
  for (const tool of ['ffmpeg', 'ffprobe']) {
    const file = join(dir, 'bin', tool);
    if (!existsSync(file) || !statSync(file).isFile()) {
      problems.push(`${file} is missing`);
      continue;
    }
    const head = Buffer.alloc(20);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    const isArm64Elf =
      head.subarray(0, 4).equals(ELF_MAGIC) && head[4] === 2 && head[5] === 1 && head.readUInt16LE(18) === EM_AARCH64;
    if (!isArm64Elf) problems.push(`${file} is not a linux-arm64 (AArch64) executable`);
    else if ((statSync(file).mode & 0o111) === 0) problems.push(`${file} is not executable (chmod +x)`);
  }
  return problems;
}

export interface FfmpegLayerProps {
  /** Folder whose `bin/` holds static arm64 `ffmpeg` and `ffprobe` (see layers/ffmpeg/README.md). */
  dir: string;
  /** Check the binaries (default true). Only synth tests with a stub folder turn this off. */
  verify?: boolean;
}

/** A Lambda layer with ffmpeg and ffprobe, from a configurable folder, for the audio/video worker. */
export class FfmpegLayer extends Construct {
  readonly layer: lambda.LayerVersion;

  constructor(scope: Construct, id: string, props: FfmpegLayerProps) {
    super(scope, id);
    if (props.verify !== false) {
      const problems = ffmpegLayerProblems(props.dir);
      if (problems.length > 0) {
        throw new Error(
          `Corridor infra: the ffmpeg layer folder is not usable:\n  ${problems.join('\n  ')}\n` +
            'Build it as layers/ffmpeg/README.md describes, or point CORRIDOR_FFMPEG_LAYER_DIR at a folder that has bin/ffmpeg and bin/ffprobe.',
        );
      }
    }
    this.layer = new lambda.LayerVersion(this, 'Layer', {
      description: 'ffmpeg + ffprobe (static, linux-arm64) for the Corridor audio/video worker',
      code: lambda.Code.fromAsset(props.dir, { exclude: ['*.md', '.gitignore'] }),
      compatibleArchitectures: [LAMBDA_ARCHITECTURE],
      compatibleRuntimes: [LAMBDA_RUNTIME],
    });
  }
}
