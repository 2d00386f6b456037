import { hashSecret } from '../auth/secrets';
import type { Principal } from '../auth/tokens';
import type { Deps } from '../deps';
import { DomainError } from '../errors';
import { countUse } from './store';

/** A fixed-window rate limit: at most `limit` uses per `windowSeconds`, per key. */
export interface RateLimit {
  name: string;
  limit: number;
  windowSeconds: number;
}

/** Sign-in links asked for one address: enough for typos and a lost email, too few to flood an inbox. */
export const SIGN_IN_PER_ADDRESS: RateLimit = { name: 'sign-in', limit: 5, windowSeconds: 15 * 60 };

/**
 * Posts created by one caller, with files or caption only (each one notifies families): far above a busy
 * teacher, well below a runaway script.
 */
export const POSTS_PER_CALLER: RateLimit = { name: 'posts', limit: 100, windowSeconds: 10 * 60 };

/**
 * Whom a per-caller limit counts: the API token itself (its id; two tokens that share a label are two
 * callers), or for a signed-in member the person (every session of hers shares one budget).
 */
export function callerIdentity(principal: Principal): string {
  const who = principal.tokenId.startsWith('session:') ? `member:${principal.label}` : `token:${principal.tokenId}`;
  return hashSecret(`${principal.schoolId}\u0000${who}`).slice(0, 32);
}

/** Refused by a rate limit; says when to try again. */
export class RateLimited extends DomainError {
  override name = 'RateLimited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', 429, message, { headers: { 'retry-after': String(retryAfterSeconds) } });
  }
}

/**
 * Counts one use of `key` under `rule`, or throws RateLimited when the window is full. One conditional
 * update per call: the counter item of the current window is created by the first use (no read first,
 * so concurrent callers cannot both take the last slot). Counter items expire with the table's TTL.
 */
export async function consumeRateLimit(deps: Deps, rule: RateLimit, key: string, refusal: string): Promise<void> {
  const nowSeconds = Math.floor(deps.now().getTime() / 1000);
  const windowStart = nowSeconds - (nowSeconds % rule.windowSeconds);
  const windowEnd = windowStart + rule.windowSeconds;
  const counted = await countUse(deps, { limitName: rule.name, key, start: windowStart, end: windowEnd, limit: rule.limit });
  if (!counted) throw new RateLimited(refusal, windowEnd - nowSeconds);
}
