import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';
import { precompileTemplates } from './build/precompile.js';

/** A package's file as `import` resolves it (tsup takes entries as files). */
const pkg = (name: string) => fileURLToPath(import.meta.resolve(name));

/**
 * What a plain scaffold (`my-app --yes --no-install --no-git`, the path bench/scaffold.mjs
 * measures) never runs, each built into a CommonJS file of its own, dist/<key>.cjs, that
 * index.cjs loads only when a command first imports it. Bundled into index.cjs (414 KB), V8
 * parsed all of it on every run: the largest part of a scaffold's time over `node -e 0`.
 * `filter` matches the import that is sent to that file.
 */
const apart: Record<string, { entry: string; filter: RegExp }> = {
  // sucrase, for a JavaScript project only.
  'to-javascript': { entry: 'src/plan/to-javascript.ts', filter: /\/to-javascript\.js$/ },
  // The install and git steps.
  'vendor/execa': { entry: pkg('execa'), filter: /^execa$/ },
  // The questions and the spinners of an interactive run.
  'vendor/clack-prompts': { entry: pkg('@clack/prompts'), filter: /^@clack\/prompts$/ },
  // Handlebars' compiler, for a user's --template files: the built-in templates are
  // precompiled and run on `handlebars/runtime`, which stays in index.cjs.
  'vendor/handlebars': { entry: pkg('handlebars'), filter: /^handlebars$/ },
  // The three-way merge of switch and update.
  'vendor/diff': { entry: pkg('diff'), filter: /^diff$/ },
  'vendor/node-diff3': { entry: pkg('node-diff3'), filter: /^node-diff3$/ },
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
  entry: { index: 'src/index.ts', ...Object.fromEntries(Object.entries(apart).map(([out, { entry }]) => [out, entry])) },
  esbuildPlugins: [keepApart],
  // CommonJS: node reads and compiles index.cjs synchronously (ES module chunks are read
  // through the thread pool: slower, measured with bench/scaffold.mjs), and tsup's code
  // splitting for CommonJS is experimental (it broke @clack/prompts' chunk), hence `apart`.
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
