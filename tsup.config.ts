import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';
import { precompileTemplates } from './build/precompile.js';

/**
 * What a plain scaffold (`my-app --yes --no-install --no-git`, the path bench/scaffold.mjs
 * measures) never runs, each in a CommonJS file of its own beside index.cjs, required only by
 * the `await import()` that needs it. Bundled into index.cjs, node parsed all of it on every
 * run (V8 compiling the 414 KB bundle was the largest part of a scaffold's time).
 * import → the dist file (without .cjs) it is built into, from the module it names.
 */
const apart: Record<string, { entry: string; filter: RegExp }> = {
  // sucrase, for a JavaScript project only.
  'to-javascript': { entry: 'src/plan/to-javascript.ts', filter: /\/to-javascript\.js$/ },
  // The install and git steps.
  'vendor/execa': { entry: 'execa', filter: /^execa$/ },
  // The questions and the spinners of an interactive run.
  'vendor/clack-prompts': { entry: '@clack/prompts', filter: /^@clack\/prompts$/ },
  // Handlebars' compiler, for a user's --template files: the built-in templates are
  // precompiled and run on `handlebars/runtime`, which stays in index.cjs.
  'vendor/handlebars': { entry: 'handlebars', filter: /^handlebars$/ },
  // The three-way merge of switch and update.
  'vendor/diff': { entry: 'diff', filter: /^diff$/ },
  'vendor/node-diff3': { entry: 'node-diff3', filter: /^node-diff3$/ },
};

const keepApart: Plugin = {
  name: 'keep-apart',
  setup(build) {
    for (const [out, { filter }] of Object.entries(apart)) {
      // From index.cjs (in dist/) the file is ./<out>.cjs; its own entry point is bundled.
      build.onResolve({ filter }, (args) => (args.kind === 'entry-point' ? undefined : { path: `./${out}.cjs`, external: true }));
    }
  },
};

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    // A package by the file `import` resolves it to (tsup takes entries as files).
    ...Object.fromEntries(Object.entries(apart).map(([out, { entry }]) => [out, entry.startsWith('src/') ? entry : fileURLToPath(import.meta.resolve(entry))])),
  },
  esbuildPlugins: [keepApart],
  // CommonJS files: node loads them synchronously (ES module chunks are read through the
  // thread pool: slower, measured with bench/scaffold.mjs), and tsup's code splitting for
  // CommonJS is experimental (it broke @clack/prompts' chunk), hence the files above.
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
