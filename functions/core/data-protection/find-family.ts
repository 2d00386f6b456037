import * as z from 'zod';
import type { Deps } from '../deps';
import { getFamilies } from '../families/family';
import { addressIdOf, familiesOfAddress } from '../families/recipients';
import { getSchool } from '../schools/school';

/** Typed on a phone: surrounding spaces and capitals do not matter (addresses are looked up normalised). */
export const familySearchSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email('that is not an email address').max(254)),
});

/** What an admin sees of a family before erasing it: exactly what the erasure deletes, in words. */
export interface FamilyFound {
  familyId: string;
  /** Its confirmed email addresses (the admin typed one of them). */
  emails: string[];
  phones: number;
  /** The classes it follows at the admin's school, by name. */
  classes: string[];
  /** How many other schools it follows classes at (their names are not this admin's to see). */
  otherSchools: number;
}

/**
 * The families at this school that confirmed `email` (normally one): how an admin finds the family a
 * parent's erasure request is about without ever seeing a family id. Looked up by the address's keyed
 * digest, as delivery does; families of other schools are not found.
 */
export async function findFamiliesByEmail(deps: Deps, schoolId: string, email: string): Promise<FamilyFound[]> {
  const ids = await familiesOfAddress(deps, await addressIdOf(deps, email));
  const families = await getFamilies(deps, ids);
  const school = await getSchool(deps, schoolId);
  const className = (id: string) => school?.classes.find((k) => k.id === id)?.name ?? id;
  return [...families.values()]
    .filter((family) => schoolId in family.classes)
    .map((family) => ({
      familyId: family.id,
      emails: Object.values(family.emails).map((e) => e.address),
      phones: Object.keys(family.push).length,
      classes: (family.classes[schoolId] ?? []).map(className),
      otherSchools: Object.keys(family.classes).length - 1,
    }));
}
