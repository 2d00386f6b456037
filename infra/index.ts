export { embedCsp, mediaCsp, siteCsp } from '../functions/core/security/headers';
export { Cdn, MEDIA_TTL, rewriteFunctionSource, SITE_TTL } from './cdn';
export { CorridorInfra, type CorridorInfraProps, DIGEST_SCHEDULE, SWEEP_EVERY, sizing } from './corridor';
export { Email } from './email';
export { FFMPEG_DIR_ON_LAMBDA, FfmpegLayer, ffmpegLayerProblems } from './ffmpeg-layer';
export {
  bundlingDefaults,
  CorridorFunction,
  ESBUILD_TARGET,
  type HandlerName,
  handlerNames,
  LAMBDA_ARCHITECTURE,
  LAMBDA_RUNTIME,
  sharpBundling,
} from './lambda';
export { VISIBILITY_PER_FUNCTION_TIMEOUT, WorkQueue } from './queues';
export { Storage } from './storage';
