import type { Deps } from '../deps';
import { getSchool, type School } from '../schools/school';
import { getTrust } from '../schools/trust';
import { capabilityToken } from './capabilities';
import type { Channel } from './channels';

/** Where a channel's documents live in the site bucket, and what the channel is called. */
export interface ChannelPlace {
  /** Site key prefix, e.g. `s/demo/` or `c/<token>/`. */
  prefix: string;
  title: string;
  description: string;
  timezone: string;
  private: boolean;
  back?: { url: string; label: string };
}

async function schoolOf(deps: Deps, schoolId: string): Promise<School> {
  const school = await getSchool(deps, schoolId);
  if (!school) throw new Error(`school ${schoolId} does not exist`);
  return school;
}

type Locators = { [K in Channel['kind']]: (deps: Deps, channel: Extract<Channel, { kind: K }>) => Promise<ChannelPlace> };

/** One locator per channel kind; a new kind without one does not compile. */
const locators: Locators = {
  public: async (deps, c) => {
    const school = await schoolOf(deps, c.schoolId);
    return {
      prefix: `s/${school.id}/`,
      title: school.name,
      description: `News and pupils' work from ${school.name}`,
      timezone: school.timezone,
      private: false,
    };
  },
  tag: async (deps, c) => {
    const school = await schoolOf(deps, c.schoolId);
    return {
      prefix: `s/${school.id}/t/${encodeURIComponent(c.tag)}/`,
      title: `#${c.tag} — ${school.name}`,
      description: `Posts tagged #${c.tag} at ${school.name}`,
      timezone: school.timezone,
      private: false,
      back: { url: `${deps.config.publicUrl}/s/${school.id}`, label: school.name },
    };
  },
  wall: async (deps, c) => {
    const trust = await getTrust(deps, c.trustId);
    const name = trust?.name ?? c.trustId;
    return {
      prefix: `w/${c.trustId}/`,
      title: name,
      description: `The latest from the schools of ${name}`,
      timezone: 'Europe/London',
      private: false,
    };
  },
  families: async (deps, c) => {
    const school = await schoolOf(deps, c.schoolId);
    return {
      prefix: `c/${await capabilityToken(deps, c.id)}/`,
      title: `${school.name} — for families`,
      description: `Posts for the families of ${school.name}. This address is private: please do not share it.`,
      timezone: school.timezone,
      private: true,
    };
  },
  class: async (deps, c) => {
    const school = await schoolOf(deps, c.schoolId);
    const name = school.classes.find((k) => k.id === c.classId)?.name ?? c.classId;
    return {
      prefix: `c/${await capabilityToken(deps, c.id)}/`,
      title: `${name} — ${school.name}`,
      description: `Posts for the families of ${name} at ${school.name}. This address is private: please do not share it.`,
      timezone: school.timezone,
      private: true,
    };
  },
};

/** Finds where a channel lives (creating a private channel's capability token on first use). */
export function locateChannel(deps: Deps, channel: Channel): Promise<ChannelPlace> {
  return (locators[channel.kind] as (deps: Deps, channel: Channel) => Promise<ChannelPlace>)(deps, channel);
}
