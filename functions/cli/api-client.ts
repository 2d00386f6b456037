import { CliError } from './output';

/** Where the CLI finds the API, and who it is. */
export interface ApiTarget {
  baseUrl: string;
  token?: string;
}

export function apiTargetFromEnv(env = process.env): ApiTarget {
  return { baseUrl: (env.CORRIDOR_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''), token: env.CORRIDOR_TOKEN };
}

/** A file's own bytes as the request body (a school's logo), instead of JSON. */
export interface RawBody {
  bytes: Uint8Array;
  contentType: string;
}

const isRaw = (body: unknown): body is RawBody => typeof body === 'object' && body !== null && 'bytes' in body;

/** Calls the Corridor API; turns every failure into one readable line. */
export async function callApi<T>(target: ApiTarget, method: string, path: string, body?: unknown): Promise<T> {
  if (!target.token)
    throw new CliError(
      path.startsWith('/api/schools/me') || !/^\/api\/(schools|trusts)/.test(path)
        ? 'CORRIDOR_TOKEN is not set. Create one with: corridor token create --school <id> --role staff'
        : 'CORRIDOR_TOKEN is not set. Operators create theirs with: corridor operator token create',
    );
  let response: Response;
  try {
    response = await fetch(`${target.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${target.token}`,
        ...(body ? { 'content-type': isRaw(body) ? body.contentType : 'application/json' } : {}),
      },
      body: isRaw(body) ? new Uint8Array(body.bytes) : body ? JSON.stringify(body) : undefined,
    });
  } catch (error) {
    throw new CliError(
      `Cannot reach Corridor at ${target.baseUrl} (${(error as Error).cause ?? (error as Error).message}). Is it running? Set CORRIDOR_URL if it is elsewhere.`,
      true,
    );
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`Corridor answered ${response.status} with something that is not JSON.`);
  }
  if (!response.ok) {
    const message = (json as { error?: { message?: string } }).error?.message ?? `HTTP ${response.status}`;
    throw new CliError(message);
  }
  return json as T;
}
