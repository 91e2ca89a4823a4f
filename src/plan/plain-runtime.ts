/**
 * What a built-in template compiled to plain JavaScript (build/plain-template.ts) calls at run
 * time. Each function reproduces the Handlebars behaviour the template would have had with
 * our compile options (`strict`, `noEscape`, `data`), so output and errors are the same;
 * test/unit/precompile.test.ts checks every built-in both ways.
 *
 * Why not Handlebars' own precompiled form: its runtime and the generic code of each spec
 * were about a third of a scaffold's time spent in our code (bench/scaffold.mjs).
 */

/** `@root`, `@index`, `@first`… as Handlebars' data frames hold them. */
export type TemplateData = Record<string, unknown> & { root: unknown };

export type PlainTemplate = (context: unknown, data: TemplateData, runtime: PlainRuntime) => string;

type Program = (context: unknown, data: TemplateData) => string;

export interface PlainRuntime {
  /** A mustache's value as Handlebars appends it (noEscape). */
  o(value: unknown, context: unknown): string;
  /** A property as Handlebars' lookupProperty reads it (own properties only). */
  g(object: unknown, name: string): unknown;
  /** A strict lookup: the property must exist (Handlebars' `strict` option). */
  s(object: unknown, name: string, where: string): unknown;
  /** The truth `{{#if}}` sees. */
  t(value: unknown, context: unknown): boolean;
  /** `{{#each}}`. */
  e(value: unknown, context: unknown, data: TemplateData, body: Program, inverse: Program | null): string;
  /** `{{> name}}`, indented like Handlebars indents a standalone partial. */
  p(name: string, context: unknown, data: TemplateData, indent: string): string;
}

/** Handlebars' message for a missing variable, with its "- line:column" suffix. */
class NotDefined extends Error {
  constructor(name: string, object: unknown, where: string) {
    super(`"${name}" not defined in ${String(object)} - ${where}`);
  }
}

function lookup(object: unknown, name: string): unknown {
  const value = (object as Record<string, unknown>)[name]; // a TypeError on null, as in Handlebars
  return value == null || Object.hasOwn(object as object, name) ? value : undefined;
}

function truthy(value: unknown, context: unknown): boolean {
  const v = typeof value === 'function' ? value.call(context) : value;
  return !(!v || (Array.isArray(v) && v.length === 0));
}

function indented(text: string, indent: string): string {
  if (!indent) return text;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i] && i + 1 === lines.length) break;
    lines[i] = indent + lines[i];
  }
  return lines.join('\n');
}

function each(value: unknown, context: unknown, data: TemplateData, body: Program, inverse: Program | null): string {
  let items = typeof value === 'function' ? value.call(context) : value;
  let out = '';
  let count = 0;
  const iterate = (item: unknown, key: string | number, index: number, last: boolean) => {
    const frame: TemplateData = { ...data, _parent: data, key, index, first: index === 0, last };
    out += body(item, frame);
    count++;
  };
  if (items && typeof items === 'object') {
    if (!Array.isArray(items) && typeof (items as Iterable<unknown>)[Symbol.iterator] === 'function') items = [...(items as Iterable<unknown>)];
    if (Array.isArray(items)) {
      for (let i = 0; i < items.length; i++) if (i in items) iterate(items[i], i, i, i === items.length - 1);
    } else {
      const keys = Object.keys(items);
      keys.forEach((key, i) => iterate((items as Record<string, unknown>)[key], key, i, i === keys.length - 1));
    }
  }
  return count === 0 && inverse ? inverse(context, data) : out;
}

/** The runtime for one render; `partial` finds a partial by name and renders it. */
export function plainRuntime(partial: (name: string, context: unknown, data: TemplateData) => string): PlainRuntime {
  return {
    o: (value, context) => {
      const v = typeof value === 'function' ? value.call(context) : value;
      return v == null ? '' : `${v}`;
    },
    g: lookup,
    s: (object, name, where) => {
      if (!object || !(name in (object as object))) throw new NotDefined(name, object, where);
      return lookup(object, name);
    },
    t: truthy,
    e: each,
    p: (name, context, data, indent) => indented(partial(name, context, data), indent),
  };
}

/** Handlebars' message for a partial that is not registered (render.ts words it for the user). */
export function missingPartial(name: string): Error {
  return new Error(`The partial ${name} could not be found`);
}
