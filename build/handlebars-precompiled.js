/**
 * Stands in for `handlebars` inside the bundle (tsup.config.ts aliases it; tests and `tsc`
 * use the real package). Same API as far as src/ uses it: `Handlebars.create()`.
 *
 * The built-in templates arrive precompiled (build/builtin-templates.js) and need only the
 * Handlebars runtime. A template without a precompiled form (a user's `--template` file)
 * goes to the real compiler, built as dist/handlebars-compiler.cjs and required on first
 * use: a run with the built-ins never loads the Handlebars parser or compiler.
 */
import { createRequire } from 'node:module';
import runtime from 'handlebars/runtime';

const load = createRequire(import.meta.url);

function create() {
  const env = runtime.create();
  let compiler;
  env.compile = (text, options) => {
    // The real compiler, with templates bound to this environment (its helpers and partials).
    compiler ??= load('./handlebars-compiler.cjs').create();
    compiler.template = env.template;
    return compiler.compile(text, options);
  };
  return env;
}

export default { ...runtime, create };
