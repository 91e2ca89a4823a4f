import { join } from 'node:path';
import { defineConfig } from 'tsup';
import { precompileTemplates } from './build/precompile.js';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  // CommonJS (node loads it synchronously; ES module chunks are read through the thread pool)
  // with tsup's code splitting: each `await import()` (commander, @clack/prompts, execa,
  // Handlebars, the create command) is a chunk of its own that only the runs using it load.
  format: ['cjs'],
  splitting: true,
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
