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
