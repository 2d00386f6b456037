import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  approvalPartition,
  type PendingPartition,
  pendingKey,
  pendingPartitions,
  pendingPrefix,
  pendingReadKeys,
  pendingShards,
} from '../../../functions/aws/keys';

/**
 * The sharded pending partitions of the sparse index (docs/scale.md, *Hot partitions*): an item's key is
 * stable, the fleet's items spread over every shard, and a reader's list covers every key a writer uses —
 * and the unsharded key items written before sharding still wait under.
 */
const partitions = Object.keys(pendingPartitions) as PendingPartition[];
const sharded = partitions.filter((partition) => pendingShards[partition] > 1);

describe('pending-index keys', () => {
  it('shards the partitions written at the fleet rate, and leaves the once-a-year ones single', () => {
    expect(sharded.sort()).toEqual(['delivery', 'fanout', 'media', 'notify', 'scheduled', 'settle']);
    expect(pendingShards.yearChange).toBe(1);
    expect(pendingShards.leavers).toBe(1);
    expect(pendingKey('yearChange', 'school-a')).toBe('PENDING#YEAR');
    expect(pendingKey('leavers', 'family-a')).toBe('PENDING#LEAVERS');
  });

  it('gives the same item the same key, in every process and release (a pinned hash)', () => {
    const id = randomUUID();
    expect(pendingKey('media', id)).toBe(pendingKey('media', id));
    // FNV-1a of "a" is 0xe40c292c (≡ 4 mod 8), of "" its offset basis: pinned, so a change of hash is seen.
    expect(pendingKey('media', 'a')).toBe('PENDING#MEDIA#4');
    expect(pendingKey('fanout', 'a')).toBe('PENDING#FANOUT#4');
    expect(pendingKey('delivery', '')).toBe(`PENDING#DELIVERY#${0x811c9dc5 % 8}`);
  });

  it('spreads a few thousand ids over every shard, random and sequential alike', () => {
    for (const ids of [
      Array.from({ length: 4000 }, () => randomUUID()),
      Array.from({ length: 4000 }, (_, i) => `post-${i}`),
      Array.from({ length: 4000 }, (_, i) => `family-${String(i).padStart(6, '0')}#2026-06-10#digest`),
    ]) {
      const counts = new Map<string, number>();
      for (const id of ids) counts.set(pendingKey('delivery', id), (counts.get(pendingKey('delivery', id)) ?? 0) + 1);
      expect([...counts.keys()].sort()).toEqual(Array.from({ length: 8 }, (_, shard) => `PENDING#DELIVERY#${shard}`));
      // 500 each on average; a standard deviation of ~21 for random ids: 400–600 is far outside chance.
      for (const count of counts.values()) {
        expect(count).toBeGreaterThan(400);
        expect(count).toBeLessThan(600);
      }
    }
  });

  it("gives readers every writer's key and the unsharded legacy key, each once", () => {
    for (const partition of partitions) {
      const read = pendingReadKeys(partition);
      expect(new Set(read).size).toBe(read.length);
      expect(read).toContain(pendingPartitions[partition]);
      expect(read).toHaveLength(pendingShards[partition] === 1 ? 1 : pendingShards[partition] + 1);
      const written = new Set(Array.from({ length: 500 }, () => pendingKey(partition, randomUUID())));
      expect(written.size).toBe(pendingShards[partition]);
      expect([...written].filter((key) => !read.includes(key))).toEqual([]);
      for (const key of read) expect(key.startsWith(pendingPrefix)).toBe(true);
    }
  });

  it('builds the approval queue under the same prefix, one per school', () => {
    expect(approvalPartition('oak')).toBe('PENDING#APPROVAL#oak');
    expect(approvalPartition('oak').startsWith(pendingPrefix)).toBe(true);
  });
});
