import type { Config } from '../../aws/config';
import { siteKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import type { StoredOutput } from '../media/media';
import { type PublicLook, publicLook } from '../schools/look/look';
import { getSchool, type School } from '../schools/school';
import { getTrust, type Trust } from '../schools/trust';
import { LOCAL_SENDER } from '../staff/mail';
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
  /** The school whose website widget shows this channel: set on the school's public channel only. */
  embedFor?: string;
  /** Who publishes the channel (podcast owner, feed author, copyright holder) and its artwork. */
  publisher: Publisher;
}

/** A stored artwork file as documents link to it. */
export type ArtworkFile = Omit<StoredOutput, 'key'> & { url: string };

export interface Publisher {
  name: string;
  /** The publisher's home page: the school page, or the trust's wall. */
  url: string;
  /** Where podcast directories write to the owner (itunes:email, podcast:locked's owner). */
  email: string;
  /** Square artwork in three sizes (a school's; a wall has none). */
  artwork?: { image: ArtworkFile; icon: ArtworkFile; favicon: ArtworkFile };
  /** The school's accent, welcome line and logo, when its admins set any (a wall has none). */
  look?: PublicLook;
}

/**
 * The address podcast directories show as the feed's owner: the address Corridor sends mail from (the
 * school's own contact address belongs to the school's settings, when they have one).
 */
export function feedOwnerEmail(config: Pick<Config, 'emailFrom'>): string {
  const from = config.emailFrom ?? LOCAL_SENDER;
  return /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(from)?.[1] ?? from.trim();
}

/** What naming and placing a channel depends on (read from the table by `locateChannel`). */
export interface PlaceFacts {
  publicUrl: string;
  /** The channel's school (every kind but the wall). */
  school?: School;
  /** The wall's trust, when it has a record. */
  trust?: Trust;
  /** A private channel's capability token. */
  token?: string;
  /** See `feedOwnerEmail`. */
  ownerEmail: string;
}

type Placers = {
  [K in Channel['kind']]: (channel: Extract<Channel, { kind: K }>, facts: PlaceFacts) => Omit<ChannelPlace, 'publisher'>;
};

/** A school as the publisher of its channels, with its artwork's absolute URLs. */
function schoolPublisher(school: School, facts: PlaceFacts): Publisher {
  const file = ({ key, ...rest }: StoredOutput): ArtworkFile => ({ ...rest, url: `${facts.publicUrl}/${key}` });
  const { artwork } = school;
  const look = publicLook(school, facts.publicUrl);
  return {
    name: school.name,
    url: `${facts.publicUrl}/s/${school.id}`,
    email: facts.ownerEmail,
    ...(artwork ? { artwork: { image: file(artwork.image), icon: file(artwork.icon), favicon: file(artwork.favicon) } } : {}),
    ...(look ? { look } : {}),
  };
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`cannot place a channel without its ${what}`);
  return value;
}

/** One placer per channel kind; a new kind without one does not compile. */
const placers: Placers = {
  public: (_c, facts) => {
    const school = need(facts.school, 'school');
    return {
      prefix: siteKeys.schoolPrefix(school.id),
      title: school.name,
      description: `News and pupils' work from ${school.name}`,
      timezone: school.timezone,
      private: false,
      embedFor: school.id,
    };
  },
  tag: (c, facts) => {
    const school = need(facts.school, 'school');
    return {
      // The key holds the tag itself (`s/demo/t/tägé/`), as S3 stores the key a request's decoded path
      // names; URLs carry it percent-encoded (`sitePath`).
      prefix: siteKeys.tagPrefix(school.id, c.tag),
      title: `#${c.tag} — ${school.name}`,
      description: `Posts tagged #${c.tag} at ${school.name}`,
      timezone: school.timezone,
      private: false,
      back: { url: `${facts.publicUrl}/s/${school.id}`, label: school.name },
    };
  },
  wall: (c, facts) => {
    const name = facts.trust?.name ?? c.trustId;
    return {
      prefix: siteKeys.wallPrefix(c.trustId),
      title: name,
      description: `The latest from the schools of ${name}`,
      timezone: 'Europe/London',
      private: false,
    };
  },
  families: (_c, facts) => {
    const school = need(facts.school, 'school');
    return {
      prefix: siteKeys.capabilityPrefix(need(facts.token, 'capability token')),
      title: `${school.name} — for families`,
      description: `Posts for the families of ${school.name}. This address is private: please do not share it.`,
      timezone: school.timezone,
      private: true,
    };
  },
  class: (c, facts) => {
    const school = need(facts.school, 'school');
    const name = school.classes.find((k) => k.id === c.classId)?.name ?? c.classId;
    return {
      prefix: siteKeys.capabilityPrefix(need(facts.token, 'capability token')),
      title: `${name} — ${school.name}`,
      description: `Posts for the families of ${name} at ${school.name}. This address is private: please do not share it.`,
      timezone: school.timezone,
      private: true,
    };
  },
};

/** Where a channel lives and what it is called, from the facts alone (pure: rebuilds use it too). */
export function channelPlace(channel: Channel, facts: PlaceFacts): ChannelPlace {
  const place = (placers[channel.kind] as (channel: Channel, facts: PlaceFacts) => Omit<ChannelPlace, 'publisher'>)(
    channel,
    facts,
  );
  const publisher: Publisher =
    channel.kind === 'wall'
      ? { name: place.title, url: `${facts.publicUrl}/${place.prefix.replace(/\/$/, '')}`, email: facts.ownerEmail }
      : schoolPublisher(need(facts.school, 'school'), facts);
  return { ...place, publisher };
}

/**
 * Finds where a channel lives (creating a private channel's capability token on first use). A caller
 * that already holds the channel's school passes it, saving a read.
 */
export async function locateChannel(deps: Deps, channel: Channel, known: { school?: School } = {}): Promise<ChannelPlace> {
  const facts: PlaceFacts = { publicUrl: deps.config.publicUrl, ownerEmail: feedOwnerEmail(deps.config) };
  if (channel.kind === 'wall') facts.trust = await getTrust(deps, channel.trustId);
  else {
    facts.school = known.school?.id === channel.schoolId ? known.school : await getSchool(deps, channel.schoolId);
    if (!facts.school) throw new Error(`school ${channel.schoolId} does not exist`);
  }
  if (channel.kind === 'families' || channel.kind === 'class') facts.token = await capabilityToken(deps, channel.id);
  return channelPlace(channel, facts);
}
