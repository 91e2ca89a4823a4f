/**
 * A template that could not be rendered, with the file and line at fault. Its own module so
 * that the CLI entry can recognise it without loading Handlebars.
 */
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
