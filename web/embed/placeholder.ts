import { thumbHashToRGBA } from 'thumbhash';

/**
 * Draws a ThumbHash (https://evanw.github.io/thumbhash/) on a tiny canvas shown until the photo loads.
 * A canvas rather than a `data:` image URL, because a host page's strict CSP may allow images only
 * from our origin.
 */
export function drawPlaceholder(base64: string): HTMLCanvasElement | undefined {
  try {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const { w, h, rgba } = thumbHashToRGBA(bytes);
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    canvas.setAttribute('aria-hidden', 'true');
    canvas.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(rgba), w, h), 0, 0);
    return canvas;
  } catch {
    return undefined;
  }
}
