/**
 * Compiles a built-in template, for one language, to a plain JavaScript function
 * `(context, data, runtime) => string` (src/plan/plain-runtime.ts): string literals joined
 * with the few lookups and blocks the template has. A scaffold then loads no Handlebars at
 * all (bench/scaffold.mjs measured its runtime and generic spec code at about a third of the
 * time spent in our code).
 *
 * Only the subset the built-ins use is compiled: paths (`a.b`, `this`, `@root.x`, `@first`),
 * `{{json x}}`, `{{#if}}`, `{{#unless}}`, `{{#eq a b}}`, `{{#each}}` (each with `{{else}}`),
 * comments and `{{> partial}}` without arguments. Anything else returns undefined and that
 * template keeps Handlebars' precompiled form, so a new template never breaks the build;
 * test/unit/precompile.test.ts says which built-ins are not plain and checks the output of
 * every built-in against Handlebars.
 */
import Handlebars from 'handlebars';
import type { Language } from '../src/answers.js';
import { specialized } from './precompile.js';

type Node = hbs.AST.Node;
type Program = hbs.AST.Program;
type Expression = hbs.AST.Expression;
type PathExpression = hbs.AST.PathExpression;

/** Names Handlebars would try as helpers before the context (`{{log}}` is not a variable). */
const helperNames = new Set(['ts', 'js', 'eq', 'json', 'blockHelperMissing', 'each', 'helperMissing', 'if', 'unless', 'log', 'lookup', 'with']);

class Unsupported extends Error {}

function unsupported(node: Node, what: string): never {
  throw new Unsupported(`${what} at line ${node.loc?.start.line ?? '?'}`);
}

const quote = (text: string) => JSON.stringify(text);

function where(node: Node): string {
  return quote(`${node.loc?.start.line ?? 0}:${node.loc?.start.column ?? 0}`);
}

/** A path's value; `strict` as Handlebars marks mustache heads (the last part must exist). */
function path(node: PathExpression, strict: boolean): string {
  if (node.depth !== 0) unsupported(node, 'a ../ path');
  const parts = node.parts.map(String);
  let code = node.data ? 'd' : 'c';
  parts.forEach((part, i) => {
    code = strict && i === parts.length - 1 ? `r.s(${code},${quote(part)},${where(node)})` : `r.g(${code},${quote(part)})`;
  });
  return code;
}

function param(node: Expression): string {
  switch (node.type) {
    case 'PathExpression':
      return path(node as PathExpression, false);
    case 'StringLiteral':
      return quote((node as hbs.AST.StringLiteral).value);
    case 'NumberLiteral':
    case 'BooleanLiteral':
      return String((node as hbs.AST.NumberLiteral | hbs.AST.BooleanLiteral).value);
    case 'NullLiteral':
      return 'null';
    case 'UndefinedLiteral':
      return 'undefined';
    default:
      return unsupported(node, `a ${node.type} parameter`);
  }
}

function helperName(node: { path: Node }): string | undefined {
  const head = node.path as PathExpression;
  // As Handlebars' simpleId: one part, not `this.x` or `./x`.
  const simple = head.type === 'PathExpression' && head.parts.length === 1 && head.depth === 0 && !head.data && !/^\.|this\b/.test(head.original);
  return simple ? String(head.parts[0]) : undefined;
}

function mustache(node: hbs.AST.MustacheStatement): string {
  if (node.hash) unsupported(node, 'a hash argument');
  if (node.path.type !== 'PathExpression') unsupported(node, 'a literal mustache');
  const name = helperName(node);
  if (node.params.length === 0) {
    if (name !== undefined && helperNames.has(name)) unsupported(node, `{{${name}}} (a helper name)`);
    return `r.o(${path(node.path as PathExpression, true)},c)`;
  }
  if (name === 'json' && node.params.length === 1) return `r.o(JSON.stringify(${param(node.params[0]!)}),c)`;
  return unsupported(node, `the helper ${name ?? (node.path as PathExpression).original}`);
}

function programFunction(program: Program | undefined): string {
  return program ? `function(c,d){return ${programCode(program)}}` : 'null';
}

function block(node: hbs.AST.BlockStatement): string {
  if (node.hash) unsupported(node, 'a hash argument');
  if (node.program?.blockParams?.length) unsupported(node, 'block parameters');
  const name = helperName(node);
  const inner = programCode(node.program);
  const inverse = node.inverse ? programCode(node.inverse) : '""';
  if ((name === 'if' || name === 'unless') && node.params.length === 1) {
    const test = `r.t(${param(node.params[0]!)},c)`;
    return name === 'if' ? `(${test}?${inner}:${inverse})` : `(${test}?${inverse}:${inner})`;
  }
  if (name === 'eq' && node.params.length === 2) return `(${param(node.params[0]!)}===${param(node.params[1]!)}?${inner}:${inverse})`;
  if (name === 'each' && node.params.length === 1) {
    return `r.e(${param(node.params[0]!)},c,d,${programFunction(node.program)},${programFunction(node.inverse)})`;
  }
  return unsupported(node, `the block {{#${name ?? '…'}}}`);
}

function partial(node: hbs.AST.PartialStatement): string {
  if (node.params.length || node.hash) unsupported(node, 'a partial with arguments');
  if (node.name.type !== 'PathExpression') unsupported(node, 'a dynamic partial');
  return `r.p(${quote((node.name as PathExpression).original)},c,d,${quote(node.indent ?? '')})`;
}

function statement(node: hbs.AST.Statement): string | undefined {
  switch (node.type) {
    case 'ContentStatement':
      return (node as hbs.AST.ContentStatement).value ? quote((node as hbs.AST.ContentStatement).value) : undefined;
    case 'CommentStatement':
      return undefined;
    case 'MustacheStatement':
      return mustache(node as hbs.AST.MustacheStatement);
    case 'BlockStatement':
      return block(node as hbs.AST.BlockStatement);
    case 'PartialStatement':
      return partial(node as hbs.AST.PartialStatement);
    default:
      return unsupported(node, `a ${node.type}`);
  }
}

function programCode(program: Program | undefined): string {
  const parts = (program?.body ?? []).map(statement).filter((code): code is string => code !== undefined);
  if (parts.length === 0) return '""';
  // Adjacent literals become one.
  const merged: string[] = [];
  for (const code of parts) {
    const previous = merged[merged.length - 1];
    if (previous?.startsWith('"') && code.startsWith('"')) merged[merged.length - 1] = quote(JSON.parse(previous) + JSON.parse(code));
    else merged.push(code);
  }
  return merged.length === 1 ? merged[0]! : `(${merged.join('+')})`;
}

/**
 * The JavaScript source of `function (c, d, r) { … }` for `text` in `lang`, or undefined when
 * the template uses something this compiler does not handle (then use precompileFor).
 */
export function plainTemplateFor(text: string, lang: Language): string | undefined {
  try {
    return `function(c,d,r){return ${programCode(specialized(Handlebars.parse(text), lang))}}`;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** Why `text` has no plain form (for the test that lists such templates), or undefined. */
export function whyNotPlain(text: string, lang: Language): string | undefined {
  try {
    programCode(specialized(Handlebars.parse(text), lang));
    return undefined;
  } catch (error) {
    if (error instanceof Unsupported) return error.message;
    throw error;
  }
}
