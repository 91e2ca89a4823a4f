import Handlebars from 'handlebars';
import { isTemplate, type TemplateSource } from './templates.js';
import type { LayeredTemplates } from './layers.js';

/** A template that could not be rendered, with the file and line at fault. */
export class TemplateError extends Error {
  constructor(
    readonly origin: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(`${origin}${line ? `:${line}` : ''}: ${reason}`);
    this.name = 'TemplateError';
  }
}

/** Handlebars reports positions as "Parse error on line 3:" or "… - 3:12". */
function lineOf(message: string): number | undefined {
  const match = /on line (\d+)/.exec(message) ?? / - (\d+):\d+/.exec(message);
  return match ? Number(match[1]) : undefined;
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/ in \[object Object\]/, '')
    .replace(/ - \d+:\d+$/, '')
    .replace(/ not defined$/, ' is not a known variable or helper')
    .replace(/\n+/g, ' ')
    .trim();
}

function asTemplateError(error: unknown, source: TemplateSource): TemplateError {
  if (error instanceof TemplateError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TemplateError(source.origin, lineOf(message), reasonOf(error));
}

type Engine = ReturnType<typeof Handlebars.create>;

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

function compile(engine: Engine, source: TemplateSource) {
  try {
    const template = engine.compile(source.content.toString('utf8'), { noEscape: true, strict: true });
    return (context: unknown, options?: Handlebars.RuntimeOptions) => {
      try {
        return template(context, options);
      } catch (error) {
        throw asTemplateError(error, source);
      }
    };
  } catch (error) {
    throw asTemplateError(error, source);
  }
}

/**
 * Renders every file in memory. A template that renders to white space only is left out,
 * which is how language- and store-specific files drop away. Throws TemplateError.
 */
export function renderTemplates(templates: LayeredTemplates, context: Record<string, unknown> & { isTs: boolean }): Map<string, string | Buffer> {
  const engine = createEngine(context.isTs);
  for (const [name, source] of templates.partials) {
    const partial = compile(engine, source);
    engine.registerPartial(name, partial as unknown as Handlebars.Template);
  }
  const output = new Map<string, string | Buffer>();
  for (const [path, source] of [...templates.files].sort(([a], [b]) => a.localeCompare(b))) {
    if (!isTemplate(source.origin)) {
      output.set(path, source.content);
      continue;
    }
    const text = compile(engine, source)(context);
    if (text.trim() !== '') output.set(path, text);
  }
  return output;
}
