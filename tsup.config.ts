import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';
import { precompileTemplates } from './build/precompile.js';

/**
 * src/plan/to-javascript.ts (with sucrase, ~210 KB) is an entry of its own, dist/to-javascript.cjs,
 * that the CLI requires only for a JavaScript project: bundled into index.cjs, it made every
 * TypeScript scaffold ~30 ms slower to parse (bench/scaffold.mjs measures that path).
 */
const toJavaScriptApart: Plugin = {
  name: 'to-javascript-apart',
  setup(build) {
    build.onResolve({ filter: /\/to-javascript\.js$/ }, (args) => (args.kind === 'entry-point' ? undefined : { path: './to-javascript.cjs', external: true }));
  },
};

export default defineConfig({
  entry: { index: 'src/index.ts', 'to-javascript': 'src/plan/to-javascript.ts' },
  esbuildPlugins: [toJavaScriptApart],
  // One CommonJS file: node loads it synchronously (ES module chunks are read through the
  // thread pool: slower, measured with bench/scaffold.mjs), and tsup's code splitting for
  // CommonJS is experimental (it broke @clack/prompts' chunk). What `await import()` loads
  // (commander, @clack/prompts, execa, Handlebars) is bundled in but only run when imported.
  format: ['cjs'],
  // import.meta.url, for the files beside dist/.
  shims: true,
  target: 'node20',
  platform: 'node',
  outDir: 'dist',
  clean: true,
  // Everything is bundled so that `npm create` downloads one package with no dependency tree.
  noExternal: [/.*/],
  minify: true,
  // The built-in templates, precompiled by Handlebars into dist/templates/ (build/precompile.ts).
  onSuccess: async () => precompileTemplates(join(process.cwd(), 'templates'), join(process.cwd(), 'dist', 'templates')),
});
