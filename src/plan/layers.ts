import { posix } from 'node:path';
import type { Language } from '../answers.js';
import type { StoreLayers } from '../template-loader.js';
import type { TemplateSource, TemplateTree } from './templates.js';

export interface LayeredTemplates {
  /** Output path → the template that produces it, the last layer winning. */
  files: Map<string, TemplateSource>;
  /** Partial name → its text, the last layer winning. */
  partials: Map<string, TemplateSource>;
  /**
   * Notes for the user: a file of a later tree (theirs) under `base/` or `partials/` that a
   * store layer of an earlier tree (the built-ins) replaces for this store, so it is not used.
   */
  shadowed: string[];
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

type Layer = { root: string; target: 'files' | 'partials' };

/**
 * Stacks the trees, per file and per partial. A later tree (the user's `--template`) replaces
 * an earlier one's file of the same relative path, then the layers apply in order:
 * `base/` → `libraries/<library>/files/` → `stores/<id>/files/` for files, `partials/` →
 * `libraries/<library>/partials/` → `stores/<id>/partials/` for partials. So a user's `partials/x.hbs` replaces the built-in default of slot `x` (a store
 * that fills the slot still wins), and a user's `stores/<id>/partials/x.hbs` replaces that
 * store's text. Within one layer, a later tree also wins when two names map to the same
 * output path (`style.css` and `style.css.hbs`).
 */
export function layerTemplates(trees: TemplateTree[], store: StoreLayers, lang: Language): LayeredTemplates {
  const { id: storeId, sessionLibrary } = store;
  const out = { files: new Map<string, TemplateSource>(), partials: new Map<string, TemplateSource>() };
  const layers: Layer[] = [
    { root: 'base/', target: 'files' },
    { root: `libraries/${sessionLibrary}/files/`, target: 'files' },
    { root: `stores/${storeId}/files/`, target: 'files' },
    { root: 'partials/', target: 'partials' },
    { root: `libraries/${sessionLibrary}/partials/`, target: 'partials' },
    { root: `stores/${storeId}/partials/`, target: 'partials' },
  ];
  /** Per key: the tree the winner came from, and every (tree, path) that had the key. */
  const winners = new Map<string, Origin>();
  const seen = new Map<string, Origin[]>();

  const sorted = trees.map((tree) => [...tree].sort(([a], [b]) => (a < b ? -1 : 1)));
  layers.forEach(({ root, target }, layer) => {
    sorted.forEach((tree, index) => {
      for (const [path, source] of tree) {
        if (!path.startsWith(root)) continue;
        const rel = path.slice(root.length);
        const key = target === 'files' ? outputPath(rel, lang) : partialName(rel);
        const origin = { tree: index, layer, path, source };
        out[target].set(key, source);
        winners.set(`${target}:${key}`, origin);
        seen.set(`${target}:${key}`, [...(seen.get(`${target}:${key}`) ?? []), origin]);
      }
    });
  });

  const shadowed: string[] = [];
  for (const [key, winner] of winners) {
    const lost = seen.get(key)!.filter((o) => o.tree > winner.tree && o.layer < winner.layer);
    for (const theirs of lost) {
      const prefix = theirs.source.origin.slice(0, theirs.source.origin.length - theirs.path.length);
      shadowed.push(
        `${theirs.source.origin} is not used with store ${storeId}: ${winner.source.origin} replaces it. ` +
          `To change it for this store, edit a copy at ${prefix}${winner.path}.`,
      );
    }
  }
  return { ...out, shadowed };
}

interface Origin {
  tree: number;
  layer: number;
  path: string;
  source: TemplateSource;
}
