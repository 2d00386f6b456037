import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locales } from '../functions/core/i18n/locales';
import { createPost } from '../functions/core/posts/create';
import { getSchool, putSchool } from '../functions/core/schools/school';
import { correctTranslation, plannedLanguages, postTranslations } from '../functions/core/translate/corrections';
import type { Translator } from '../functions/core/translator';
import { startLocal } from '../functions/local/runtime';
import { seedDemo } from '../functions/local/seed';
import { seedFamilies } from './families';
import { medianMs, ms, printTable } from './measure';

const FAMILIES = Number(process.env.BENCH_TRANSLATION_FAMILIES ?? 2_000);

/**
 * What staff wait for when they look at translations, on the embedded default (dynalite): a school of
 * 2,000 families (`BENCH_TRANSLATION_FAMILIES`) spread over the twelve languages, all in Year 1.
 * 1. the new-post form's "Translated into …" line (GET /api/translations/languages), asked on every
 *    change of audience: one query of the school's families partition and batch reads of the families;
 * 2. a post's translations (GET /api/posts/:id/translations): the same, plus one read per language;
 * 3. saving a correction (PUT …/:language): two reads of the post, one write, one audit entry.
 * The translator here counts calls and fails if asked: a correction must never ask it.
 */
export default async function translationsBench(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'corridor-bench-translations-'));
  let asked = 0;
  const translator: Translator = {
    name: 'counting',
    translate: async () => {
      asked++;
      throw new Error('the bench does not translate');
    },
  };
  const local = await startLocal({ dataDir, port: 0, digestEveryMs: 0, translator });
  try {
    await seedDemo(local.deps, dataDir);
    const { deps } = local;
    const admin = { schoolId: 'demo', role: 'admin' as const, label: 'bench', tokenId: 'bench' };
    const school = await getSchool(deps, 'demo');
    if (!school) throw new Error('no demo school');
    await putSchool(deps, { ...school, translateCaptions: true });
    await seedFamilies(deps, FAMILIES, 'year-1', (i) => ({
      preferences: { push: 'off', email: 'off', language: locales[i % locales.length] },
    }));
    // Published before it is measured; its families hear nothing (every channel off).
    const { post } = await createPost(deps, admin, {
      idempotencyKey: randomBytes(12).toString('base64url'),
      audience: 'class:year-1',
      caption: 'Harvest festival on Friday. Please bring a tin for the food bank.',
    });
    await local.idle();
    const plan = await medianMs(5, () => plannedLanguages(deps, admin, ['class:year-1']));
    const view = await medianMs(5, () => postTranslations(deps, admin, post.id));
    const { source, languages } = await postTranslations(deps, admin, post.id);
    let n = 0;
    const correction = await medianMs(5, () =>
      correctTranslation(deps, admin, post.id, 'pl', {
        sourceHash: source.sourceHash,
        caption: `Dożynki w piątek (${n++})`,
        alts: [],
      }),
    );
    printTable(`Translations as staff see them: ${FAMILIES} families, ${languages.length} languages (dynalite, median of 5)`, [
      ['languages for a new post (per audience change)', ms(plan)],
      ['a post’s translations', ms(view)],
      ['saving a correction', ms(correction)],
      ['translator calls', String(asked)],
    ]);
  } finally {
    await local.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
