/**
 * Empties every Map and Set held in `holder`'s own fields: a reset that
 * keeps up with the state a class adds, with nothing to list by hand.
 */
export function clearCollections(holder: object): void {
  for (const value of Object.values(holder)) {
    if (value instanceof Map || value instanceof Set) value.clear();
  }
}
