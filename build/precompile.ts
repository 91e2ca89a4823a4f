/**
 * Build step (tsup.config.ts, and the unit tests' global setup): every built-in template
 * precompiled with `Handlebars.precompile`, so that a scaffold runs them on Handlebars'
 * runtime without compiling. One CommonJS module per part of templates/ (`base`, `partials`,
 * `stores/<id>`), file path → spec, or null for a file copied as is (not a .hbs):
 * dist/templates/base.cjs, dist/templates/stores/redis.cjs… (read by src/builtin-templates.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { transformSync } from 'esbuild';
import Handlebars from 'handlebars';
import { compileOptions } from '../src/plan/render.js';
import { isTemplate } from '../src/plan/templates.js';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The parts a store reads (src/template-loader.ts templateParts): `base`, `libraries/<library>`, `partials`, `stores/<id>`. */
function partOf(key: string): string {
  const [top, id] = key.split('/');
  return top === 'stores' || top === 'libraries' ? `${top}/${id}` : top!;
}

export function precompileTemplates(templatesDir: string, outDir: string): void {
  const parts = new Map<string, string[]>();
  for (const file of files(templatesDir)) {
    const key = relative(templatesDir, file).split(sep).join('/');
    const spec = isTemplate(key) ? Handlebars.precompile(readFileSync(file, 'utf8'), compileOptions) : 'null';
    parts.set(partOf(key), [...(parts.get(partOf(key)) ?? []), `${JSON.stringify(key)}:${spec}`]);
  }
  for (const [part, entries] of parts) {
    const out = join(outDir, `${part}.cjs`);
    const code = transformSync(`module.exports={${entries.join(',')}};`, { minify: true, format: 'cjs', target: 'node20' }).code;
    // Left alone when unchanged: the unit tests' setup runs this while the e2e setup may be packing dist/.
    if (existsSync(out) && readFileSync(out, 'utf8') === code) continue;
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, code);
  }
}
