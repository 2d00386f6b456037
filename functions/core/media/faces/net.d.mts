/** A picture as RGB bytes, at most 512 px across (the network's own input size). */
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
