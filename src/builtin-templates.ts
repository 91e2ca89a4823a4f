import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateSource, TemplateSpecification, TemplateTree } from './plan/templates.js';
import { builtinTemplatesDir, templateParts, type StoreLayers } from './template-loader.js';

/**
 * Where the build (build/precompile.ts) writes the built-in templates, one CommonJS module per
 * part of templates/: path → `Handlebars.precompile` output, or null for a file copied as is.
 */
const precompiledDir = fileURLToPath(new URL('../dist/templates', import.meta.url));
const load = createRequire(import.meta.url);

function builtinSource(path: string, precompiled: TemplateSpecification | null): TemplateSource {
  let content: Buffer | undefined;
  return {
    origin: `templates/${path}`,
    precompiled: precompiled ?? undefined,
    // Read only when asked for (a raw file, an error message, an ejected copy to compare).
    get content() {
      content ??= readFileSync(join(builtinTemplatesDir, ...path.split('/')));
      return content;
    },
  };
}

/** The built-in templates one store uses (`base/`, `libraries/<library>/`, `partials/`, `stores/<id>/`), precompiled. */
export function builtinTemplateTree(store: StoreLayers): TemplateTree {
  const tree: TemplateTree = new Map();
  for (const part of templateParts(store)) {
    let specs: Record<string, TemplateSpecification | null>;
    try {
      specs = load(join(precompiledDir, `${part}.cjs`));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
      throw new Error(`dist/templates/${part}.cjs is missing: run \`npm run build\` (the built-in templates are precompiled by the build).`);
    }
    for (const [path, precompiled] of Object.entries(specs)) tree.set(path, builtinSource(path, precompiled));
  }
  return tree;
}
