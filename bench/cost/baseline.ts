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
