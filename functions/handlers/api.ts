import { handle } from 'hono/aws-lambda';
import { createApi } from '../api/app';
import type { Deps } from '../core/deps';
import { awsDeps } from './runtime';

/** API Gateway HTTP API (payload v2) → the Hono app, over the given dependencies. */
export const apiHandler = (deps: Deps) => handle(createApi(deps));

type ApiHandler = ReturnType<typeof apiHandler>;
let cached: ApiHandler | undefined;

/** Built on the first request (not at import), so the module loads without a Lambda environment. */
export const handler = (...args: Parameters<ApiHandler>) => {
  cached ??= apiHandler(awsDeps());
  return cached(...args);
};
