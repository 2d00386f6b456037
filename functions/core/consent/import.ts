import { createHash } from 'node:crypto';
import { type Actor, recordAudit } from '../audit/audit';
import { CsvSyntaxError, parseCsv } from '../csv/csv';
import type { Deps } from '../deps';
import { DomainError } from '../errors';
import { type School, updateSchoolFields } from '../schools/school';
import { type ConsentLevel, consentLevelNames, listRoster, type Pupil, pupilName, replaceRoster } from './roster';

/**
 * Column names as management systems export them (SIMS, Arbor, Bromcom and hand-made sheets), compared
 * lower-case with spaces, dots and underscores removed. A national pupil number (UPN) is never read.
 */
const columns = {
  classId: ['class', 'classname', 'reggroup', 'registrationgroup', 'form', 'tutorgroup', 'group'],
  firstName: ['firstname', 'forename', 'legalforename', 'preferredforename', 'givenname', 'first'],
  lastName: ['lastname', 'surname', 'legalsurname', 'preferredsurname', 'familyname', 'last'],
  consent: ['consent', 'photoconsent', 'photographconsent', 'photopermission', 'photographs', 'mediaconsent', 'photos'],
  pupilId: ['id', 'pupilid', 'admissionno', 'admissionnumber', 'adno', 'misid'],
} as const;
type Column = keyof typeof columns;
const required: Column[] = ['classId', 'firstName', 'lastName', 'consent'];
const columnLabels: Record<Column, string> = {
  classId: 'class (“Class” or “Reg Group”)',
  firstName: 'first name (“First name” or “Forename”)',
  lastName: 'last name (“Last name” or “Surname”)',
  consent: 'photo consent (“Consent” or “Photo consent”)',
  pupilId: 'pupil id',
};

/** The words schools use for each level. Anything else is reported, never guessed. */
const consentWords: Record<ConsentLevel, string[]> = {
  none: ['none', 'no', 'n', 'refused', 'not given', 'no consent', 'withheld', 'declined', 'do not photograph', 'no photos'],
  school: ['school', 'school only', 'internal', 'internal only', 'in school', 'in school only', 'school use only'],
  public: ['public', 'yes', 'y', 'all', 'granted', 'given', 'full', 'website', 'website and social media'],
};
const consentByWord = new Map(
  (Object.entries(consentWords) as [ConsentLevel, string[]][]).flatMap(([level, words]) => words.map((w) => [w, level])),
);

const normaliseHeader = (name: string) => name.toLowerCase().replace(/[\s._-]+/g, '');
const slug = (text: string) =>
  text
    .toLowerCase()
    .trim()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export type RosterParse = { pupils: Pupil[]; problems: [] } | { pupils: []; problems: string[] };

/**
 * Reads a roster CSV against the school's classes. Every bad row is reported with its line number and
 * the reason; a file with any bad row imports nothing (a pupil silently left out would be a pupil whose
 * consent nobody checks).
 */
export function parseRoster(text: string, school: School): RosterParse {
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return { pupils: [], problems: [error.message] };
    throw error;
  }
  const [header, ...rows] = records;
  if (!header) return { pupils: [], problems: ['line 1: the file is empty'] };
  const names = header.fields.map(normaliseHeader);
  const index = Object.fromEntries(
    (Object.keys(columns) as Column[]).map((column) => [
      column,
      names.findIndex((n) => (columns[column] as readonly string[]).includes(n)),
    ]),
  ) as Record<Column, number>;
  const missing = required.filter((column) => index[column] < 0);
  if (missing.length > 0) {
    return {
      pupils: [],
      problems: missing.map((c) => `line ${header.line}: no column for the ${columnLabels[c]}`),
    };
  }
  const classOf = new Map<string, string>();
  for (const k of school.classes) {
    for (const name of [k.id, k.name, slug(k.name)]) classOf.set(name.toLowerCase(), k.id);
  }
  const classList = school.classes.map((k) => k.name).join(', ') || 'none yet';

  const pupils: Pupil[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const { line, fields } of rows) {
    const cell = (column: Column) => (index[column] >= 0 ? (fields[index[column]] ?? '').trim() : '');
    const rowProblems: string[] = [];
    if (fields.length !== header.fields.length) {
      rowProblems.push(`has ${fields.length} fields where the header has ${header.fields.length}`);
    }
    const classText = cell('classId');
    const classId = classOf.get(classText.toLowerCase()) ?? classOf.get(slug(classText));
    if (!classText) rowProblems.push('the class is empty');
    else if (!classId) rowProblems.push(`class “${classText}” is not a class of this school (its classes: ${classList})`);
    const firstName = cell('firstName');
    const lastName = cell('lastName');
    if (!firstName) rowProblems.push('the first name is empty');
    if (firstName.length > 80 || lastName.length > 80) rowProblems.push('a name is longer than 80 characters');
    const consentText = cell('consent');
    const consent = consentByWord.get(consentText.toLowerCase().replace(/\s+/g, ' '));
    if (!consentText) rowProblems.push('the photo consent is empty (write none, school only or public)');
    else if (!consent) rowProblems.push(`photo consent “${consentText}” is not one of: none, school only, public`);
    if (rowProblems.length > 0 || !classId || !consent) {
      problems.push(`line ${line}: ${rowProblems.join('; ')}`);
      continue;
    }
    const pupilId =
      cell('pupilId') ||
      createHash('sha256')
        .update(`${classId}\u0000${firstName.toLowerCase()}\u0000${lastName.toLowerCase()}`)
        .digest('hex')
        .slice(0, 16);
    const identity = `${classId}#${pupilId}`;
    const earlier = seen.get(identity);
    if (earlier) {
      problems.push(`line ${line}: ${pupilName({ firstName, lastName })} is already listed in that class on line ${earlier}`);
      continue;
    }
    seen.set(identity, line);
    pupils.push({ schoolId: school.id, pupilId, classId, firstName, lastName, consent });
  }
  if (rows.length === 0) problems.push(`line ${header.line + 1}: there are no pupils after the header`);
  return problems.length > 0 ? { pupils: [], problems } : { pupils, problems: [] };
}

/** A roster that could not be imported; `problems` say line by line what to fix. */
export class RosterRejected extends DomainError {
  override name = 'RosterRejected';
  constructor(readonly problems: string[]) {
    super(
      'invalid_roster',
      422,
      `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} in the file; nothing was imported. Fix ${problems.length === 1 ? 'it' : 'them'} and import the whole file again.`,
      { details: problems },
    );
  }
}

/** What importing a roster would change, in sentences an admin reads before deciding to import. */
export interface RosterPreview {
  pupils: number;
  byConsent: Record<string, number>;
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: number;
}

/**
 * Reads a roster CSV and compares it with the school's current roster, writing nothing: who would be
 * added, who would go, and whose class or consent would change. Bad rows are refused as by the import.
 */
export async function previewRoster(deps: Deps, school: School, text: string): Promise<RosterPreview> {
  const parsed = parseRoster(text, school);
  if (parsed.problems.length > 0) throw new RosterRejected(parsed.problems);
  const className = (id: string) => school.classes.find((k) => k.id === id)?.name ?? id;
  const describe = (p: Pupil) => `${pupilName(p)} (${className(p.classId)}, ${consentLevelNames[p.consent]})`;
  const current = await listRoster(deps, school.id);
  // A pupil is the same pupil across classes by their id (a management system's, or one made from the name).
  const before = new Map(current.map((p) => [p.pupilId, p]));
  const after = new Set(parsed.pupils.map((p) => p.pupilId));
  const preview: RosterPreview = {
    pupils: parsed.pupils.length,
    byConsent: countByConsent(parsed.pupils),
    added: [],
    removed: current.filter((p) => !after.has(p.pupilId)).map(describe),
    changed: [],
    unchanged: 0,
  };
  for (const pupil of parsed.pupils) {
    const was = before.get(pupil.pupilId);
    if (!was) preview.added.push(describe(pupil));
    else if (was.classId !== pupil.classId || was.consent !== pupil.consent)
      preview.changed.push(
        `${pupilName(pupil)}: ${className(was.classId)}, ${consentLevelNames[was.consent]} → ${className(pupil.classId)}, ${consentLevelNames[pupil.consent]}`,
      );
    else preview.unchanged++;
  }
  return preview;
}

const countByConsent = (pupils: Pupil[]) =>
  Object.fromEntries(
    (Object.keys(consentLevelNames) as ConsentLevel[]).map((level) => [
      consentLevelNames[level],
      pupils.filter((p) => p.consent === level).length,
    ]),
  );

/** Imports a roster CSV, replacing the school's roster; audited. */
export async function importRoster(deps: Deps, actor: Actor, school: School, text: string) {
  const parsed = parseRoster(text, school);
  if (parsed.problems.length > 0) throw new RosterRejected(parsed.problems);
  await replaceRoster(deps, school.id, parsed.pupils);
  // This year's roster is in: no longer out of date after a change of school year.
  if (school.rosterOutOfDate) await updateSchoolFields(deps, school.id, { rosterOutOfDate: false });
  const byLevel = countByConsent(parsed.pupils);
  await recordAudit(deps, school.id, actor, 'roster_imported', 'roster', { pupils: parsed.pupils.length, ...byLevel });
  return { imported: parsed.pupils.length, byConsent: byLevel };
}
