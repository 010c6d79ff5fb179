// Shape checks shared by every backend's scope and hold validation: each
// collects FieldProblems (JSON paths such as `$.holds[2].match.prefixes[0]`)
// instead of throwing, so that one ValidationError names every bad field.
import type { FieldProblem } from '@shredproof/verify';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `path.key`, or `path["key"]` when the key is not an identifier (so a dot in a name cannot read as nesting). */
export function propPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

export function unknownKeys(obj: Record<string, unknown>, allowed: ReadonlySet<string>, path: string, problems: FieldProblem[]): void {
  for (const key of Object.keys(obj)) if (!allowed.has(key)) problems.push({ path: propPath(path, key), problem: 'unknown key' });
}

/**
 * Walks the holds given to one target: each must be an object with a
 * non-empty `id` and an object `match`, whose backend-specific checks
 * `checkMatch` adds. `expected` says what `match` should look like, e.g.
 * "{ prefixes } for an s3 target".
 */
export function holdMatchProblems(
  holds: unknown,
  path: string,
  expected: string,
  checkMatch: (match: Record<string, unknown>, matchPath: string, problems: FieldProblem[]) => void,
): FieldProblem[] {
  if (!Array.isArray(holds)) return [{ path, problem: 'must be an array' }];
  const problems: FieldProblem[] = [];
  holds.forEach((hold: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!isPlainObject(hold)) return void problems.push({ path: at, problem: 'must be an object' });
    if (typeof hold.id !== 'string' || hold.id.length === 0) problems.push({ path: `${at}.id`, problem: 'must be a non-empty string' });
    const match = hold.match;
    if (!isPlainObject(match)) return void problems.push({ path: `${at}.match`, problem: `must be an object ${expected}` });
    checkMatch(match, `${at}.match`, problems);
  });
  return problems;
}
