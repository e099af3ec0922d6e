import {
  type CompoundEntityRef,
  makeValidator,
  parseEntityRef,
} from '@backstage/catalog-model';
import { z } from 'zod';

/** The text of an entity ref in a request or template: present, bounded. */
export const entityRefText = z.string().min(1).max(512);

/**
 * `ref` parsed with `defaultKind` and the default namespace, or the reason
 * it is not an entity ref.
 */
const refValidator = makeValidator();

export function parseRefOrProblem(
  ref: string,
  defaultKind: string,
): CompoundEntityRef | { problem: string } {
  let parsed: CompoundEntityRef;
  try {
    parsed = parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' });
  } catch (e) {
    return { problem: (e as Error).message };
  }
  // parseEntityRef only splits the text; the catalog's own rules say which
  // kinds, namespaces and names can exist (no control characters, spaces…).
  if (
    !refValidator.isValidKind(parsed.kind) ||
    !refValidator.isValidNamespace(parsed.namespace) ||
    !refValidator.isValidEntityName(parsed.name)
  ) {
    return { problem: 'not a valid catalog entity ref' };
  }
  return parsed;
}
