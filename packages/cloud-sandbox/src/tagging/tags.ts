/**
 * Tags as the data services keep them. CloudFormation propagates a stack's
 * tags to the resources it creates; a resource's own `Tags` property wins
 * over a stack tag with the same key.
 */
import type { Resolved } from '../cloudformation/intrinsics';

export interface Tag {
  Key: string;
  Value: string;
}

/** The stack's tags merged with the resource's `Tags` property. */
export function resourceTags(stackTags: Tag[], property: Resolved): Tag[] {
  const merged = new Map(stackTags.map(t => [t.Key, t.Value]));
  if (Array.isArray(property)) {
    for (const raw of property) {
      if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
        const key = raw.Key;
        if (key !== undefined && key !== null)
          merged.set(String(key), String(raw.Value ?? ''));
      }
    }
  }
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}

/** Whether `tags` carry `key` (with `value`, when one is given). */
export function hasTag(
  tags: Tag[],
  filter: { key: string; value?: string },
): boolean {
  return tags.some(
    t =>
      t.Key === filter.key &&
      (filter.value === undefined || t.Value === filter.value),
  );
}
