import * as z from 'zod';
import type { Deps } from '../deps';
import { DomainError, type DomainErrorOptions } from '../errors';
import { getTrustItem, listTrustItems, putTrustItem } from './store';

/** A trust or local authority: groups schools for a regional wall of their public posts. */
export const trustSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,40}$/, 'a trust id is 2–41 lower-case letters, digits and dashes, e.g. "north-trust"'),
  name: z.string().trim().min(1, 'give the trust a name').max(120),
});
export type Trust = z.infer<typeof trustSchema>;

/** The trust already exists: ids are for ever (they are in the wall's address, /w/<id>). */
export class TrustExists extends DomainError {
  override name = 'TrustExists';
  constructor(message: string, options?: DomainErrorOptions) {
    super('conflict', 409, message, options);
  }
}

export async function getTrust(deps: Deps, trustId: string): Promise<Trust | undefined> {
  const item = await getTrustItem(deps, trustId);
  return item ? trustSchema.parse(item) : undefined;
}

/** Creates or replaces a trust (and lists it). */
export async function putTrust(deps: Deps, trust: Trust): Promise<void> {
  await putTrustItem(deps, trust);
}

/** Every trust, by id. */
export async function listTrusts(deps: Deps): Promise<Trust[]> {
  const items = await listTrustItems(deps);
  return items.map((item) => trustSchema.parse(item)).sort((a, b) => a.id.localeCompare(b.id));
}
