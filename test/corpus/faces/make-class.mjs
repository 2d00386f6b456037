// Makes the labelled face set's two "class photos" and writes labels.json (run from the repository root:
// node test/corpus/faces/make-class.mjs). The output is committed; this records how it was made.
//
// The class photos are COMPOSITES, not photographs of a class: the six MIT-licensed group photos of
// @vladmandic/face-api 1.7.15 (demo/sample1–6.jpg; here faces/group_sample1–4.jpg and
// ../group_faces_stairs.jpg, ../group_faces_window.jpg) are scaled down and pasted side by side on a plain
// wall-coloured canvas, so that their faces are 15–65 px high, as a class photo's are at 2,048 px. Their
// labels are the hand-checked labels of the six photos, scaled and moved with them.
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';

const here = new URL('./', import.meta.url);
const corpus = new URL('../', import.meta.url);

/**
 * Face boxes [left, top, width, height] in the photos' own pixels: every visible face, checked by looking
 * at each photo with the boxes drawn (profiles and turned heads included; nothing else is a face).
 */
const PHOTOS = {
  'faces/group_sample1.jpg': [
    [1485, 257, 165, 165],
    [417, 403, 196, 196],
    [847, 470, 179, 179],
  ],
  'faces/group_sample2.jpg': [
    [1454, 189, 200, 200],
    [349, 184, 233, 233],
    [884, 254, 204, 204],
  ],
  'faces/group_sample3.jpg': [
    [1042, 230, 278, 278],
    [1461, 343, 234, 234],
    [577, 355, 259, 260],
  ],
  'faces/group_sample4.jpg': [
    [673, 128, 167, 167],
    [1286, 200, 175, 175],
    [961, 238, 229, 173],
    [225, 235, 200, 200],
  ],
  'group_faces_stairs.jpg': [
    [1114, 268, 173, 173],
    [1395, 421, 246, 246],
    [775, 158, 171, 171],
    [358, 896, 258, 258],
    [568, 461, 197, 197],
  ],
  'group_faces_window.jpg': [
    [236, 528, 241, 241],
    [1143, 347, 241, 241],
    [655, 374, 250, 250],
    [1475, 308, 239, 239],
  ],
};
/** Photos with no face at all: a field and path, flowers, branches at night, a monastery, a waterfall. */
const NO_FACE = [
  'photo_android_pixel_gps.jpg',
  'photo_iphone5_gps_orient3.jpg',
  'photo_android_nexus4_gps.jpg',
  'photo_android_samsung_j3_orient6.jpg',
  'orient_landscape_1.jpg',
];

const CANVAS = { width: 2048, height: 1536, gap: 16, background: '#d9cfbf' };

async function composite(name, scales) {
  const pastes = [];
  const labels = [];
  let x = CANVAS.gap;
  let y = CANVAS.gap;
  let row = 0;
  for (const scale of scales) {
    for (const [file, faces] of Object.entries(PHOTOS)) {
      const source = sharp(new URL(file, corpus).pathname);
      const { width, height } = await source.metadata();
      const w = Math.round(width * scale);
      const h = Math.round(height * scale);
      if (x + w > CANVAS.width) {
        x = CANVAS.gap;
        y += row + CANVAS.gap;
        row = 0;
      }
      if (y + h > CANVAS.height) throw new Error(`${name}: no room for ${file} at ${scale}`);
      pastes.push({ input: await source.resize(w, h).toBuffer(), left: x, top: y });
      for (const [l, t, fw, fh] of faces)
        labels.push([x + l * scale, y + t * scale, fw * scale, fh * scale].map((v) => Math.round(v * 10) / 10));
      x += w + CANVAS.gap;
      row = Math.max(row, h);
    }
  }
  await sharp({ create: { width: CANVAS.width, height: CANVAS.height, channels: 3, background: CANVAS.background } })
    .composite(pastes)
    .jpeg({ quality: 90 })
    .toFile(new URL(name, here).pathname);
  return labels;
}

const labels = {
  ...Object.fromEntries(Object.entries(PHOTOS)),
  'faces/class_small.jpg': await composite('class_small.jpg', [0.1, 0.13]),
  'faces/class_medium.jpg': await composite('class_medium.jpg', [0.17, 0.23]),
  ...Object.fromEntries(NO_FACE.map((file) => [file, []])),
};
await writeFile(
  new URL('labels.json', here),
  `${JSON.stringify({ about: 'Face boxes [left, top, width, height] in pixels of the upright picture; file names relative to test/corpus/. Made by make-class.mjs.', labels }, null, 1)}\n`,
);
