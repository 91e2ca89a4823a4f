import { isDeepStrictEqual } from 'node:util';

/**
 * package.json merged by key, not by line: a dependency the old store brought and the new one
 * drops goes, the new store's come in, and whatever the user added or changed stays. Where the
 * user and the new version changed the same key differently the user's value is kept and the
 * key is reported: markers would break the JSON npm has to read.
 */

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** npm writes these sorted by name; so do we, so that a later `npm install` changes nothing. */
const sortedMaps = new Set(['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']);

/** `undefined` stands for "no such key". */
function mergeValue(base: Json, theirs: Json, ours: Json, path: string[], conflicts: string[]): Json {
  if (isDeepStrictEqual(ours, base)) return theirs;
  if (isDeepStrictEqual(theirs, base) || isDeepStrictEqual(ours, theirs)) return ours;
  if (isObject(ours) && isObject(theirs)) {
    const before = isObject(base) ? base : {};
    const merged: Record<string, Json> = {};
    for (const key of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
      const value = mergeValue(before[key], theirs[key], ours[key], [...path, key], conflicts);
      if (value !== undefined) merged[key] = value;
    }
    if (path.length === 1 && sortedMaps.has(path[0]!)) return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : 1)));
    return merged;
  }
  const shown = (value: Json) => (value === undefined ? 'nothing' : JSON.stringify(value));
  conflicts.push(`${path.join('.')}: yours is ${shown(ours)}, the new version has ${shown(theirs)} (was ${shown(base)}); kept yours`);
  return ours;
}

/** The merged text, and one line per key both sides changed (kept as the user had it). */
export function mergePackageJson(base: string, theirs: string, ours: string): { text: string; conflicts: string[] } | undefined {
  let parsed: [Json, Json, Json];
  try {
    parsed = [JSON.parse(base), JSON.parse(theirs), JSON.parse(ours)];
  } catch {
    return undefined; // not JSON (the user's is broken, say): merged as text instead
  }
  const conflicts: string[] = [];
  const merged = mergeValue(parsed[0], parsed[1], parsed[2], [], conflicts);
  return { text: `${JSON.stringify(merged, null, 2)}\n`, conflicts };
}
