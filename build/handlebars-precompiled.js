/**
 * Stands in for `handlebars` inside the bundle (tsup.config.ts aliases it; tests and
 * `tsc` use the real package). Same API as far as src/ uses it: `Handlebars.create()`.
 *
 * The built-in templates are precompiled at build time into dist/precompiled/<part>.cjs
 * (`base`, `partials`, `stores-<id>`), keyed by a hash of their text. `env.compile(text)`
 * with the options the renderer uses returns `env.template(spec)` for a text it knows, and
 * loads only the parts a run touches. Any other text (a user's `--template` file) goes to the
 * real compiler, required on first use: a run with the built-ins never loads the Handlebars
 * parser or compiler. Compiling the built-ins at run time was ~2/3 of a scaffold's CPU.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import runtime from 'handlebars/runtime';
// Filled in by the build: { options, parts: { <hash>: <part> } }.
import manifest from 'cesa:precompiled-manifest';

const load = createRequire(import.meta.url);
const specsDir = new URL('./precompiled/', import.meta.url);
const loaded = new Map();

function sameOptions(options) {
  if (!options) return false;
  const keys = Object.keys(options);
  return keys.length === Object.keys(manifest.options).length && keys.every((k) => options[k] === manifest.options[k]);
}

function precompiled(text, options) {
  if (typeof text !== 'string' || !sameOptions(options)) return undefined;
  const hash = createHash('sha1').update(text).digest('base64url');
  const part = manifest.parts[hash];
  if (part === undefined) return undefined;
  let specs = loaded.get(part);
  if (!specs) {
    specs = load(fileURLToPath(new URL(`${part}.cjs`, specsDir)));
    loaded.set(part, specs);
  }
  return specs[hash];
}

function create() {
  const env = runtime.create();
  let compiler;
  env.compile = (text, options) => {
    const spec = precompiled(text, options);
    if (spec) return env.template(spec);
    // The real compiler, with templates bound to this environment (its helpers and partials).
    compiler ??= require('handlebars').create();
    compiler.template = env.template;
    return compiler.compile(text, options);
  };
  return env;
}

export default { ...runtime, create };
