/**
 * Build-time compilation of the built-in templates, one variant per language (used by
 * tsup.config.ts; checked against run-time compilation by test/unit/precompile.test.ts).
 *
 * Templates hold both languages in `{{#ts}}…{{/ts}}` and `{{#js}}…{{/js}}` blocks, chosen by
 * a helper at run time. Resolving those blocks here halves the code a scaffold loads and
 * runs (measured with bench/scaffold.mjs); a user's templates still get the helpers.
 */
import Handlebars from 'handlebars';
import type { Language } from '../src/answers.js';
import { compileOptions } from '../src/plan/render.js';

type Program = hbs.AST.Program;
type Statement = hbs.AST.Statement;

function isLanguageBlock(statement: Statement): statement is hbs.AST.BlockStatement {
  if (statement.type !== 'BlockStatement') return false;
  const block = statement as hbs.AST.BlockStatement;
  return (
    block.path.type === 'PathExpression' &&
    ['ts', 'js'].includes((block.path as hbs.AST.PathExpression).original) &&
    block.params.length === 0 &&
    !block.hash
  );
}

/** Replaces each language block by the statements that apply to `lang`, at every depth. */
function specialize(program: Program | undefined, lang: Language): void {
  if (!program) return;
  program.body = program.body.flatMap((statement): Statement[] => {
    if (isLanguageBlock(statement)) {
      const kept = (statement.path as hbs.AST.PathExpression).original === lang ? statement.program : statement.inverse;
      specialize(kept, lang);
      return kept?.body ?? [];
    }
    const block = statement as Partial<hbs.AST.BlockStatement>;
    specialize(block.program, lang);
    specialize(block.inverse, lang);
    return [statement];
  });
}

/** The template's syntax tree with the language blocks resolved for `lang`. */
export function specialized(ast: Program, lang: Language): Program {
  specialize(ast, lang);
  return ast;
}

/**
 * The precompiled template (JavaScript source of Handlebars' template spec) for one language.
 * Parsing applies Handlebars' standalone-line white-space rules first, so removing the
 * block tags afterwards leaves exactly what the helper would have rendered; the compiler is
 * then driven directly, as Handlebars.precompile does, so those rules are not applied twice.
 */
export function precompileFor(text: string, lang: Language): string {
  const options = { ...compileOptions, data: true };
  const ast = specialized(Handlebars.parse(text), lang);
  const compiler = Handlebars as unknown as {
    Compiler: new () => { compile(ast: Program, options: object): unknown };
    JavaScriptCompiler: new () => { compile(environment: unknown, options: object): string };
  };
  const environment = new compiler.Compiler().compile(ast, options);
  return new compiler.JavaScriptCompiler().compile(environment, options);
}
