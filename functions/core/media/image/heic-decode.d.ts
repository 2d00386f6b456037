// heic-decode ships no type declarations; this describes the part Corridor uses.
declare module 'heic-decode' {
  interface DecodedImage {
    width: number;
    height: number;
    /** RGBA, 4 bytes per pixel, with the HEIF rotation and mirror boxes already applied. */
    data: Uint8ClampedArray;
  }
  export default function decode(input: { buffer: Buffer | ArrayBuffer }): Promise<DecodedImage>;
}
