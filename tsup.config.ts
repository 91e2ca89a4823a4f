import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { transformSync } from 'esbuild';
import Handlebars from 'handlebars';
import { defineConfig, type Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/** The options src/plan/render.ts compiles with; a template compiled otherwise is not looked up. */
const compileOptions = { noEscape: true, strict: true };

function hbsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? hbsFiles(join(dir, e.name)) : e.name.endsWith('.hbs') ? [join(dir, e.name)] : [],
  );
}

/**
 * Precompiles every built-in template into dist/precompiled/<part>.cjs and bundles
 * build/handlebars-precompiled.js in place of `handlebars` (see that file). Measured with
 * bench/scaffold.mjs: compiling the built-ins at run time was ~2/3 of a scaffold's CPU.
 */
const precompiledTemplates: Plugin = {
  name: 'precompiled-templates',
  setup(build) {
    build.onResolve({ filter: /^handlebars$/ }, (args) =>
      args.importer.endsWith('handlebars-precompiled.js') ? undefined : { path: join(process.cwd(), 'build', 'handlebars-precompiled.js') },
    );
    build.onResolve({ filter: /^cesa:precompiled-manifest$/ }, () => ({ path: 'manifest', namespace: 'precompiled' }));
    build.onLoad({ filter: /.*/, namespace: 'precompiled' }, () => {
      const root = join(process.cwd(), 'templates');
      const parts: Record<string, string[]> = {};
      const manifest: Record<string, string> = {};
      for (const file of hbsFiles(root)) {
        const [top, id] = relative(root, file).split(sep);
        const part = top === 'stores' ? `stores-${id}` : top!;
        const text = readFileSync(file, 'utf8');
        const hash = createHash('sha1').update(text).digest('base64url');
        if (manifest[hash]) continue;
        manifest[hash] = part;
        (parts[part] ??= []).push(`${JSON.stringify(hash)}:${Handlebars.precompile(text, { ...compileOptions })}`);
      }
      const outDir = join(process.cwd(), 'dist', 'precompiled');
      mkdirSync(outDir, { recursive: true });
      for (const [part, specs] of Object.entries(parts)) {
        const code = transformSync(`module.exports={${specs.join(',')}};`, { minify: true, format: 'cjs', target: 'node20' }).code;
        writeFileSync(join(outDir, `${part}.cjs`), code);
      }
      return { contents: JSON.stringify({ options: compileOptions, parts: manifest }), loader: 'json' };
    });
  },
};

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
  esbuildPlugins: [
    precompiledTemplates,
    {
      // Handlebars builds each template's code through source-map's SourceNode when that
      // package can be required, else through a plain string builder (its browser path).
      // The generated code is the same; the SourceNode path took ~2/3 of a scaffold's CPU
      // (measured with bench/scaffold.mjs and --cpu-prof). Source maps of templates are
      // never used here, so source-map is left out of the bundle.
      name: 'no-source-map',
      setup(build) {
        build.onResolve({ filter: /^source-map$/ }, () => ({ path: 'source-map', namespace: 'no-source-map' }));
        build.onLoad({ filter: /.*/, namespace: 'no-source-map' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
      },
    },
  ],
});
