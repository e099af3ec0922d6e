import { isMap, parseDocument } from 'yaml';

/** A parameter a CloudFormation template declares, as the driver needs it. */
export interface DeclaredParameter {
  /** Whether the template already hides its value (`NoEcho: true`). */
  noEcho: boolean;
}

type Json = Record<string, unknown>;

const isJsonBody = (body: string) => body.trimStart().startsWith('{');

const isTrue = (value: unknown) =>
  value === true || String(value).toLowerCase() === 'true';

/** A JSON or YAML template body as an object, or `undefined` if unreadable. */
function readTemplate(body: string): Json | undefined {
  let template: unknown;
  try {
    if (isJsonBody(body)) {
      template = JSON.parse(body);
    } else {
      const doc = parseDocument(body);
      if (doc.errors.length) return undefined;
      template = doc.toJS();
    }
  } catch {
    return undefined;
  }
  return template && typeof template === 'object'
    ? (template as Json)
    : undefined;
}

/** `DeletionPolicy` values under which CloudFormation keeps a resource's data. */
const KEEPING_POLICIES = ['Retain', 'RetainExceptOnCreate', 'Snapshot'];

/**
 * Logical ids of the resources `body` tells CloudFormation to keep (or
 * snapshot) when the stack is deleted: their data must not be removed.
 * `undefined` when the body cannot be read.
 */
export function keptOnDelete(body: string): Set<string> | undefined {
  const template = readTemplate(body);
  if (!template) return undefined;
  const resources = (template.Resources ?? {}) as Record<string, Json>;
  return new Set(
    Object.entries(resources)
      .filter(([, r]) => KEEPING_POLICIES.includes(String(r?.DeletionPolicy)))
      .map(([id]) => id),
  );
}

/**
 * The parameters `body` declares, by name; `undefined` when the body is not
 * a template the driver can read (CloudFormation will then say what is
 * wrong with it). JSON and YAML bodies are read, YAML short-form tags
 * (`!Ref`) included.
 */
export function declaredParameters(
  body: string,
): Map<string, DeclaredParameter> | undefined {
  const template = readTemplate(body);
  if (!template) return undefined;
  const parameters = template.Parameters;
  const declared = new Map<string, DeclaredParameter>();
  if (!parameters || typeof parameters !== 'object') return declared;
  for (const [name, declaration] of Object.entries(parameters as Json)) {
    declared.set(name, {
      noEcho:
        !!declaration &&
        typeof declaration === 'object' &&
        isTrue((declaration as Json).NoEcho),
    });
  }
  return declared;
}

/**
 * `body` with `NoEcho: true` on each of `names` (parameters it declares),
 * whatever the author wrote there. A YAML body keeps its comments, layout
 * and short-form tags; a JSON body stays JSON.
 */
export function withNoEcho(body: string, names: string[]): string {
  if (names.length === 0) return body;
  if (isJsonBody(body)) {
    const template = JSON.parse(body) as Json;
    const parameters = template.Parameters as Record<string, Json>;
    for (const name of names) parameters[name].NoEcho = true;
    return JSON.stringify(template);
  }
  const doc = parseDocument(body);
  for (const name of names) {
    const declaration = doc.getIn(['Parameters', name]);
    if (isMap(declaration)) declaration.set('NoEcho', true);
  }
  // No folding: long strings stay on one line, as written.
  return doc.toString({ lineWidth: 0 });
}
