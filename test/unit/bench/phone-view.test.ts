import { describe, expect, it } from 'vitest';
import { phoneFetches, slotWidth } from '../../../bench/cost/phone-view';
import type { EntryMedia } from '../../../functions/core/channels/entry';
import { pictureHtml } from '../../../functions/core/channels/render/media-html';

/**
 * The cost model's phone (bench/cost/phone-view.ts): 390 CSS px at 3×, AVIF/WebP/JPEG, taking the
 * smallest `w` candidate whose density reaches 3 from the first `<source>` type it decodes.
 */

const widths = [320, 640, 1080, 1280, 2048];
const set = (ext: string) => widths.map((w) => `https://cdn.example/media/p/${w}.${ext} ${w}w`).join(', ');

describe('the slot width from sizes, at 390 px', () => {
  it('reads media conditions, vw, px, em and calc()', () => {
    expect(slotWidth('(max-width: 720px) 100vw, 720px')).toBe(390);
    expect(slotWidth('(max-width: 720px) calc(100vw - 32px), 688px')).toBe(358);
    expect(slotWidth('(min-width: 40em) 50vw, calc(50vw - 20px)')).toBe(175);
    expect(slotWidth('(max-width: 300px) 100vw, 600px')).toBe(600);
  });

  it('refuses what it cannot evaluate rather than guessing', () => {
    expect(() => slotWidth('(orientation: portrait) 100vw, 50vw')).toThrow(/media condition/);
    expect(() => slotWidth('min(100vw, 720px)')).toThrow(/length/);
  });
});

describe('the picture a phone fetches', () => {
  it('takes the first source it decodes, and the smallest width dense enough for 3×', () => {
    const page = `<picture>
<source type="image/jxl" srcset="${set('jxl')}" sizes="100vw">
<source type="image/avif" srcset="${set('avif')}" sizes="(max-width: 720px) calc(100vw - 32px), 688px">
<source type="image/webp" srcset="${set('webp')}" sizes="(max-width: 720px) calc(100vw - 32px), 688px">
<img src="https://cdn.example/media/p/2048.jpg" srcset="${set('jpg')}" sizes="(max-width: 720px) calc(100vw - 32px), 688px" alt="">
</picture>`;
    // JPEG XL is not decoded; 358 px × 3 = 1,074: the 1,080 AVIF.
    expect(phoneFetches(page)).toEqual([{ url: 'https://cdn.example/media/p/1080.avif', width: 1080, type: 'image/avif' }]);
  });

  it('with a full-width slot (390 × 3 = 1,170) the 1,280; an <img> alone, a poster and a video count too', () => {
    const page = `<img src="a.jpg" srcset="${set('jpg')}" sizes="100vw" alt=""><video controls src="https://cdn.example/v.mp4" poster="https://cdn.example/poster.jpg"></video>`;
    expect(phoneFetches(page).map((f) => f.url)).toEqual([
      'https://cdn.example/media/p/1280.jpg',
      'https://cdn.example/poster.jpg',
      'https://cdn.example/v.mp4',
    ]);
  });

  it('on the page renderer’s own markup, picks one of the variants, at least 3× its slot (or the largest)', () => {
    const outputs = widths.flatMap((w) =>
      ['image/avif', 'image/webp', 'image/jpeg'].map((contentType) => ({
        role: 'image' as const,
        contentType,
        url: `https://cdn.example/media/p/${w}.${contentType.split('/')[1]}`,
        bytes: w,
        width: w,
        height: w,
      })),
    );
    const media: EntryMedia = { kind: 'image', alt: 'A painting', width: 4000, height: 3000, outputs };
    const html = pictureHtml(media).value;
    const [fetched, ...more] = phoneFetches(html);
    expect(more).toEqual([]);
    expect(outputs.map((o) => o.url)).toContain(fetched?.url);
    const sizes = /sizes="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(fetched?.width).toBeGreaterThanOrEqual(Math.min(2048, slotWidth(sizes) * 3));
  });
});
