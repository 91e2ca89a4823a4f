import type Handlebars from 'handlebars';
import type { PlainTemplate } from './plain-runtime.js';

/** Handlebars' precompiled form of a template (an object of functions, not source text). */
export type TemplateSpecification = ReturnType<typeof Handlebars.precompile>;

/** One template file or partial as read from a template root. */
export interface TemplateSource {
  /** Where it came from, for error messages: `templates/base/src/app.ts.hbs`. */
  origin: string;
  content: Buffer;
  /**
   * The template compiled at build time (built-ins in the published package): to plain
   * JavaScript when it can be, else Handlebars' precompiled form.
   */
  render?: PlainTemplate;
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
 * (an ejected copy left unchanged) taking the built-in's compiled template.
 */
export function reusePrecompiled(tree: TemplateTree, builtins: TemplateTree): TemplateTree {
  const out: TemplateTree = new Map();
  for (const [path, source] of tree) {
    const builtin = builtins.get(path);
    const compiled = builtin && (builtin.render !== undefined || builtin.precompiled !== undefined);
    const same = compiled && builtin.content.equals(source.content);
    out.set(path, same ? { ...source, render: builtin.render, precompiled: builtin.precompiled } : source);
  }
  return out;
}
