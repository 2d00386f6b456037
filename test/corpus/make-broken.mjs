// Makes the two broken-JPEG fixtures from files whose licence is clear (run from the repository root:
// node test/corpus/make-broken.mjs). The output is committed; this records how it was made.

import { readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';

// Truncated: a real phone-sized photo cut off mid-scan (the first 40 % of orient_landscape_1.jpg).
const full = readFileSync('test/corpus/orient_landscape_1.jpg');
writeFileSync('test/corpus/jpeg_truncated.jpg', full.subarray(0, Math.floor(full.length * 0.4)));
// Corrupt header: a JPEG made here whose SOF0 frame header says 0×0 pixels, cut to 1 KiB.
const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c0a060' } })
  .jpeg({ quality: 80 })
  .toBuffer();
const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
jpeg.writeUInt16BE(0, sof + 5);
jpeg.writeUInt16BE(0, sof + 7);
const out = Buffer.alloc(1024);
jpeg.copy(out, 0, 0, Math.min(1024, jpeg.length));
writeFileSync('test/corpus/jpeg_corrupt_header.jpg', out);
console.log(full.length, jpeg.length, sof);
