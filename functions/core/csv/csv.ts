import { DomainError } from '../errors';
/**
 * CSV as schools' management systems export it and spreadsheets open it (RFC 4180: commas, double
 * quotes doubled inside quoted fields, CRLF or LF line ends, a byte-order mark from Excel).
 */

/** A parsed record and the line of the file where it starts (quoted fields may span lines). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A file that is not CSV at all (an unclosed quote), with the line where it went wrong. */
export class CsvSyntaxError extends DomainError {
  override name = 'CsvSyntaxError';
  constructor(readonly line: number) {
    super('invalid_csv', 422, `line ${line}: a quoted field is never closed`);
  }
}

/** Parses CSV text into records; blank lines are skipped (they carry no pupil). */
export function parseCsv(text: string): CsvRecord[] {
  const source = text.replace(/^\uFEFF/, '');
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteOpenedOn = 0;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0]?.trim() !== '') records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < source.length; i++) {
    const char = source[i] as string;
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === '\n') line++;
        field += char;
      }
    } else if (char === '"' && field.trim() === '') {
      quoted = true;
      quoteOpenedOn = line;
      field = '';
    } else if (char === ',') {
      fields.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += char;
    }
  }
  if (quoted) throw new CsvSyntaxError(quoteOpenedOn);
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab/CR) as a formula: a caption or a name
 * exported from Corridor must never do that on an admin's computer (CSV injection). Such cells get a
 * leading apostrophe, which spreadsheets show as text.
 */
const neutralise = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** Formats rows (the first usually a header) as CSV with CRLF line ends. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  return rows
    .map((row) => row.map((cell) => quote(neutralise(cell))).join(','))
    .join('\r\n')
    .concat('\r\n');
}
