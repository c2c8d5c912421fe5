/**
 * PATCH semantics of a keyed sublist (Oracle section_1545295601, section_1545297048; lifecycle.md §1.6): a line
 * whose key matches an existing line updates it, any other line is appended (a key that matches nothing is a new
 * line: NetSuite numbers it); with `?replace=<sublist>` the lines not matched are removed. `item` lines are keyed
 * by `line` (section_159795512874).
 */
import { asObject, get, lowerKeys } from './body-fields.ts';
import type { Json } from './records.ts';

export function mergeKeyedLines(before: Json[], patch: Json[], replace: boolean, key = 'line'): Json[] {
  const keyOf = (entry: Json) => {
    const value = get(entry, key);
    return typeof value === 'number' || typeof value === 'string' ? String(value) : undefined;
  };
  const updates = new Map<string, Json>();
  const added: Json[] = [];
  for (const entry of patch.map((candidate) => lowerKeys(asObject(candidate) ?? {}))) {
    const id = keyOf(entry);
    if (id !== undefined && before.some((line) => keyOf(line) === id)) updates.set(id, entry);
    else {
      delete entry[key.toLowerCase()];
      added.push(entry);
    }
  }
  const kept = before
    .filter((line) => !replace || updates.has(keyOf(line) ?? ''))
    .map((line) => {
      const update = updates.get(keyOf(line) ?? '');
      return update ? { ...lowerKeys(line), ...update } : line;
    });
  return [...kept, ...added];
}
