import { handle } from 'hono/aws-lambda';
import { createApi } from '../api/app';
import { awsDeps } from './runtime';

/** API Gateway HTTP API (payload v2) → the Hono app. */
export const handler = handle(createApi(awsDeps()));
