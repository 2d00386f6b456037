import type { ZodError } from 'zod';

type Issue = ZodError['issues'][number];

/**
 * Zod's own words ("media.0.bytes: Too small: expected number to be >0") are for developers. Every
 * refusal of the API reaches a teacher through the composer or the CLI, so each issue is turned into a
 * sentence naming the thing in her terms ("File 1 is empty …"). Messages our schemas wrote themselves
 * (custom checks, regex explanations) are kept, after the thing they are about.
 */
export function plainIssues(error: ZodError): string[] {
  return error.issues.map((issue) => sentence(describe(issue)));
}

/** Nouns for the fields people fill in; anything else is its name split into words. */
const nouns: Record<string, string> = {
  alt: 'description',
  bytes: 'size',
  contentType: 'type',
  captions: 'captions file',
  idempotencyKey: 'idempotency key (a unique id the app chooses for each post)',
  publishAt: 'publishing time',
  email: 'email address',
  retentionDays: 'number of days posts are kept',
  requiresApproval: 'approval setting',
  consentConfirmed: 'consent confirmation',
  etag: 'part receipt (ETag)',
  accent: 'accent colour',
  welcome: 'welcome line',
};

const words = (name: string) => nouns[name] ?? name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/** "File 2", "File 2's description", "The caption", "The audience's item 3". */
function subject(path: readonly PropertyKey[]): { whole: string; file?: string } {
  if (path[0] === 'media' && typeof path[1] === 'number') {
    const file = `File ${path[1] + 1}`;
    const field = path[2];
    return { whole: typeof field === 'string' ? `${file}'s ${words(field)}` : file, file };
  }
  const names = path.filter((p): p is string => typeof p === 'string');
  const position = path.find((p): p is number => typeof p === 'number');
  if (names.length === 0) return { whole: 'The request' };
  const thing = `The ${names.map(words).join(' ')}`;
  return { whole: position === undefined ? thing : `${thing} (item ${position + 1})` };
}

const expectedWords: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a set of fields',
};

const isMissing = (issue: { code: string; message: string }) =>
  issue.code === 'invalid_type' && /received undefined/.test(issue.message);

function describe(issue: Issue): string {
  const { whole, file } = subject(issue.path);
  const last = issue.path.at(-1);
  switch (issue.code) {
    case 'invalid_type':
      return isMissing(issue) ? `${whole} is missing` : `${whole} should be ${expectedWords[issue.expected] ?? issue.expected}`;
    case 'too_small':
      if (file && last === 'bytes') return `${file} is empty — please choose the photo or recording again`;
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1 ? `${whole} is empty` : `${whole} is too short (at least ${issue.minimum} characters)`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${whole} needs at least ${issue.minimum}`;
      return `${whole} must be ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `${whole} is too long (at most ${issue.maximum} characters)`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${whole} has too many (at most ${issue.maximum})`;
      return `${whole} must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
    case 'invalid_value':
      return `${whole} must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      if (!/^Invalid/.test(issue.message)) return `${file ?? whole}: ${issue.message}`;
      if (issue.format === 'email') return `${whole} is not a valid email address`;
      if (issue.format === 'url') return `${whole} is not a web address`;
      if (issue.format === 'datetime') return `${whole} is not a date and time (like 2026-03-01T15:30:00Z)`;
      return `${whole} is not in the expected form`;
    case 'unrecognized_keys':
      return `${issue.keys.join(', ')} ${issue.keys.length === 1 ? 'is' : 'are'} not something Corridor understands here`;
    case 'invalid_union':
      // Every alternative missed only because nothing was sent: say it is missing.
      return issue.errors.length > 0 && issue.errors.every((branch) => branch.some(isMissing))
        ? `${whole} is missing`
        : `${whole} is not valid`;
    default:
      return `${file ?? whole}: ${issue.message}`;
  }
}

const sentence = (text: string) => {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};
