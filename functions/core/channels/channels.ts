import { isPublic } from '../audience';
import type { Post } from '../posts/post';
import type { School } from '../schools/school';

/**
 * Every place a post can appear. Public channels are readable by anyone; private ones only through a
 * capability URL. The id is the key of the channel's index partition.
 */
export type Channel =
  | { kind: 'public'; id: string; schoolId: string }
  | { kind: 'tag'; id: string; schoolId: string; tag: string }
  | { kind: 'wall'; id: string; trustId: string }
  | { kind: 'families'; id: string; schoolId: string }
  | { kind: 'class'; id: string; schoolId: string; classId: string };

export const channel = {
  public: (schoolId: string): Channel => ({ kind: 'public', id: `school:${schoolId}:public`, schoolId }),
  tag: (schoolId: string, tag: string): Channel => ({ kind: 'tag', id: `school:${schoolId}:tag:${tag}`, schoolId, tag }),
  wall: (trustId: string): Channel => ({ kind: 'wall', id: `wall:${trustId}`, trustId }),
  families: (schoolId: string): Channel => ({ kind: 'families', id: `school:${schoolId}:families`, schoolId }),
  class: (schoolId: string, classId: string): Channel => ({
    kind: 'class',
    id: `class:${schoolId}:${classId}`,
    schoolId,
    classId,
  }),
};

/** Parses a channel id back into its channel (ids are stored on posts as the set last rendered). */
export function parseChannelId(id: string): Channel | undefined {
  const parts = id.split(':');
  if (parts[0] === 'school' && parts[2] === 'public' && parts.length === 3) return channel.public(parts[1] ?? '');
  if (parts[0] === 'school' && parts[2] === 'families' && parts.length === 3) return channel.families(parts[1] ?? '');
  if (parts[0] === 'school' && parts[2] === 'tag' && parts.length === 4) return channel.tag(parts[1] ?? '', parts[3] ?? '');
  if (parts[0] === 'wall' && parts.length === 2) return channel.wall(parts[1] ?? '');
  if (parts[0] === 'class' && parts.length === 3) return channel.class(parts[1] ?? '', parts[2] ?? '');
  return undefined;
}

/**
 * The channels a post belongs in, by its audience. A public post reaches every family too (the
 * families' private feeds are a superset of the public one); a class post reaches only that class.
 */
export function channelsForPost(post: Pick<Post, 'audience' | 'tags' | 'schoolId'>, school: School): Channel[] {
  const { audience, schoolId } = post;
  if (isPublic(audience)) {
    return [
      channel.public(schoolId),
      ...post.tags.map((tag) => channel.tag(schoolId, tag)),
      ...(school.wallTrustId ? [channel.wall(school.wallTrustId)] : []),
      channel.families(schoolId),
      ...school.classes.map((c) => channel.class(schoolId, c.id)),
    ];
  }
  if (audience.includes('school'))
    return [channel.families(schoolId), ...school.classes.map((c) => channel.class(schoolId, c.id))];
  return audience.filter((a) => a.startsWith('class:')).map((a) => channel.class(schoolId, a.slice('class:'.length)));
}
