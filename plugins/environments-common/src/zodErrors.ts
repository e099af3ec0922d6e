import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** Formats a path as `spec.resources[1].dependsOn`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${key}` : key;
  }
  return out;
}

/**
 * Type problems in short words (`Required`, `Expected object, received
 * null`) rather than zod 4's longer default; messages a schema sets itself
 * win over this.
 */
function plainTypeMessage(issue: {
  code?: string;
  expected?: string;
  input?: unknown;
}): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  const { input } = issue;
  if (input === undefined) return 'Required';
  let received: string = typeof input;
  if (input === null) received = 'null';
  else if (Array.isArray(input)) received = 'array';
  return `Expected ${issue.expected}, received ${received}`;
}

/**
 * The message to show for an issue. A bad record key comes wrapped in an
 * issue that only says "Invalid key in record"; the words are inside it.
 */
function innermostMessage(issue: {
  message: string;
  issues?: Array<{ message: string }>;
}): string {
  return issue.issues?.[0]?.message ?? issue.message;
}

/**
 * Parses `value` with `schema`, turning a failure into an `InputError` whose
 * message names the path of each problem (up to five).
 */
export function parseOrThrow<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  basePath: ReadonlyArray<string | number> = [],
): z.output<T> {
  const result = schema.safeParse(value, { error: plainTypeMessage });
  if (result.success) {
    return result.data;
  }
  const issues = result.error.issues;
  const shown = issues.slice(0, 5).map(issue => {
    const path = formatPath([
      ...basePath,
      ...(issue.path as Array<string | number>),
    ]);
    const message = innermostMessage(issue);
    return path ? `${path}: ${message}` : message;
  });
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  throw new InputError(`${shown.join('; ')}${more}`);
}
