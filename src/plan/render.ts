import Handlebars from 'handlebars';
import { missingPartial, plainRuntime, type TemplateData } from './plain-runtime.js';
import { isTemplate, type TemplateSource } from './templates.js';
import type { LayeredTemplates } from './layers.js';
import { TemplateError } from './template-error.js';

export { TemplateError };

/** Handlebars reports positions as "Parse error on line 3:" or "… - 3:12". */
function lineOf(message: string): number | undefined {
  const match = /on line (\d+)/.exec(message) ?? / - (\d+):\d+/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** Handlebars' parse errors quote the source and list tokens; say it in words instead. */
function parseReason(message: string): string | undefined {
  const match = /^Parse error on line \d+:\n(.*)\n-*\^\n.*got '([^']+)'/s.exec(message);
  if (!match) return undefined;
  const [, excerpt, got] = match;
  if (got === 'EOF') return 'syntax error: the file ends inside a block (a {{#…}} with no {{/…}} to close it)';
  return `syntax error near ${JSON.stringify(excerpt!.trim())} (unexpected ${got})`;
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (
    parseReason(message) ??
    message
      .replace(/ in \[object Object\]/, '')
      .replace(/ - \d+:\d+$/, '')
      .replace(/ not defined$/, ' is not a known variable or helper')
      .replace(/^The partial (\S+) could not be found$/, '"$1" is not a known partial (add it as partials/$1.hbs)')
      .replace(/\n+/g, ' ')
      .trim()
  );
}

/** Handlebars gives no position for a missing partial: find where the file includes it. */
function partialLine(message: string, text: string): number | undefined {
  const name = /^The partial (\S+) could not be found/.exec(message)?.[1];
  if (!name) return undefined;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const index = text.search(new RegExp(`\\{\\{~?#?>\\s*${escaped}(?![\\w-])`));
  return index < 0 ? undefined : text.slice(0, index).split('\n').length;
}

function asTemplateError(error: unknown, source: TemplateSource): TemplateError {
  if (error instanceof TemplateError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TemplateError(source.origin, lineOf(message) ?? partialLine(message, source.content.toString('utf8')), reasonOf(error));
}

type Engine = ReturnType<typeof Handlebars.create>;

/** build/precompile.ts compiles the built-ins with the same options. */
export const compileOptions = { noEscape: true, strict: true } as const;

function createEngine(isTs: boolean): Engine {
  const engine = Handlebars.create();
  engine.registerHelper('ts', function (this: unknown, options: Handlebars.HelperOptions) {
    return isTs ? options.fn(this) : options.inverse(this);
  });
  engine.registerHelper('js', function (this: unknown, options: Handlebars.HelperOptions) {
    return isTs ? options.inverse(this) : options.fn(this);
  });
  engine.registerHelper('eq', function (this: unknown, a: unknown, b: unknown, options: Handlebars.HelperOptions) {
    return a === b ? options.fn(this) : options.inverse(this);
  });
  engine.registerHelper('json', (value: unknown) => JSON.stringify(value));
  return engine;
}

/** A template or partial ready to render: context and data frame in, text out. */
type Rendering = (context: unknown, data: TemplateData) => string;

/**
 * Renders every file in memory. A file that renders to white space only (or a raw file that
 * holds nothing else) is left out: that is how language- and store-specific files drop away,
 * and how a user's template drops a built-in file. Throws TemplateError.
 *
 * Built-ins compiled to plain JavaScript (the published package) render without Handlebars;
 * Handlebars is created only for a template that has no plain form (a user's, or one the
 * plain compiler does not handle). Partials of either kind can include each other.
 */
export function renderTemplates(templates: LayeredTemplates, context: Record<string, unknown> & { isTs: boolean }): Map<string, string | Buffer> {
  const sources = [...templates.partials.values(), ...templates.files.values()];
  const engine = sources.some((s) => isTemplate(s.origin) && !s.render) ? createEngine(context.isTs) : undefined;
  const partials = new Map<string, Rendering>();
  const runtime = plainRuntime((name, partialContext, data) => {
    const partial = partials.get(name);
    if (!partial) throw missingPartial(name);
    return partial(partialContext, data);
  });

  const compile = (source: TemplateSource): Rendering => {
    let rendering: Rendering;
    try {
      if (source.render) {
        const render = source.render;
        rendering = (c, d) => render(c, d, runtime);
      } else {
        const template = source.precompiled ? engine!.template(source.precompiled) : engine!.compile(source.content.toString('utf8'), compileOptions);
        rendering = (c, d) => template(c, { data: d });
      }
    } catch (error) {
      throw asTemplateError(error, source);
    }
    return (c, d) => {
      try {
        return rendering(c, d);
      } catch (error) {
        throw asTemplateError(error, source);
      }
    };
  };

  for (const [name, source] of templates.partials) {
    const partial = compile(source);
    partials.set(name, partial);
    engine?.registerPartial(name, ((c: unknown, options: Handlebars.RuntimeOptions) => partial(c, options.data)) as unknown as Handlebars.Template);
  }
  const output = new Map<string, string | Buffer>();
  for (const [path, source] of [...templates.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!isTemplate(source.origin)) {
      // A raw file follows the same rule: an empty one (a user's) drops the built-in file.
      if (source.content.toString('utf8').trim() !== '') output.set(path, source.content);
      continue;
    }
    const text = compile(source)(context, { root: context });
    if (text.trim() !== '') output.set(path, text);
  }
  return output;
}
