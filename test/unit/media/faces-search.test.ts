import { describe, expect, it } from 'vitest';
import { sameFace, scoreLabelled } from '../../../bench/faces-score';
import { type SearchRegion, SMALLEST_FACE_SCALE, searchRegions } from '../../../functions/core/media/faces/detect';

/** What BlazeFace finds reliably: faces ~16 px high in its 256 px input (docs/media.md, "Small faces"). */
const NET_FINDS = 16;
const NET_SIZE = 256;

const holdsWhole = (r: SearchRegion, face: { left: number; top: number; size: number }) =>
  face.left >= r.left &&
  face.top >= r.top &&
  face.left + face.size <= r.left + r.width &&
  face.top + face.size <= r.top + r.height;

/** The size a face reaches the network at, in the region that shows it largest and whole. */
function seenAt(regions: SearchRegion[], face: { left: number; top: number; size: number }): number {
  const sizes = regions.filter((r) => holdsWhole(r, face)).map((r) => (face.size * NET_SIZE) / Math.max(r.width, r.height));
  return Math.max(0, ...sizes);
}

describe('the search plan of a picture (issue 19: small faces)', () => {
  const [width, height] = [2048, 1536];
  const regions = searchRegions(width, height);

  it('shows every face from 20 px up whole to the network at a size it finds, wherever it stands', () => {
    // Every face size from 20 to 400 px, at every position on a 37 px grid (prime, so not aligned to tiles).
    const missed: string[] = [];
    for (const size of [20, 24, 32, 48, 64, 96, 150, 250, 400])
      for (let top = 0; top + size <= height; top += 37)
        for (let left = 0; left + size <= width; left += 37)
          if (seenAt(regions, { left, top, size }) < NET_FINDS) missed.push(`${size} px at ${left},${top}`);
    expect(missed.slice(0, 5)).toEqual([]);
  });

  it('searches a small picture whole, once', () => {
    expect(searchRegions(300, 200)).toEqual([{ left: 0, top: 0, width: 300, height: 200, scale: NET_SIZE / 300 }]);
  });

  it('the finest scale is the one that brings a 20 px face to the 16 px the network finds', () => {
    expect(20 * SMALLEST_FACE_SCALE).toBe(NET_FINDS);
  });
});

describe("the bench's scoring against labels", () => {
  it('counts a face found when a box centred on it is larger (BlazeFace boxes small faces generously)', () => {
    expect(sameFace([100, 100, 20, 20], [92, 92, 36, 36])).toBe(true);
    expect(sameFace([100, 100, 20, 20], [130, 100, 20, 20])).toBe(false);
  });

  it('splits recall by face height and counts boxes in faceless pictures as false', () => {
    const score = scoreLabelled(
      {
        a: [
          [0, 0, 40, 40],
          [100, 0, 25, 25],
          [200, 0, 10, 10],
        ],
        none: [],
      },
      {
        a: [
          [0, 0, 40, 40],
          [300, 300, 30, 30],
        ],
        none: [[5, 5, 50, 50]],
      },
    );
    expect(score.buckets.map((b) => [b.labelled, b.found])).toEqual([
      [1, 1],
      [1, 0],
      [1, 0],
    ]);
    expect([score.boxes, score.falseBoxes, score.precision]).toEqual([3, 2, 1 / 3]);
  });
});
