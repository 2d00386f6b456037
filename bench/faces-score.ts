/** A face box [left, top, width, height] in pixels. */
export type Box = number[];

const centre = ([l = 0, t = 0, w = 0, h = 0]: Box) => ({ x: l + w / 2, y: t + h / 2 });
const holds = ([l = 0, t = 0, w = 0, h = 0]: Box, p: { x: number; y: number }) =>
  p.x >= l && p.x <= l + w && p.y >= t && p.y <= t + h;

/**
 * The same face: the centre of one box lies in the other. Not intersection over union: a detector may box
 * a small face generously (BlazeFace, before YuNet, boxed a 16 px face as ~28 px), which is what a blur
 * needs, and a label is the face itself.
 */
export const sameFace = (label: Box, box: Box) => holds(label, centre(box)) || holds(box, centre(label));

const BUCKETS = [
  { name: '≥ 32 px high', from: 32, to: Number.POSITIVE_INFINITY },
  { name: '20–32 px high', from: 20, to: 32 },
  { name: '< 20 px (no target)', from: 0, to: 20 },
];

/** Recall by face height, and precision over every picture (no-face pictures included). */
export function scoreLabelled(labels: Record<string, Box[]>, found: Record<string, Box[]>) {
  const all = Object.entries(labels).flatMap(([name, faces]) =>
    faces.map((face) => ({ face, hit: (found[name] ?? []).some((box) => sameFace(face, box)) })),
  );
  const buckets = BUCKETS.map(({ name, from, to }) => {
    const inside = all.filter(({ face }) => (face[3] ?? 0) >= from && (face[3] ?? 0) < to);
    const hits = inside.filter((f) => f.hit).length;
    return { name, labelled: inside.length, found: hits, recall: inside.length ? hits / inside.length : 1 };
  });
  const falseBy = Object.entries(found).map(([name, boxes]) => ({
    name,
    count: boxes.filter((box) => !(labels[name] ?? []).some((face) => sameFace(face, box))).length,
  }));
  const boxes = Object.values(found).reduce((sum, list) => sum + list.length, 0);
  const falseBoxes = falseBy.reduce((sum, f) => sum + f.count, 0);
  return {
    faces: all.length,
    buckets,
    boxes,
    falseBoxes,
    falseDetail:
      falseBy
        .filter((f) => f.count > 0)
        .map((f) => `${f.name.split('/').at(-1)}: ${f.count}`)
        .join(', ') || 'none',
    precision: boxes ? (boxes - falseBoxes) / boxes : 1,
  };
}
