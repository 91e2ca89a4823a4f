import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { build as esbuild, transformSync } from 'esbuild';
import { defineConfig, type Options } from 'tsup';
import type { Language } from './src/answers.js';
import { plainTemplateFor } from './build/plain-template.js';
import { precompileFor } from './build/precompile.js';

const languages: Language[] = ['ts', 'js'];

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

function templateFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? templateFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

/**
 * Handlebars builds each template's code through source-map's SourceNode when that package
 * can be required, else through a plain string builder (its browser path). The generated
 * code is the same; when the built-ins were still compiled at run time, the SourceNode path
 * took ~2/3 of a scaffold's CPU (bench/scaffold.mjs, --cpu-prof). Template source maps are
 * never used, so it is left out of dist/handlebars-compiler.cjs (a user's templates).
 */
const noSourceMap: Plugin = {
  name: 'no-source-map',
  setup(build) {
    build.onResolve({ filter: /^source-map$/ }, () => ({ path: 'source-map', namespace: 'no-source-map' }));
    build.onLoad({ filter: /.*/, namespace: 'no-source-map' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

/**
 * dist/precompiled/<part>.<lang>.cjs per part of templates/ (`base`, `partials`, `stores-<id>`)
 * and language: template path → the template compiled for that language, a plain function
 * (build/plain-template.ts) or, when it can't be one, Handlebars' precompiled spec; 0 for a
 * raw file.
 */
function precompileTemplates(outDir: string): string[] {
  const root = join(process.cwd(), 'templates');
  const parts: Record<string, Record<Language, string[]>> = {};
  for (const file of templateFiles(root)) {
    const key = relative(root, file).split(sep).join('/');
    const [top, id] = key.split('/');
    const part = (parts[top === 'stores' ? `stores-${id}` : top!] ??= { ts: [], js: [] });
    const text = file.endsWith('.hbs') ? readFileSync(file, 'utf8') : undefined;
    for (const lang of languages) {
      const compiled = text === undefined ? '0' : (plainTemplateFor(text, lang) ?? precompileFor(text, lang));
      part[lang].push(`${JSON.stringify(key)}:${compiled}`);
    }
  }
  mkdirSync(outDir, { recursive: true });
  for (const [name, byLang] of Object.entries(parts)) {
    for (const lang of languages) {
      const code = transformSync(`module.exports={${byLang[lang].join(',')}};`, { minify: true, format: 'cjs', target: 'node20' }).code;
      writeFileSync(join(outDir, `${name}.${lang}.cjs`), code);
    }
  }
  return Object.keys(parts);
}

/**
 * In the bundle, src/builtin-templates.ts becomes build/builtin-templates.js (templates
 * compiled into dist/precompiled/) and `handlebars` becomes build/handlebars-lazy.js (the real
 * package, dist/handlebars-compiler.cjs, loaded only for a template with no plain form). See
 * those files. Compiling the built-ins at run time was ~2/3 of a scaffold's CPU.
 */
const precompiledTemplates: Plugin = {
  name: 'precompiled-templates',
  setup(build) {
    const buildDir = join(process.cwd(), 'build');
    build.onResolve({ filter: /^handlebars$/ }, () => ({ path: join(buildDir, 'handlebars-lazy.js') }));
    build.onResolve({ filter: /\/builtin-templates\.js$/ }, (args) =>
      args.importer.startsWith(join(process.cwd(), 'src')) ? { path: join(buildDir, 'builtin-templates.js') } : undefined,
    );
    build.onResolve({ filter: /^cesa:precompiled-parts$/ }, () => ({ path: 'parts', namespace: 'precompiled' }));
    build.onLoad({ filter: /.*/, namespace: 'precompiled' }, async () => {
      const outDir = join(process.cwd(), 'dist');
      const parts = precompileTemplates(join(outDir, 'precompiled'));
      await esbuild({
        entryPoints: [createRequire(import.meta.url).resolve('handlebars')],
        outfile: join(outDir, 'handlebars-compiler.cjs'),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        minify: true,
        plugins: [noSourceMap],
      });
      return { contents: JSON.stringify(parts), loader: 'json' };
    });
  },
};

/**
 * Third-party code that only some runs use, one file each in dist/vendor/: src imports them
 * with `await import()` only (a static import would load them on every run, so the build
 * refuses it). commander answers help and bad flags, @clack/prompts asks questions, execa
 * runs install and git.
 */
const vendors: Record<string, { file: string; source: string }> = {
  commander: { file: 'commander.js', source: "export { Command, CommanderError, Option } from 'commander';" },
  '@clack/prompts': { file: 'clack-prompts.js', source: "export * from '@clack/prompts';" },
  execa: { file: 'execa.js', source: "export * from 'execa';" },
};

// Bundled CommonJS dependencies call require() for Node built-ins.
const requireBanner = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

const vendorFiles: Plugin = {
  name: 'vendor-files',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(vendors).map((name) => name.replace(/[/]/g, '\\/')).join('|')})$`);
    build.onResolve({ filter }, (args) => {
      if (args.kind !== 'dynamic-import') {
        return { errors: [{ text: `${args.path} is imported statically by ${relative(process.cwd(), args.importer)}: use await import('${args.path}') so that runs that don't need it don't load it` }] };
      }
      return { path: `./vendor/${vendors[args.path]!.file}`, external: true };
    });
    build.onStart(async () => {
      await Promise.all(
        Object.values(vendors).map(({ file, source }) =>
          esbuild({
            stdin: { contents: source, resolveDir: process.cwd(), loader: 'js' },
            outfile: join(process.cwd(), 'dist', 'vendor', file),
            bundle: true,
            platform: 'node',
            format: 'esm',
            target: 'node20',
            minify: true,
            banner: { js: requireBanner },
          }),
        ),
      );
    });
  },
};

export default defineConfig({
  entry: { index: 'src/index.ts' },
  // CommonJS: node starts a CommonJS entry faster than an ES module one (bin/ says how much).
  format: ['cjs'],
  // import.meta.url, for the files beside dist/.
  shims: true,
  target: 'node20',
  platform: 'node',
  outDir: 'dist',
  clean: true,
  // Everything is bundled so `npm create` downloads one package with no dependency tree: our
  // code in one file (each module more to load cost ~1 ms a run), the rest in dist/vendor/.
  noExternal: [/.*/],
  splitting: false,
  minify: true,
  esbuildPlugins: [vendorFiles, precompiledTemplates],
});
