/**
 * Stands in for `handlebars` inside the bundle (tsup.config.ts aliases it; tests and `tsc`
 * use the real package). Same API as far as src/ uses it: `Handlebars.create()`.
 *
 * The built-in templates arrive compiled to plain JavaScript (build/plain-template.ts) and
 * render without Handlebars. It is needed only for a template without that form (a user's
 * `--template` file): then the real package, built as dist/handlebars-compiler.cjs, is
 * required on first use. A run with the built-ins never loads it.
 */
import { createRequire } from 'node:module';

export default {
  create: () => createRequire(import.meta.url)('./handlebars-compiler.cjs').create(),
};
