import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableKeys } from '../../functions/aws/keys';
import { META_SK } from '../../functions/core/channels/channel-index-store';
import { channel } from '../../functions/core/channels/channels';
import { renderSite } from '../../functions/core/channels/rebuild';
import { getSchool } from '../../functions/core/schools/school';
import { settle, startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { readSiteArtifacts, readSiteState } from '../helpers/site-state';

/**
 * When archive documents and the current document are written (functions/core/channels/render-channel.ts):
 * an archive page when it fills — not at every publish — even when the number that opened the next page
 * was taken by an attempt that died before writing its post; and a retract on an older archive page
 * rewrites that page, not the current document, which does not show it. After each step the site is
 * what a from-scratch render of the table makes (channels/rebuild.ts), byte for byte.
 */
const PAGE_SIZE = 2;
let corridor: TestCorridor;
/** The keys of the PutObject calls since the last `take()`. */
const written: string[] = [];
const take = () => written.splice(0);

beforeAll(async () => {
  corridor = await startTestCorridor({ feedPageSize: PAGE_SIZE });
  // The real S3 client's own middleware stack: every write of the site, whoever makes it.
  corridor.local.deps.clients.s3.middlewareStack.add(
    (next, context) => (args) => {
      const input = args.input as { Key?: string };
      if (context.commandName === 'PutObjectCommand' && input.Key) written.push(input.Key);
      return next(args);
    },
    { step: 'initialize', name: 'testRecordsPutObject' },
  );
}, 60_000);

afterAll(() => corridor?.stop());

async function expectSiteIsRebuild() {
  const { deps } = corridor.local;
  const expected = new Map(renderSite(await readSiteState(deps)).map((a) => [a.key, a]));
  const actual = await readSiteArtifacts(deps);
  expect(actual.map((a) => a.key).sort()).toEqual([...expected.keys()].sort());
  for (const artifact of actual) expect(artifact, artifact.key).toEqual(expected.get(artifact.key));
}

const publish = async (caption: string) => {
  const post = await corridor.post({ audience: 'public', caption });
  await settle(corridor);
  return post;
};

describe('archive pages', () => {
  const ids: string[] = [];

  it('writes a page that filled even when the number that opened the next page was never used', async () => {
    ids.push((await publish('Week 1')).id, (await publish('Week 2')).id); // page 0: numbers 0 and 1
    // An attempt took number 2 — the first of page 1 — in every channel of the post, and died before
    // writing its entry. Page 0 is full, yet no entry will ever say it opened page 1.
    const school = await getSchool(corridor.local.deps, 'demo');
    if (!school) throw new Error('no demo school');
    for (const target of [
      channel.public('demo'),
      channel.families('demo'),
      ...school.classes.map((k) => channel.class('demo', k.id)),
    ]) {
      await corridor.local.deps.clients.dynamo.send(
        new UpdateCommand({
          TableName: corridor.local.deps.config.tableName,
          Key: { pk: tableKeys.feedPartition(target.id), sk: META_SK },
          UpdateExpression: 'ADD #count :one',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    }
    take();
    ids.push((await publish('Week 3')).id); // number 3: page 1
    expect(take().filter((key) => key.startsWith('s/demo/archive/0/'))).toHaveLength(14); // JSON, RSS, 12 pages
    const archive = await (await corridor.fetch('/s/demo/archive/0/feed.json')).json();
    expect((archive as { items: unknown[] }).items).toHaveLength(2);
    await expectSiteIsRebuild();
  });

  it('does not write a full page again when a publish fills none', async () => {
    take();
    ids.push((await publish('Week 4')).id); // number 4: page 2 opens, page 1 (numbers 2, 3) is full
    expect(take().filter((key) => key.startsWith('s/demo/archive/'))).toEqual(
      expect.arrayContaining(['s/demo/archive/1/feed.json']),
    );
    ids.push((await publish('Week 5')).id); // number 5: page 2 fills, nothing new is full
    expect(take().filter((key) => key.includes('/archive/'))).toEqual([]);
    await expectSiteIsRebuild();
  });

  it('rewrites the archive page of a retracted older post, and leaves the current document alone', async () => {
    const oldest = ids[0] ?? '';
    take();
    const retracted = await corridor.api('DELETE', `/api/posts/${oldest}`);
    expect(retracted.status).toBeLessThan(300);
    await settle(corridor);
    const keys = take();
    expect(keys).toEqual(expect.arrayContaining(['s/demo/archive/0/feed.json', 's/demo/archive/0/index.html']));
    // The school page shows pages 1 and 2 (the newest two): the retracted post was never on them.
    expect(keys.filter((key) => /^s\/demo\/((\w|-)+\/)?(index\.html|feed\.json|rss\.xml)$/.test(key))).toEqual([]);
    expect(await (await corridor.fetch('/s/demo/archive/0/feed.json')).text()).not.toContain(oldest);
    await expectSiteIsRebuild();
  });
});
