/** A picture as RGB bytes (the network squeezes it to 256×256; tiles are cut at that size). */
export interface NetInput {
  data: Uint8Array;
  width: number;
  height: number;
}
export interface NetDetection {
  left: number;
  top: number;
  width: number;
  height: number;
  score: number;
}
export type Net = (input: NetInput) => Promise<NetDetection[]>;
export function loadNet(assets: { model: string; wasm: string }, minConfidence: number): Promise<Net>;
