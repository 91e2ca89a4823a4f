import { posix } from 'node:path';
import type { Language } from '../answers.js';
import type { TemplateSource, TemplateTree } from './templates.js';

export interface LayeredTemplates {
  /** Output path → the template that produces it, the last layer winning. */
  files: Map<string, TemplateSource>;
  /** Partial name → its text, the last layer winning. */
  partials: Map<string, TemplateSource>;
}

/** Where a template file lands in the generated project. */
export function outputPath(templatePath: string, lang: Language): string {
  let path = templatePath.endsWith('.hbs') ? templatePath.slice(0, -'.hbs'.length) : templatePath;
  const dir = posix.dirname(path);
  let base = posix.basename(path);
  // npm publish drops .gitignore and may skip other dotfiles, so templates spell them with `_`.
  if (base.startsWith('_')) base = `.${base.slice(1)}`;
  if (lang === 'js' && base.endsWith('.ts') && !base.endsWith('.d.ts')) base = `${base.slice(0, -3)}.js`;
  path = dir === '.' ? base : `${dir}/${base}`;
  return path;
}

function partialName(path: string): string {
  return path.replace(/\.hbs$/, '');
}

/**
 * Stacks the layers of every tree, per file and per partial:
 * base → stores/<id> in each tree, trees in the order given (built-ins first, the user's last).
 */
export function layerTemplates(trees: TemplateTree[], storeId: string, lang: Language): LayeredTemplates {
  const files = new Map<string, TemplateSource>();
  const partials = new Map<string, TemplateSource>();
  const fileRoots = ['base/', `stores/${storeId}/files/`];
  const partialRoots = ['partials/', `stores/${storeId}/partials/`];

  for (const tree of trees) {
    for (const [root, target, keyOf] of [
      ...fileRoots.map((root) => [root, files, (rel: string) => outputPath(rel, lang)] as const),
      ...partialRoots.map((root) => [root, partials, partialName] as const),
    ]) {
      for (const [path, source] of [...tree].sort(([a], [b]) => a.localeCompare(b))) {
        if (path.startsWith(root)) target.set(keyOf(path.slice(root.length)), source);
      }
    }
  }
  return { files, partials };
}
