import type Handlebars from 'handlebars';

/** Handlebars' precompiled form of a template (`Handlebars.precompile`, evaluated). */
export type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

/** One template file or partial as read from a template root. */
export interface TemplateSource {
  /** Where it came from, for error messages: `templates/base/src/app.ts.hbs`. */
  origin: string;
  content: Buffer;
  /** The template precompiled at build time (the built-ins); compiled at run time when absent. */
  precompiled?: TemplateSpecification;
}

/**
 * A template root's contents by relative path (`base/src/app.ts.hbs`, `partials/x.hbs`,
 * `stores/sqlite/files/…`). The built-ins are one such tree, a user's `--template` folder another.
 */
export type TemplateTree = Map<string, TemplateSource>;

export function isTemplate(path: string): boolean {
  return path.endsWith('.hbs');
}

/**
 * The user's tree with each file that is byte-identical to the built-in of the same path
 * (an ejected copy left unchanged) taking the built-in's precompiled template.
 */
export function reusePrecompiled(tree: TemplateTree, builtins: TemplateTree): TemplateTree {
  const out: TemplateTree = new Map();
  for (const [path, source] of tree) {
    const builtin = builtins.get(path);
    const same = builtin?.precompiled !== undefined && builtin.content.equals(source.content);
    out.set(path, same ? { ...source, precompiled: builtin.precompiled } : source);
  }
  return out;
}
