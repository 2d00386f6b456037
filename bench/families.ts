import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { tableKeys } from '../functions/aws/keys';
import type { Deps } from '../functions/core/deps';
import { type Family, familySchema, type SchoolFamily } from '../functions/core/families/family';
import { addressIdOf } from '../functions/core/families/recipients';

/** Families and a push service for the benchmarks that deliver to parents (notify, cost). */

/** A push service stand-in that accepts every message (decrypting is what the tests do). */
export async function startReceiver() {
  let received = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received++;
      response.writeHead(201).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: () => received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function inBatches<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/**
 * Writes `count` families of one class straight into the table (record + school membership, 25 items a
 * request), shaped as joining makes them: seeding is not what is measured.
 */
export async function seedFamilies(
  deps: Deps,
  count: number,
  classId: string,
  make: (i: number) => { preferences: Partial<Family['preferences']>; push?: Family['push']; emails?: Family['emails'] },
  schoolId = 'demo',
): Promise<Family[]> {
  const families: Family[] = [];
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const shape = make(i);
    const emails = Object.fromEntries(
      await Promise.all(Object.values(shape.emails ?? {}).map(async (e) => [await addressIdOf(deps, e.address), e] as const)),
    );
    const family = familySchema.parse({
      id: randomBytes(12).toString('base64url'),
      classes: { [schoolId]: [classId] },
      preferences: shape.preferences,
      push: shape.push ?? {},
      emails,
      createdAt: new Date().toISOString(),
    });
    const membership: SchoolFamily = { id: family.id, schoolId, classIds: [classId], createdAt: family.createdAt };
    families.push(family);
    items.push({ ...tableKeys.familyRecord(family.id), type: 'family', ...family });
    items.push({ ...tableKeys.family(schoolId, family.id), type: 'school-family', ...membership });
  }
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await inBatches(batches, 4, async (batch) => {
    let requests = batch.map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const { UnprocessedItems } = await deps.clients.dynamo.send(
        new BatchWriteCommand({ RequestItems: { [deps.config.tableName]: requests } }),
      );
      requests = (UnprocessedItems?.[deps.config.tableName] ?? []) as typeof requests;
    }
  });
  return families;
}
