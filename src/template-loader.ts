import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateTree } from './plan/templates.js';

/** The templates folder shipped beside dist/ in the package. */
export const builtinTemplatesDir = fileURLToPath(new URL('../templates', import.meta.url));

function walk(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : entry.isFile() ? [path] : [];
  });
}

/**
 * Reads the parts of a template root that one store uses (`base/`, `partials/`, `stores/<id>/`),
 * keyed by POSIX path relative to the root. `label` prefixes origins in error messages.
 */
export function loadTemplateTree(root: string, storeId: string, label: string): TemplateTree {
  const tree: TemplateTree = new Map();
  for (const part of ['base', 'partials', join('stores', storeId)]) {
    for (const file of walk(join(root, part))) {
      const key = relative(root, file).split(sep).join('/');
      tree.set(key, { origin: `${label}/${key}`, content: readFileSync(file) });
    }
  }
  return tree;
}
