import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  outDir: 'dist',
  clean: true,
  // Everything is bundled so `npm create` downloads one package with no dependency tree.
  noExternal: [/.*/],
  // Split so that prompts, execa and handlebars load only on the runs that use them.
  splitting: true,
  minify: true,
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
