import { type ApiClient, apiClient } from '../api/client';
import { CliError } from './output';

export { answer, segment } from '../api/client';

/** Where the CLI finds the API, and who it is. */
export interface ApiTarget {
  baseUrl: string;
  token?: string;
}

export function apiTargetFromEnv(env = process.env): ApiTarget {
  return { baseUrl: (env.CORRIDOR_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''), token: env.CORRIDOR_TOKEN };
}

/**
 * The typed Corridor API (functions/api/client.ts) as the CLI calls it: every failure becomes one readable
 * line (a CliError), and one the network caused is marked retryable. `caller` says whose token a missing
 * CORRIDOR_TOKEN should be: a member of staff's, or an operator's (schools and trusts).
 */
export function cliApi(target: ApiTarget, caller: 'staff' | 'operator' = 'staff'): ApiClient {
  if (!target.token)
    throw new CliError(
      caller === 'staff'
        ? 'CORRIDOR_TOKEN is not set. Create one with: corridor token create --school <id> --role staff'
        : 'CORRIDOR_TOKEN is not set. Operators create theirs with: corridor operator token create',
    );
  return apiClient(
    target.baseUrl,
    {
      unreachable: (error) =>
        new CliError(
          `Cannot reach Corridor at ${target.baseUrl} (${(error as Error).cause ?? (error as Error).message}). Is it running? Set CORRIDOR_URL if it is elsewhere.`,
          true,
        ),
      refused: (status, refusal) =>
        new CliError(refusal?.message ?? `Corridor answered ${status} with something that is not its JSON error.`),
    },
    { headers: { authorization: `Bearer ${target.token}` } },
  );
}
