import { PEAK_COUNT } from './limits';

/**
 * Waveform peaks from decoded PCM (mono s16le), computed while ffmpeg streams it, in constant memory per
 * second of audio: the absolute peak of every 10 ms block is kept, and folded into {@link PEAK_COUNT}
 * bars at the end, when the true length is known (MediaRecorder files often do not state it up front).
 */
export class PeakAccumulator {
  private readonly blockSamples: number;
  private readonly blocks: number[] = [];
  private current = 0;
  private inBlock = 0;
  private carry: Buffer | undefined;
  private samples = 0;

  constructor(private readonly sampleRate: number) {
    this.blockSamples = Math.max(1, Math.round(sampleRate / 100));
  }

  /** How long the audio fed so far lasts: the encoded stream's length, without probing it again. */
  get seconds(): number {
    return this.samples / this.sampleRate;
  }

  /** Feeds a chunk of s16le bytes; a chunk may split a sample, the odd byte is carried over. */
  push(chunk: Buffer): void {
    const bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const whole = bytes.length - (bytes.length % 2);
    this.carry = whole < bytes.length ? bytes.subarray(whole) : undefined;
    this.samples += whole / 2;
    for (let offset = 0; offset < whole; offset += 2) {
      const sample = Math.abs(bytes.readInt16LE(offset));
      if (sample > this.current) this.current = sample;
      if (++this.inBlock === this.blockSamples) this.closeBlock();
    }
  }

  /** The peaks in [0, 1] (full scale = 1), at most `count` of them, fewer only for very short audio. */
  peaks(count = PEAK_COUNT): number[] {
    if (this.inBlock > 0) this.closeBlock();
    const blocks = this.blocks;
    const bars = Math.min(count, blocks.length);
    const out: number[] = [];
    for (let bar = 0; bar < bars; bar++) {
      const start = Math.floor((bar * blocks.length) / bars);
      const end = Math.max(start + 1, Math.floor(((bar + 1) * blocks.length) / bars));
      let peak = 0;
      for (let i = start; i < end; i++) peak = Math.max(peak, blocks[i] ?? 0);
      out.push(Math.round((Math.min(peak, 32767) / 32767) * 1000) / 1000);
    }
    return out;
  }

  private closeBlock(): void {
    this.blocks.push(this.current);
    this.current = 0;
    this.inBlock = 0;
  }
}

/** The JSON the player reads: `{ version, durationSeconds, peaks }`. */
export function peaksJson(peaks: number[], durationSeconds: number): Buffer {
  return Buffer.from(JSON.stringify({ version: 1, durationSeconds: Math.round(durationSeconds * 1000) / 1000, peaks }));
}
