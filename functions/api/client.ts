import { type ClientRequestOptions, hc, type InferResponseType, parseResponse } from 'hono/client';
import type { ApiType } from './app';
import type { ErrorBody } from './errors';

/**
 * The typed client of the Corridor API, derived from the app's own type (`ApiType`, app.ts) by
 * hono/client: every path, body and answer is the server's, so the CLI, the composer and the tests
 * copy no shapes by hand and a changed route fails to compile where it is called. Only types come from
 * the server: this file and hono/client are all that reach the composer's bundle.
 */
export type ApiClient = ReturnType<typeof hc<ApiType>>;

/** A post as the API answers it (views.ts `postView`, as JSON): the CLI and the composer both show it. */
export type PostView = InferResponseType<ApiClient['api']['posts'][':id']['$get'], 200>['post'];

/** Where and how to send one file, as the API says (core/media/upload-instruction.ts, as JSON). */
export type UploadInstruction = NonNullable<
  InferResponseType<ApiClient['api']['posts'][':postId']['uploads'][':mediaId']['$get'], 200>['upload']
>;

/** What the API said when it refused (errors.ts `ErrorBody`), or undefined when the answer was not that. */
export type Refusal = ErrorBody['error'];

export interface ClientHooks {
  /** The request got no answer (offline, connection refused): the error to throw, in the caller's words. */
  unreachable(error: unknown): Error;
  /** The API answered with a failure status: the error to throw (the refusal is missing when the body was not ours). */
  refused(status: number, refusal: Refusal | undefined): Error;
}

/**
 * A client whose calls either answer with a success or throw the caller's own error: `answer(...)` then
 * reads the success body, typed. Path parameters go through `segment` (hono/client inserts them as given).
 */
export function apiClient(baseUrl: string, hooks: ClientHooks, options: Omit<ClientRequestOptions, 'fetch'> = {}): ApiClient {
  const fetchOrExplain = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(input, init);
    } catch (error) {
      throw hooks.unreachable(error);
    }
    if (!response.ok) throw hooks.refused(response.status, await refusalOf(response));
    return response;
  };
  return hc<ApiType>(baseUrl, { ...options, fetch: fetchOrExplain });
}

/** A client that hands back every answer as it came, refusals included (tests assert statuses). */
export const plainApiClient = (baseUrl: string, options: ClientRequestOptions = {}): ApiClient => hc<ApiType>(baseUrl, options);

/** The success body of a call, typed by the route that answered it (hono/client's `parseResponse`). */
export const answer = parseResponse;

/** A path parameter (an id, an email address) encoded once: hono/client inserts parameters as given. */
export const segment = (value: string): string => encodeURIComponent(value);

async function refusalOf(response: Response): Promise<Refusal | undefined> {
  const body = (await response.json().catch(() => undefined)) as Partial<ErrorBody> | undefined;
  const error = body?.error;
  return typeof error?.message === 'string' && typeof error.code === 'string' ? error : undefined;
}
