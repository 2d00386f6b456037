import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite } from '../../aws/dynamo';
import { parsePostTranslationSk, tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';

/**
 * Translations' storage: one item per (post, language) in the post's partition (`TRANSLATION#<locale>`),
 * a remembered failure per (post, language) beside it, and each school's characters sent per month.
 * Reads return stored items: post-translations.ts parses them.
 */
type Item = Record<string, unknown>;

/** What a stored translation holds, whoever made it. */
export interface TranslationValue {
  sourceHash: string;
  caption: string;
  alts: string[];
  /** The service that made it, or `school`. */
  translator: string;
  translatedAt: string;
  /** Set for a staff correction: who. */
  correctedBy?: string;
}

/**
 * Stores a post's translation into `locale`: the one writer of translation items, for the machine and for
 * staff corrections alike. A machine translation (`overSameTexts: false`) goes only over nothing or over
 * a translation of older texts — never over one of the same texts, so a school's correction of them
 * stays (losing that race is no error); a correction replaces whatever is there.
 */
export async function putTranslation(
  deps: Deps,
  postId: string,
  locale: string,
  value: TranslationValue,
  overSameTexts: boolean,
): Promise<void> {
  // Only a machine translation has a condition to be refused: losing that race leaves the correction.
  await conditionalWrite(
    deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: { ...tableKeys.postTranslation(postId, locale), type: 'post-translation', locale, ...value },
        ...(overSameTexts
          ? {}
          : {
              ConditionExpression: 'attribute_not_exists(pk) OR sourceHash <> :hash',
              ExpressionAttributeValues: { ':hash': value.sourceHash },
            }),
      }),
    ),
  );
}

export async function getTranslationItem(deps: Deps, postId: string, locale: string): Promise<Item | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: tableKeys.postTranslation(postId, locale), ConsistentRead: true }),
  );
  return Item;
}

/** Every stored translation of a post, with the language code its key names (one query of the post's partition). */
export async function listTranslationItems(deps: Deps, postId: string): Promise<{ locale: string; item: Item }[]> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': tableKeys.postPartition(postId), ':prefix': tableKeys.postTranslationPrefix },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => ({ locale: parsePostTranslationSk(String(item.sk)), item }));
}

export async function deleteTranslation(deps: Deps, postId: string, locale: string): Promise<void> {
  await deps.clients.dynamo.send(
    new DeleteCommand({ TableName: deps.config.tableName, Key: tableKeys.postTranslation(postId, locale) }),
  );
}

/** Deletes every translation of a post and any remembered failure; returns how many translations there were. */
export async function deleteTranslationsOf(deps: Deps, postId: string): Promise<number> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': tableKeys.postPartition(postId), ':prefix': tableKeys.postTranslationAnyPrefix },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    }),
  );
  for (const { pk, sk } of Items)
    await deps.clients.dynamo.send(new DeleteCommand({ TableName: deps.config.tableName, Key: { pk, sk } }));
  return Items.filter((item) => String(item.sk).startsWith(tableKeys.postTranslationPrefix)).length;
}

export async function getFailureItem(deps: Deps, postId: string, locale: string): Promise<Item | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({
      TableName: deps.config.tableName,
      Key: tableKeys.postTranslationFailure(postId, locale),
      ConsistentRead: true,
    }),
  );
  return Item;
}

/** Remembers a failure to translate these texts until `retryAfter` (the table's TTL sweeps it a day later). */
export async function putFailure(
  deps: Deps,
  postId: string,
  locale: string,
  sourceHash: string,
  retryAfter: Date,
): Promise<void> {
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: {
        ...tableKeys.postTranslationFailure(postId, locale),
        type: 'post-translation-failure',
        sourceHash,
        retryAfter: retryAfter.toISOString(),
        expiresAt: Math.floor(retryAfter.getTime() / 1000) + 86_400,
      },
    }),
  );
}

/**
 * Counts `chars` against a school's budget for `month`; false, and nothing counted, when they would take
 * it over `budget`. One conditional update: concurrent senders cannot overspend together.
 */
export async function spendChars(deps: Deps, schoolId: string, month: string, chars: number, budget: number): Promise<boolean> {
  return conditionalWrite(
    deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.translationSpend(schoolId, month),
        UpdateExpression: 'ADD chars :chars SET #type = :type',
        ConditionExpression: 'attribute_not_exists(chars) OR chars <= :room',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':chars': chars, ':room': budget - chars, ':type': 'translation-spend' },
      }),
    ),
  );
}

/** Characters a school sent to the translator in `month`. */
export async function charsSpent(deps: Deps, schoolId: string, month: string): Promise<number> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: tableKeys.translationSpend(schoolId, month), ConsistentRead: true }),
  );
  return Number(Item?.chars ?? 0);
}
