import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRoster } from '../../../functions/core/consent/import';
import { CsvSyntaxError, formatCsv, parseCsv } from '../../../functions/core/csv/csv';
import { type School, schoolSchema } from '../../../functions/core/schools/school';

const school: School = schoolSchema.parse({
  id: 'demo',
  name: 'Demo Primary',
  classes: [
    { id: 'year-1', name: 'Year 1' },
    { id: 'year-2', name: 'Year 2' },
    { id: '3b', name: '3B' },
  ],
});

describe('CSV', () => {
  it('reads quotes, doubled quotes, CRLF, a BOM, and reports the line each record starts on', () => {
    const text = '\uFEFFa,b\r\n"x, y","say ""hi"""\r\n\r\n"two\nlines",z\nlast,row';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 4, fields: ['two\nlines', 'z'] },
      { line: 6, fields: ['last', 'row'] },
    ]);
  });

  it('names the line of a quote that never closes', () => {
    expect(() => parseCsv('a,b\nc,"d\ne,f\n')).toThrow(new CsvSyntaxError(2));
  });

  it('writes what it reads back unchanged (any text), with formula cells made inert', () => {
    const cell = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !/^[=+\-@\t\r]/.test(s));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const width = rows[0]?.length ?? 0;
        const table = rows.map((r) => [...r.slice(0, width), ...Array(Math.max(0, width - r.length)).fill('x')]);
        const nonBlank = table.filter((r) => r.length > 1 || r[0] !== '');
        expect(parseCsv(formatCsv(table)).map((r) => r.fields)).toEqual(nonBlank);
      }),
    );
    expect(formatCsv([['=HYPERLINK("http://evil")', '+1', '-2', '@SUM(A1)', 'plain']])).toBe(
      `"'=HYPERLINK(""http://evil"")",'+1,'-2,'@SUM(A1),plain\r\n`,
    );
  });
});

describe('roster import', () => {
  it('reads a management-system export (its own column names and consent words)', () => {
    const csv = [
      'Legal Surname,Legal Forename,Reg Group,Photo Consent,Adno',
      'Brown,Ava,Year 2,School only,1001',
      'Lee,Sam,year-2,No,1002',
      'Okafor,Tobi,3B,Yes,1003',
      '"O\'Neil, Jr",Finn,Year 1,Website and social media,1004',
    ].join('\r\n');
    const { pupils, problems } = parseRoster(csv, school);
    expect(problems).toEqual([]);
    expect(pupils.map((p) => [p.firstName, p.lastName, p.classId, p.consent, p.pupilId])).toEqual([
      ['Ava', 'Brown', 'year-2', 'school', '1001'],
      ['Sam', 'Lee', 'year-2', 'none', '1002'],
      ['Tobi', 'Okafor', '3b', 'public', '1003'],
      ['Finn', "O'Neil, Jr", 'year-1', 'public', '1004'],
    ]);
  });

  it('reports every bad row with its line number and reason, and imports nothing', () => {
    const csv = [
      'First name,Last name,Class,Consent',
      'Ava,Brown,Year 2,school only',
      ',Nameless,Year 2,public', // line 3
      'Sam,Lee,4Z,public', // line 4
      'Kim,Park,Year 1,maybe', // line 5
      '', // blank lines are skipped but still counted
      'Jo,March,Year 1,', // line 7
      'Ava,Brown,Year 2,public', // line 8: a duplicate of line 2
      'Too,Many,Year 1,public,extra', // line 9
    ].join('\n');
    const result = parseRoster(csv, school);
    expect(result.pupils).toEqual([]);
    expect(result.problems).toEqual([
      'line 3: the first name is empty',
      'line 4: class “4Z” is not a class of this school (its classes: Year 1, Year 2, 3B)',
      'line 5: photo consent “maybe” is not one of: none, school only, public',
      'line 7: the photo consent is empty (write none, school only or public)',
      'line 8: Ava Brown is already listed in that class on line 2',
      'line 9: has 5 fields where the header has 4',
    ]);
  });

  it('names the missing columns, and an unclosed quote', () => {
    expect(parseRoster('Name,Class\nAva Brown,Year 2', school).problems).toEqual([
      'line 1: no column for the first name (“First name” or “Forename”)',
      'line 1: no column for the last name (“Last name” or “Surname”)',
      'line 1: no column for the photo consent (“Consent” or “Photo consent”)',
    ]);
    expect(parseRoster('First name,Last name,Class,Consent\n"Ava,Brown,Year 2,none\n', school).problems).toEqual([
      'line 2: a quoted field is never closed',
    ]);
    expect(parseRoster('First name,Last name,Class,Consent\n', school).problems).toEqual([
      'line 2: there are no pupils after the header',
    ]);
  });
});
