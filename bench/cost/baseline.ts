/**
 * The cost model's figures before issue 20 (`npm run bench cost`, 2026-12, docs/scale.md history):
 * WebP/JPEG at 320/640/1280/2048 px, `sizes="(max-width: 720px) 100vw, 720px"`, 27 invalidation paths
 * a retract, and one evening e-mail for every family. Printed beside each run's figures so the change
 * stays visible; they are not re-measured.
 */
export const BEFORE_ISSUE_20 = {
  photoFamilyKb: 229,
  mixFamilyKb: 226,
  pathsPerRetract: 27,
  dollarsPerSchoolMonth: {
    cloudfront: 1.88,
    invalidations: 0.405,
    ses: 0.9,
    total: 3.29,
  },
} as const;

/**
 * The cost model's figures with issue 20's delivery levers in and the outbox still one record per family
 * (`npm run bench cost` on 2026-12-07, on the shared 2-core machine at load ~20: docs/scale.md). Printed
 * beside each run's figures; not re-measured.
 */
export const BEFORE_BATCHED_OUTBOX = {
  photoFamilyKb: 111,
  mixFamilyKb: 120,
  pathsPerRetract: 5,
  dollarsPerSchoolMonth: {
    cloudfront: 1.1,
    invalidations: 0.075,
    ses: 0.45,
    dynamoWrites: 0.279,
    delivery: 0.379,
    lambdaPublishing: 0.135,
    total: 2.72,
  },
} as const;
