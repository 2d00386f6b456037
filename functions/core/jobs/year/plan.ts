import { createHash } from 'node:crypto';
import * as z from 'zod';
import { DomainError, type DomainErrorOptions } from '../../errors';
import type { SchoolFamily } from '../../families/family';
import { classCalled, classSchema, newClass, type School, type SchoolClass, type YearSummary } from '../../schools/school';

/** Where a class's families go when its children have finished their last year at the school. */
export const LEAVERS = 'leavers';

export const DEFAULT_GRACE_DAYS = 30;

/**
 * A change of school year as an admin asks for it: each old class's families move to a class (an
 * existing one, or one of `newClasses` by the id its name gives, e.g. "reception"), or leave. Classes not
 * named keep their families. Leavers' families are removed `graceDays` after the change.
 */
export const yearPlanSchema = z
  .object({
    moves: z.array(z.object({ from: z.string().min(1), to: z.string().min(1) }).strict()).max(60),
    newClasses: z
      .array(z.object({ name: classSchema.shape.name }).strict())
      .max(30)
      .default([]),
    graceDays: z.number().int().min(7).max(90).default(DEFAULT_GRACE_DAYS),
  })
  .strict();
export type YearPlanInput = z.input<typeof yearPlanSchema>;

/** A change of school year the admin can correct, with the words to show them. */
export class YearChangeRefused extends DomainError {
  override name = 'YearChangeRefused';
  constructor(message: string, options?: DomainErrorOptions) {
    super('invalid_year_change', 422, message, options);
  }
}

export interface YearPlan {
  /** Old class id → new class id or {@link LEAVERS}. */
  moves: Record<string, string>;
  /** The school's classes afterwards: the new ones added, every join link rotated. */
  classesAfter: SchoolClass[];
  summary: YearSummary;
  /** Identifies the request: the same request again resumes or returns the same change. */
  hash: string;
}

/** A family's classes at the school after the change (leavers' classes dropped, no class twice). */
export const movedClasses = (classIds: string[], moves: Record<string, string>): string[] => [
  ...new Set(classIds.map((id) => moves[id] ?? id).filter((id) => id !== LEAVERS)),
];

/** A family leaves the school when it followed classes there and every one of them leaves. */
export const isLeaving = (classIds: string[], moves: Record<string, string>): boolean =>
  classIds.length > 0 && movedClasses(classIds, moves).length === 0;

const DAY_MS = 86_400_000;

/**
 * Works out exactly what a change of school year will do — pure, so the preview and the change itself say
 * the same thing. Refuses, in words, a plan that names a class the school does not have, moves a class
 * twice or into itself, or moves families into an archived class.
 */
export function planYear(school: School, families: SchoolFamily[], raw: YearPlanInput, now: Date): YearPlan {
  const plan = yearPlanSchema.parse(raw);
  if (plan.moves.length === 0 && plan.newClasses.length === 0)
    throw new YearChangeRefused('Say where each class’s families go (for example Reception → Year 1, Year 6 → leavers).');
  const nameOf = new Map(school.classes.map((k) => [k.id, k.name]));
  const added: SchoolClass[] = [];
  for (const { name } of plan.newClasses) {
    const same = classCalled([...school.classes, ...added], name);
    if (same) throw new YearChangeRefused(`There is already a class called "${same.name}"; it cannot be added again.`);
    added.push(newClass([...school.classes, ...added], name.trim()));
  }
  for (const k of added) nameOf.set(k.id, k.name);
  const moves: Record<string, string> = {};
  for (const { from, to } of plan.moves) {
    const source = school.classes.find((k) => k.id === from);
    if (!source) throw new YearChangeRefused(`There is no class "${from}" in your school.`);
    if (from in moves) throw new YearChangeRefused(`${source.name} is moved twice; say once where its families go.`);
    if (to === from)
      throw new YearChangeRefused(`${source.name} moves to itself; leave it out to keep its families where they are.`);
    const target = [...school.classes, ...added].find((k) => k.id === to);
    if (to !== LEAVERS && !target)
      throw new YearChangeRefused(
        `${source.name} moves to "${to}", which is neither a class of your school, a new class nor "leavers".`,
      );
    if (target?.archived) throw new YearChangeRefused(`${target.name} is archived; it cannot take ${source.name}’s families.`);
    moves[from] = to;
  }
  const classesAfter = [
    ...school.classes.map((k) => ({ ...k, joinGeneration: k.joinGeneration + 1 })),
    ...added.map((k) => ({ ...k, joinGeneration: 0 })),
  ];
  const removedAfter = new Date(now.getTime() + plan.graceDays * DAY_MS);
  const summary = describe(school, families, plan.graceDays, { moves, added, nameOf, removedAfter });
  return { moves, classesAfter, summary, hash: planHash(plan) };
}

/** Identifies a request (the order of its moves does not matter), to recognise it when it comes again. */
export function planHash(raw: YearPlanInput): string {
  const plan = yearPlanSchema.parse(raw);
  const moves = plan.moves.map((m) => `${m.from}>${m.to}`).sort();
  const added = plan.newClasses.map((k) => k.name.trim().toLowerCase());
  return createHash('sha256')
    .update(JSON.stringify([moves, added, plan.graceDays]))
    .digest('base64url');
}

function describe(
  school: School,
  families: SchoolFamily[],
  graceDays: number,
  {
    moves,
    added,
    nameOf,
    removedAfter,
  }: { moves: Record<string, string>; added: SchoolClass[]; nameOf: Map<string, string>; removedAfter: Date },
): YearSummary {
  const inClass = (id: string) => families.filter((f) => f.classIds.includes(id)).length;
  const count = (n: number) => `${n} ${n === 1 ? 'family' : 'families'}`;
  const date = new Intl.DateTimeFormat('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: school.timezone,
  }).format(removedAfter);
  const changes: YearSummary['changes'] = added.map((k) => ({
    kind: 'class_added',
    text: `A new class, ${k.name}, is added. It has no families yet: share its join link.`,
  }));
  for (const [from, to] of Object.entries(moves)) {
    const n = inClass(from);
    if (to !== LEAVERS) {
      changes.push({
        kind: 'families_move',
        text: `${nameOf.get(from)} → ${nameOf.get(to)}: ${count(n)} move with their class.`,
      });
      continue;
    }
    const leaving = families.filter((f) => f.classIds.includes(from) && isLeaving(f.classIds, moves)).length;
    const staying = n - leaving;
    changes.push({
      kind: 'families_leave',
      text: `${nameOf.get(from)} leaves the school: ${count(leaving)} ${leaving === 1 ? 'is' : 'are'} told today and removed on ${date} (after ${graceDays} days).${
        staying > 0 ? ` ${count(staying)} with a child in another class ${staying === 1 ? 'stays' : 'stay'}.` : ''
      }`,
    });
  }
  for (const k of school.classes.filter((k) => !(k.id in moves) && !k.archived)) {
    changes.push({ kind: 'families_stay', text: `${k.name} keeps its ${count(inClass(k.id))}.` });
  }
  changes.push(
    {
      kind: 'join_links',
      text: 'Every class gets a new join link: last year’s links and QR codes stop working. Print the new posters.',
    },
    { kind: 'roster', text: 'The photo consent roster is marked out of date until you import this year’s.' },
  );
  const moving = families.filter((f) => {
    const after = movedClasses(f.classIds, moves);
    return after.length > 0 && after.join() !== f.classIds.join();
  }).length;
  const leaving = families.filter((f) => isLeaving(f.classIds, moves)).length;
  return { changes, families: { moving, leaving }, leaversRemovedAfter: removedAfter.toISOString() };
}
