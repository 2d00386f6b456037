import { describe, expect, it } from 'vitest';
import { sameFace, scoreLabelled } from '../../../bench/faces-score';
import { SEARCH_SIZE, searchPlan, WHOLE_FACE_SIZE } from '../../../functions/core/media/faces/detect';

/**
 * What YuNet boxes reliably, as a face's height in the picture it is given: from ~10 px (its finest head
 * has a cell every 8 px) to ~80 % of a 640 px input (measured: a face filling 83 % of the frame is found at
 * 640 px and missed at 2,048 px — test/integration/faces-detect.test.ts).
 */
const NET_SMALLEST = 10;
const netLargest = (side: number) => Math.min(0.8 * side, 550);

describe('the search plan of a picture (issue 19: small faces and faces filling the frame)', () => {
  it('searches the decoded photo whole at up to 2,048 px, then at 640 px for faces that fill the frame', () => {
    expect(searchPlan(2048, 1536)).toEqual([SEARCH_SIZE, WHOLE_FACE_SIZE]);
    expect(searchPlan(1536, 2048)).toEqual([SEARCH_SIZE, WHOLE_FACE_SIZE]);
    // A poster frame or an upload larger than the first decode is still searched at 2,048 px, not more.
    expect(searchPlan(4048, 3036)).toEqual([SEARCH_SIZE, WHOLE_FACE_SIZE]);
  });

  it('searches a small picture once, at its own size', () => {
    expect(searchPlan(300, 200)).toEqual([300]);
    expect(searchPlan(900, 600)).toEqual([900]);
  });

  it('shows every face from 20 px to the whole height to some pass at a size the network finds', () => {
    const missed: string[] = [];
    for (const [width, height] of [
      [2048, 1536],
      [1536, 2048],
      [1200, 900],
      [640, 480],
    ] as const) {
      const longest = Math.max(width, height);
      for (let size = 20; size <= Math.min(width, height); size = Math.ceil(size * 1.1)) {
        const seen = searchPlan(width, height).map((side) => (size * side) / longest);
        const plan = searchPlan(width, height);
        if (!seen.some((s, i) => s >= NET_SMALLEST && s <= netLargest(plan[i] ?? 0)))
          missed.push(`${size} px in ${width}×${height}`);
      }
    }
    expect(missed).toEqual([]);
  });
});

describe("the bench's scoring against labels", () => {
  it('counts a face found when a box centred on it is larger (a detector may box a small face generously)', () => {
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
