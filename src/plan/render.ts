import type HandlebarsModule from 'handlebars';
import type { LayeredTemplates } from './layers.js';
import { TemplateError } from './template-error.js';
import { isTemplate, type TemplateSource } from './templates.js';

export { TemplateError };

export type Handlebars = typeof HandlebarsModule;

/** The options every template is compiled with, at build time (build/precompile.ts) or at run time. */
export const compileOptions = { noEscape: true, strict: true, knownHelpers: { ts: true, js: true, eq: true, json: true } } as const;

/**
 * The Handlebars a render needs. The built-in templates arrive precompiled
 * (`Handlebars.precompile` at build time) and run on Handlebars' runtime; the full package, with
 * its compiler, is loaded only when a template has no precompiled form (a user's `--template` file).
 */
export async function loadHandlebars(trees: Iterable<Map<string, TemplateSource>>): Promise<Handlebars> {
  const compile = [...trees].some((tree) => [...tree.values()].some((s) => isTemplate(s.origin) && !s.precompiled));
  return ((compile ? await import('handlebars') : await import('handlebars/runtime')) as { default: Handlebars }).default;
}

/** An environment of its own (`create()`, so that nothing is registered globally) with our helpers. */
function createEngine(handlebars: Handlebars, isTs: boolean): Handlebars {
  const engine = handlebars.create();
  engine.registerHelper('ts', function (this: unknown, options: HandlebarsModule.HelperOptions) {
    return isTs ? options.fn(this) : options.inverse(this);
  });
  engine.registerHelper('js', function (this: unknown, options: HandlebarsModule.HelperOptions) {
    return isTs ? options.inverse(this) : options.fn(this);
  });
  engine.registerHelper('eq', function (this: unknown, a: unknown, b: unknown, options: HandlebarsModule.HelperOptions) {
    return a === b ? options.fn(this) : options.inverse(this);
  });
  engine.registerHelper('json', (value: unknown) => JSON.stringify(value));
  return engine;
}

/**
 * What went wrong, in words and with a line, from the three errors Handlebars throws for a
 * broken template: a parse error ("Parse error on line 3: … got 'EOF'"), a name that `strict`
 * does not find (`"x" not defined in …`, with its line as `lineNumber`), and a partial that is
 * not registered (no position: the line is where the file includes it).
 */
function asTemplateError(error: unknown, source: TemplateSource): TemplateError {
  if (error instanceof TemplateError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const text = () => source.content.toString('utf8');

  const parse = /^Parse error on line (\d+):\n(.*)\n-*\^\n.*got '([^']+)'/s.exec(message);
  if (parse) {
    const [, line, excerpt, got] = parse;
    const reason =
      got === 'EOF'
        ? 'syntax error: the file ends inside a block (a {{#…}} with no {{/…}} to close it)'
        : `syntax error near ${JSON.stringify(excerpt!.trim())} (unexpected ${got})`;
    return new TemplateError(source.origin, Number(line), reason);
  }
  const unknownName = /^"(.+)" not defined in /.exec(message);
  if (unknownName) {
    const line = (error as { lineNumber?: number }).lineNumber;
    return new TemplateError(source.origin, line, `"${unknownName[1]}" is not a known variable or helper`);
  }
  const partial = /^The partial (\S+) could not be found/.exec(message)?.[1];
  if (partial) {
    const escaped = partial.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const index = text().search(new RegExp(`\\{\\{~?#?>\\s*${escaped}(?![\\w-])`));
    const line = index < 0 ? undefined : text().slice(0, index).split('\n').length;
    return new TemplateError(source.origin, line, `"${partial}" is not a known partial (add it as partials/${partial}.hbs)`);
  }
  const line = (error as { lineNumber?: number }).lineNumber ?? Number(/on line (\d+)/.exec(message)?.[1]);
  return new TemplateError(source.origin, Number.isInteger(line) ? line : undefined, message.replace(/\n+/g, ' ').trim());
}

/**
 * Renders every file in memory. A file that renders to white space only (or a raw file that
 * holds nothing else) is left out: that is how language- and store-specific files drop away,
 * and how a user's template drops a built-in file. Throws TemplateError. `handlebars`: from
 * loadHandlebars (the runtime serves only precompiled templates).
 */
export function renderTemplates(
  handlebars: Handlebars,
  templates: LayeredTemplates,
  context: Record<string, unknown> & { isTs: boolean },
): Map<string, string | Buffer> {
  const engine = createEngine(handlebars, context.isTs);

  const compile = (source: TemplateSource): HandlebarsModule.TemplateDelegate => {
    try {
      const template = source.precompiled
        ? engine.template(source.precompiled)
        : engine.compile(source.content.toString('utf8'), compileOptions);
      return (c, options) => {
        try {
          return template(c, options);
        } catch (error) {
          throw asTemplateError(error, source);
        }
      };
    } catch (error) {
      throw asTemplateError(error, source);
    }
  };

  for (const [name, source] of templates.partials) engine.registerPartial(name, compile(source));
  const output = new Map<string, string | Buffer>();
  for (const [path, source] of [...templates.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!isTemplate(source.origin)) {
      // A raw file follows the same rule: an empty one (a user's) drops the built-in file.
      if (source.content.toString('utf8').trim() !== '') output.set(path, source.content);
      continue;
    }
    const text = compile(source)(context);
    if (text.trim() !== '') output.set(path, text);
  }
  return output;
}
