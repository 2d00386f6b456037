import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { levelNeededFor } from '../../../functions/core/consent/check';
import { consentLevels } from '../../../functions/core/consent/roster';
import { type FaceBox, toPixels } from '../../../functions/core/media/faces/box';
import { planFaces } from '../../../functions/core/media/faces/rules';
import { faceStep } from '../../../functions/core/media/faces/step';

/**
 * Acceptance 5 of issue 19, as a property: over random audiences × consent rosters × the school's setting
 * × the poster's choices, no output of a post carries a face the rules say must be blurred, unless the
 * poster's confirmation is asked for (and refused without it) or recorded. The second property runs the
 * real blur on real pixels: every face the plan marks blurred is destroyed in the decoded picture.
 */

const classes = ['year-1', 'year-2', 'year-3'];
const audienceArb = fc.oneof(
  fc.constant<string[]>(['public']),
  fc.constant<string[]>(['school']),
  fc.subarray(classes, { minLength: 1 }).map((list) => list.map((c) => `class:${c}`)),
);
const rosterArb = fc.array(fc.record({ classId: fc.constantFrom(...classes), consent: fc.constantFrom(...consentLevels) }), {
  maxLength: 12,
});
const fileArb = fc.record({
  contentType: fc.constantFrom('image/jpeg', 'image/heic', 'image/gif', 'video/mp4', 'audio/mp4'),
  faces: fc.option(fc.constantFrom('blur' as const, 'keep' as const), { nil: undefined }),
});

/** The consent check's question, modelled: pupils of the pictured classes whose consent is below the audience's need. */
function restrictedCount(audience: string[], roster: { classId: string; consent: string }[], pictured: string[]): number {
  const needed = consentLevels.indexOf(levelNeededFor(audience));
  return roster.filter((p) => pictured.includes(p.classId) && (consentLevels as readonly string[]).indexOf(p.consent) < needed)
    .length;
}

describe('faces and consent rules (property)', () => {
  it('a face the rules blur goes out clear only with a confirmation asked for or recorded', () => {
    fc.assert(
      fc.property(
        audienceArb,
        rosterArb,
        fc.subarray(classes, { minLength: 1 }),
        fc.boolean(),
        fc.array(fileArb, { minLength: 1, maxLength: 5 }),
        (audience, roster, pictured, blurFacesInPublic, files) => {
          const restrictedPupils = restrictedCount(audience, roster, pictured);
          const plan = planFaces({ audience, restrictedPupils, blurFacesInPublic, files });
          const mustBlur = restrictedPupils > 0 || (blurFacesInPublic && audience.includes('public'));
          plan.files.forEach((file, i) => {
            // What the poster asked is kept; otherwise the rules decide.
            expect(file.faces).toBe(files[i]?.faces ?? (mustBlur ? 'blur' : 'keep'));
            const clearFaceGoesOut = file.faces === 'keep' || !file.contentType.startsWith('image/');
            if (!mustBlur || !clearFaceGoesOut) return;
            if (restrictedPupils > 0) {
              // Pupils without consent: the create is refused unless the poster confirms (then recorded).
              expect(plan.needsConfirmation).toBe(true);
            } else if (file.faces === 'keep') {
              // The school's setting: keeping faces clear is recorded as the poster's confirmation.
              expect(plan.kept?.kept).toContain(String(i + 1));
            }
          });
          if (plan.needsConfirmation) expect(restrictedPupils).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('every face the plan blurs is destroyed in the decoded picture; the others are untouched', async () => {
    const size = 96;
    // A picture full of detail (noise), so a destroyed region is told apart by its lost variation.
    const noise = Buffer.from(Array.from({ length: size * size * 3 }, (_, i) => (i * 7919) % 251));
    const image = { data: noise, info: { width: size, height: size, channels: 3 as const } };
    const boxArb = fc
      .record({ x: fc.integer({ min: 0, max: 60 }), y: fc.integer({ min: 0, max: 60 }), s: fc.integer({ min: 16, max: 32 }) })
      .map(({ x, y, s }): FaceBox => ({ x: x / size, y: y / size, w: s / size, h: s / size }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(boxArb, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('blur' as const, 'keep' as const),
        async (boxes, choice) => {
          const step = faceStep(choice, { detect: async () => boxes });
          const { image: out, faces } = await step.apply(image);
          const raw = await sharp(out.data, { raw: out.info }).raw().toBuffer();
          for (const face of faces) {
            expect(face.blur).toBe(choice === 'blur');
            const box = toPixels(face, size, size);
            const changed = countChanged(raw, noise, box, size);
            if (face.blur) expect(changed).toBeGreaterThan(0.8);
          }
          if (choice === 'keep') expect(raw.equals(noise)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });
});

/** The share of a box's pixels that differ from the original by more than a little. */
function countChanged(a: Buffer, b: Buffer, box: ReturnType<typeof toPixels>, width: number): number {
  let changed = 0;
  for (let y = box.top; y < box.top + box.height; y++) {
    for (let x = box.left; x < box.left + box.width; x++) {
      const p = (y * width + x) * 3;
      if (Math.abs((a[p] ?? 0) - (b[p] ?? 0)) > 8) changed++;
    }
  }
  return changed / (box.width * box.height);
}
