/**
 * Stands in for src/builtin-templates.ts inside the bundle (tsup.config.ts aliases it).
 *
 * The build compiles every built-in template into dist/precompiled/<part>.<lang>.cjs
 * (`base`, `partials`, `stores-<id>`; `ts`, `js`): template path → a plain function for that
 * language (build/plain-template.ts), Handlebars' precompiled spec when a template can't be
 * one, or 0 for a file copied as is. A run requires only the parts its
 * store and language use and reads no template folder; a file's text is read from
 * templates/ only if something asks for it (a raw file's bytes, an error message). Walking
 * and compiling the folder at run time was most of a scaffold's CPU (bench/scaffold.mjs).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Filled in by the build: the names of the parts it wrote.
import parts from 'cesa:precompiled-parts';

// The bundle is CommonJS: its own `require` saves a createRequire (~0.3 ms of a scaffold).
const load = typeof require === 'function' ? require : createRequire(import.meta.url);
const templatesDir = fileURLToPath(new URL('../templates', import.meta.url));

function builtinSource(key, compiled) {
  let content;
  return {
    origin: `templates/${key}`,
    render: typeof compiled === 'function' ? compiled : undefined,
    precompiled: typeof compiled === 'object' ? compiled : undefined,
    get content() {
      content ??= readFileSync(join(templatesDir, ...key.split('/')));
      return content;
    },
  };
}

export function builtinTemplateTree(storeId, lang) {
  const tree = new Map();
  for (const part of ['base', 'partials', `stores-${storeId}`]) {
    if (!parts.includes(part)) continue;
    const specs = load(`./precompiled/${part}.${lang}.cjs`);
    for (const key of Object.keys(specs)) tree.set(key, builtinSource(key, specs[key]));
  }
  return tree;
}
