import fc from 'fast-check';
import { expect, it } from 'vitest';
import { isPublic } from '../../functions/core/audience';
import type { Principal } from '../../functions/core/auth/tokens';
import type { Artifact } from '../../functions/core/channels/artifacts';
import { channelsForPost, parseChannelId } from '../../functions/core/channels/channels';
import { channelPlace, feedOwnerEmail } from '../../functions/core/channels/locate';
import { renderSite, type SiteState } from '../../functions/core/channels/rebuild';
import { createPost, PostInputError } from '../../functions/core/posts/create';
import { editPost, submitDraft } from '../../functions/core/posts/edit';
import { retractPost } from '../../functions/core/posts/retract';
import { putSchool } from '../../functions/core/schools/school';
import { putTrust } from '../../functions/core/schools/trust';
import { DEMO_SCHOOL } from '../../functions/local/seed';
import { settle, startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { readSiteArtifacts, readSiteState } from '../helpers/site-state';

/**
 * Issue 5, acceptance 1: for random sequences of create / submit / edit / retract across audiences,
 * every artifact in the site bucket equals a from-scratch render of the table's current state (byte for
 * byte, same keys, same Content-Type), and no post that is not published to the public appears in any
 * public artifact. Feed pages hold one to three entries, so archives (RFC 5005) are exercised too.
 *
 * Issue 18, acceptance 2: in every channel, walking JSON Feed `next_url` (RFC 5005 prev-archive) from the
 * current document meets every post of the channel exactly once; and after a second round of random
 * publishes, every archive document that existed before it has the same bytes.
 */

type Op =
  | { kind: 'create'; audience: string[]; caption: string; draft: boolean }
  | { kind: 'submit'; target: number }
  | { kind: 'edit'; target: number; audience?: string[]; caption?: string }
  | { kind: 'retract'; target: number };

const audience = fc.constantFrom<string[]>(
  ['public'],
  ['school'],
  ['class:year-1'],
  ['class:year-2'],
  ['class:year-1', 'class:year-2'],
);
const caption = fc.subarray(['#art', '#sport']).map((tags) => ['Our week', ...tags].join(' '));
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('create' as const), audience, caption, draft: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('submit' as const), target: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record(
      { kind: fc.constant('edit' as const), target: fc.nat(), audience, caption },
      { requiredKeys: ['kind', 'target'] },
    ),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retract' as const), target: fc.nat() }) },
);

/** A second round that only publishes: archive documents must not notice it. */
const publishOnly: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('create' as const),
  audience,
  caption,
  draft: fc.constant(false),
});

/**
 * Walks every channel's archive chain in the bucket from its current JSON Feed, following `next_url`, and
 * checks it meets exactly the channel's published posts, each once.
 */
function expectWalksMeetEveryPostOnce(state: SiteState, artifacts: Artifact[]): void {
  const bodies = new Map(artifacts.map((a) => [a.key, a.body]));
  const schools = new Map(state.schools.map((s) => [s.id, s]));
  for (const { id } of state.channels) {
    const channel = parseChannelId(id);
    if (!channel) throw new Error(`not a channel id: ${id}`);
    const place = channelPlace(channel, {
      publicUrl: state.publicUrl,
      ownerEmail: feedOwnerEmail({}),
      school: channel.kind === 'wall' ? undefined : schools.get(channel.schoolId),
      trust: channel.kind === 'wall' ? state.trusts.find((t) => t.id === channel.trustId) : undefined,
      token: state.tokens[id],
    });
    const met: string[] = [];
    const visited = new Set<string>();
    for (let key: string | undefined = `${place.prefix}feed.json`; key !== undefined; ) {
      expect(visited.has(key), `${id}: the chain loops at ${key}`).toBe(false);
      visited.add(key);
      const body = bodies.get(key);
      expect(body, `${id}: ${key} is linked but missing`).toBeDefined();
      const feed = JSON.parse(body ?? '{}') as { next_url?: string; items: { _corridor: { post_id: string } }[] };
      met.push(...feed.items.map((i) => i._corridor.post_id));
      key = feed.next_url?.slice(`${state.publicUrl}/`.length);
    }
    const expected = state.posts
      .filter(({ post }) => {
        const school = schools.get(post.schoolId);
        return post.state === 'published' && school && channelsForPost(post, school).some((c) => c.id === id);
      })
      .map(({ post }) => post.id);
    expect(met.slice().sort(), id).toEqual(expected.sort());
  }
}

const admin: Principal = { schoolId: DEMO_SCHOOL.id, role: 'admin', tokenId: 'property', label: 'property test' };

/** Applies one operation the way the API would; refusals a teacher could also get are part of the game. */
async function apply(corridor: TestCorridor, posts: string[], o: Op): Promise<void> {
  const { deps } = corridor.local;
  if (o.kind === 'create') {
    const { post } = await createPost(deps, admin, { idempotencyKey: crypto.randomUUID(), ...o });
    posts.push(post.id);
    return;
  }
  const target = posts[o.target % posts.length];
  if (!target) return;
  try {
    if (o.kind === 'submit') await submitDraft(deps, admin, target);
    if (o.kind === 'edit') await editPost(deps, admin, target, { audience: o.audience, caption: o.caption });
    if (o.kind === 'retract') await retractPost(deps, admin, target);
  } catch (error) {
    if (!(error instanceof PostInputError)) throw error; // e.g. editing a retracted post
  }
}

it('keeps every artifact equal to a from-scratch render, and private posts out of public artifacts', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 3 }),
      fc.array(op, { minLength: 1, maxLength: 8 }),
      fc.array(publishOnly, { minLength: 1, maxLength: 4 }),
      async (feedPageSize, ops, later) => {
        const corridor = await startTestCorridor({ feedPageSize });
        try {
          const { deps } = corridor.local;
          await putTrust(deps, { id: 'north', name: 'North Schools Trust' });
          await putSchool(deps, { ...DEMO_SCHOOL, wallTrustId: 'north' });
          const posts: string[] = [];
          // No waiting between operations: fan-out jobs overlap and race, as they do in production.
          for (const o of ops) await apply(corridor, posts, o);
          await settle(corridor);

          const state = await readSiteState(deps);
          const expected = new Map(renderSite(state).map((a) => [a.key, a]));
          const actual = await readSiteArtifacts(deps);
          expect(actual.map((a) => a.key).sort()).toEqual([...expected.keys()].sort());
          for (const artifact of actual) expect(artifact, artifact.key).toEqual(expected.get(artifact.key));

          const hidden = state.posts
            .filter(({ post }) => !(post.state === 'published' && isPublic(post.audience)))
            .map(({ post }) => post.id);
          for (const artifact of actual.filter((a) => /^(s|w|p|embed)\//.test(a.key))) {
            expect(
              hidden.filter((id) => artifact.body.includes(id)),
              artifact.key,
            ).toEqual([]);
          }
          expectWalksMeetEveryPostOnce(state, actual);

          // Later publishes fill pages and open new ones, but never touch an archive document.
          const archives = actual.filter((a) => a.key.includes('/archive/'));
          for (const o of later) await apply(corridor, posts, o);
          await settle(corridor);
          const after = new Map((await readSiteArtifacts(deps)).map((a) => [a.key, a.body]));
          for (const archive of archives) expect(after.get(archive.key), archive.key).toBe(archive.body);
          const laterState = await readSiteState(deps);
          expectWalksMeetEveryPostOnce(laterState, await readSiteArtifacts(deps));
        } finally {
          await corridor.stop();
        }
      },
    ),
    { numRuns: 20 },
  );
}, 600_000);
