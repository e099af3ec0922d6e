import {
  type CompoundEntityRef,
  parseEntityRef,
} from '@backstage/catalog-model';
import { z } from 'zod';

/** The text of an entity ref in a request or template: present, bounded. */
export const entityRefText = z.string().min(1).max(512);

/**
 * `ref` parsed with `defaultKind` and the default namespace, or the reason
 * it is not an entity ref.
 */
export function parseRefOrProblem(
  ref: string,
  defaultKind: string,
): CompoundEntityRef | { problem: string } {
  try {
    return parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' });
  } catch (e) {
    return { problem: (e as Error).message };
  }
}
