import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps';
import { putCapability, readCapability } from './capability-store';

/**
 * Private channels are reached only through capability URLs: a 128-bit random token in the path.
 * Rotating the token moves the channel to a new path and deletes the old one, which stops it at once.
 */
const newToken = () => randomBytes(16).toString('base64url');

/** The channel's current token, created on first use. */
export async function capabilityToken(deps: Deps, channelId: string): Promise<string> {
  const stored = await readCapability(deps, channelId);
  if (stored) return stored;
  const token = newToken();
  const put = await putCapability(deps, channelId, token);
  if (put.stored) return token;
  return put.current ?? capabilityToken(deps, channelId); // another writer won: use theirs
}

/**
 * Replaces the channel's token; returns the old and the new one (the caller removes the old path). Two
 * rotations at once both succeed, one after the other: the loser of the conditional write tries again.
 */
export async function replaceCapabilityToken(deps: Deps, channelId: string): Promise<{ previous: string; token: string }> {
  let previous = await capabilityToken(deps, channelId);
  for (let attempt = 0; attempt < 5; attempt++) {
    const token = newToken();
    const put = await putCapability(deps, channelId, token, previous);
    if (put.stored) return { previous, token };
    previous = put.current ?? (await capabilityToken(deps, channelId)); // rotated meanwhile: replace that one
  }
  throw new Error(`channel ${channelId} kept being rotated by others; try again`);
}
