/**
 * The JavaScript variant of a rendered TypeScript file, so that a template is written once,
 * in TypeScript. Three steps:
 *   1. the types a JavaScript reader still needs become JSDoc (`jsDocFromTypes`): parameter and
 *      return types of functions, the type of an exported constant (`@type`), type aliases
 *      and interfaces as `@typedef`;
 *   2. sucrase strips the types, keeping every line where it was;
 *   3. `tidy` compares the two line by line and removes what the stripping left behind: lines
 *      that held only types, the comments that described them, the space before a removed
 *      `as T`, and the parentheses that only held a cast.
 * Type imports that the JSDoc uses come back as `@import` tags. Loaded only for JavaScript
 * projects (src/cli/create.ts), so a TypeScript scaffold does not load sucrase.
 */
import { transform } from 'sucrase';

export function toJavaScript(ts: string): string {
  const documented = jsDocFromTypes(ts);
  const { code } = transform(documented, { transforms: ['typescript'], disableESTransforms: true });
  // sucrase leaves `import { a, }` where `import { a, type B }` lost its type.
  const imports = tidy(documented, code).replace(/^(import\s[^\n]*?),\s*\}/gm, '$1 }');
  return addTypeImports(ts, imports);
}

// ------------------------------------------------------------------ 1. types → JSDoc

const functionStart = /^(\s*)(export\s+(?:default\s+)?)?(?:async\s+)?function\s*\*?\s*[\w$]+\s*(<[^(]*>)?\s*\(/;
const constructorStart = /^(\s*)constructor\s*\(/;
const typeAlias = /^(export\s+)?type\s+([\w$]+)\s*(<(?:[^<>]|<[^<>]*>)*>)?\s*=\s*(.+);\s*$/;
const interfaceStart = /^(export\s+)?interface\s+([\w$]+)\s*\{\s*$/;
const exportedConstant = /^export\s+const\s+[\w$]+\s*:(.*)$/;

/** The text from `open` (an opening bracket) to its closing bracket, strings and `=>` skipped. */
function balanced(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"' || c === '`') {
      i = text.indexOf(c, i + 1);
      if (i < 0) return -1;
    } else if (c === '=' && text[i + 1] === '>') i++;
    else if ('([{<'.includes(c)) depth++;
    else if (')]}>'.includes(c) && --depth === 0) return i;
  }
  return -1;
}

/** Splits at the commas (or other `separator`) outside brackets. */
function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if ('([{<\'"`'.includes(c)) {
      const end = c === "'" || c === '"' || c === '`' ? text.indexOf(c, i + 1) : balanced(text, i);
      if (end < 0) break;
      i = end;
    } else if (c === '=' && text[i + 1] === '>') i++;
    else if (c === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** `@param` tags for a parameter list: only the typed parameters; a destructured one is `options`. */
function paramTags(list: string): string[] {
  return splitTopLevel(list).flatMap((param) => {
    const [binding, ...typed] = splitTopLevel(param, ':');
    if (!binding || typed.length === 0 || binding.startsWith('...') || binding === 'this') return [];
    const [type, ...defaultValue] = splitTopLevel(typed.join(':'), '=');
    const optional = binding.endsWith('?') || defaultValue.length > 0;
    if (!/^[{[]/.test(binding)) return [`@param {${type}} ${optional ? `[${binding.replace(/\?$/, '')}]` : binding}`];
    // A destructured parameter: `options`, and its members when the type spells them out.
    const members = type!.startsWith('{') ? splitTopLevel(type!.slice(1, -1), ';').flatMap((m) => splitTopLevel(m, ',')) : [];
    return [
      `@param {${members.length ? 'object' : type}} ${optional ? '[options]' : 'options'}`,
      ...members.map((member) => {
        const [name, ...memberType] = splitTopLevel(member, ':');
        const key = name!.replace(/\?$/, '');
        return `@param {${memberType.join(':')}} ${name!.endsWith('?') || new RegExp(`\\b${key}\\s*=`).test(binding) ? `[options.${key}]` : `options.${key}`}`;
      }),
    ];
  });
}

/** The lines from `lines[i]` on that hold the signature, up to the `{` of the body (or `;`). */
function signature(lines: string[], i: number, open: number): { params: string; returns?: string } | undefined {
  const text = lines.slice(i, i + 20).join('\n');
  const close = balanced(text, open);
  if (close < 0) return undefined;
  const rest = /^\s*(?::\s*([^{;]+?))?\s*[{;]/.exec(text.slice(close + 1));
  return { params: text.slice(open + 1, close), returns: rest?.[1]?.trim() };
}

/** The names of a `<T, U extends X = Y>` list. */
function templateNames(generics: string | undefined): string[] {
  return generics ? splitTopLevel(generics.slice(1, -1)).map((g) => g.split(/\s/)[0]!) : [];
}

/**
 * Adds `tags` to the doc comment that ends on the line above `i`, or writes one above `i` when
 * there is none and `create` is set. Returns the number of lines added.
 */
function addTags(lines: string[], i: number, tags: string[], create: boolean): number {
  if (tags.length === 0) return 0;
  const indent = /^\s*/.exec(lines[i] ?? '')![0];
  const above = lines[i - 1]?.trimEnd();
  let start = i - 1;
  while (above?.endsWith('*/') && start > 0 && !lines[start]!.includes('/*')) start--;
  // The comment above describes this declaration, unless it is another one's @typedef.
  const describes = above?.endsWith('*/') && !lines.slice(start, i).some((line) => line.includes('@typedef'));
  if (describes) {
    if (!lines[start]!.includes('/**')) return 0;
    if (above.trim() === '*/') {
      lines.splice(i - 1, 0, ...tags.map((t) => `${indent} * ${t}`));
    } else {
      // `/** text */` or `…text */`: the tags go before the closing `*/`, the last one keeps it.
      lines[i - 1] = above.slice(0, -2).trimEnd();
      lines.splice(i, 0, ...tags.map((t, n) => `${indent} * ${t}${n === tags.length - 1 ? ' */' : ''}`));
    }
    return tags.length;
  }
  if (!create) return 0;
  const comment = tags.length === 1 ? [`${indent}/** ${tags[0]} */`] : [`${indent}/**`, ...tags.map((t) => `${indent} * ${t}`), `${indent} */`];
  lines.splice(i, 0, ...comment);
  return comment.length;
}

/**
 * Replaces a type declaration (`count` lines from `i`) with its JSDoc: sucrase drops the
 * comments that sit among removed code, so the declaration goes before it runs. Returns how
 * far the caller moves on.
 */
function replaceWithTags(lines: string[], i: number, count: number, tags: string[]): number {
  lines.splice(i, count);
  return addTags(lines, i, tags, true) - 1;
}

/** An interface's members as `@property` tags, each with the one-line comment above it. */
function propertyTags(body: string[]): string[] {
  const tags: string[] = [];
  let description = '';
  for (const line of body) {
    const comment = /^\s*\/\*\*\s*(.*?)\s*\*\/\s*$/.exec(line);
    if (comment) {
      description = comment[1]!.replace(/\.$/, '');
      continue;
    }
    // `name?: T;`, or a method `name(a: A): R;` as a function type
    const method = /^\s*([\w$]+)(\?)?(\(.*\))\s*:\s*(.+?);?\s*(?:\/\/.*)?$/.exec(line);
    const member = method ? [method[0], method[1], method[2], `${method[3]} => ${method[4]}`] : /^\s*([\w$]+)(\?)?\s*:\s*(.+?);?\s*(?:\/\/.*)?$/.exec(line);
    if (member) tags.push(`@property {${member[3]}} ${member[2] ? `[${member[1]}]` : member[1]}${description ? ` ${description}` : ''}`);
    description = '';
  }
  return tags;
}

/**
 * Writes the types a JavaScript reader needs as JSDoc, in the TypeScript source (which still
 * compiles the same): typed parameters and return types of exported or documented functions
 * and of constructors, the type of an exported constant (`export const f: RequestHandler = …`,
 * often a function), type aliases on one line and top-level interfaces as `@typedef`.
 */
function jsDocFromTypes(ts: string): string {
  const lines = ts.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fn = functionStart.exec(line) ?? constructorStart.exec(line);
    if (fn) {
      const sig = signature(lines, i, fn[0].length - 1);
      if (!sig) continue;
      const exportedOrConstructor = Boolean(fn[2]) || constructorStart.test(line);
      const tags = [
        ...templateNames(fn[3]).map((name) => `@template ${name}`),
        ...paramTags(sig.params),
        ...(sig.returns ? [`@returns {${sig.returns}}`] : []),
      ];
      if (tags.length === templateNames(fn[3]).length) continue;
      i += addTags(lines, i, tags, exportedOrConstructor);
      continue;
    }
    const constant = exportedConstant.exec(line);
    if (constant) {
      const [type] = splitTopLevel(constant[1]!, '='); // the type ends at the `=` of the value
      i += addTags(lines, i, [`@type {${type}}`], true);
      continue;
    }
    const alias = typeAlias.exec(line);
    if (alias && !/^\s/.test(line)) {
      const [, , name, generics, type] = alias;
      const object = /^\{(.*)\}$/.exec(type!.trim());
      const typedef = object
        ? [`@typedef {object} ${name}`, ...propertyTags(splitTopLevel(object[1]!, ';').map((member) => `${member};`))]
        : [`@typedef {${type}} ${name}`];
      i += replaceWithTags(lines, i, 1, [...templateNames(generics).map((t) => `@template ${t}`), ...typedef]);
      continue;
    }
    const iface = interfaceStart.exec(line);
    if (iface) {
      const end = lines.findIndex((l, n) => n > i && l.startsWith('}'));
      if (end < 0) continue;
      const tags = [`@typedef {object} ${iface[2]}`, ...propertyTags(lines.slice(i + 1, end))];
      i += replaceWithTags(lines, i, end + 1 - i, tags);
    }
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------ 3. tidy

/** Indices of `ts` that survived into `js` (`js` is `ts` with parts removed), or undefined. */
function kept(ts: string, js: string): boolean[] | undefined {
  const keep = new Array<boolean>(ts.length).fill(false);
  let p = 0;
  for (const c of js) {
    while (p < ts.length && ts[p] !== c) p++;
    if (p === ts.length) return undefined;
    keep[p++] = true;
  }
  return keep;
}

/** Removes the spaces a removed `as T` or modifier leaves, and parentheses that only held a cast. */
function tidyLine(ts: string, js: string): string {
  const keep = kept(ts, js);
  if (!keep) return js;
  for (let a = 0; a < ts.length; a++) {
    if (keep[a]) continue;
    let b = a;
    while (b < ts.length && !keep[b]) b++;
    const before = ts.slice(0, a);
    if (/^\s*$/.test(before)) {
      // a modifier at the start of the line (`private x`): the space after it goes too
      for (let k = b; k < ts.length && /\s/.test(ts[k]!) && keep[k]; k++) keep[k] = false;
    } else if ((b === ts.length || /[\s)\]};,.]/.test(ts[b]!)) && !/\s/.test(ts[b - 1]!)) {
      for (let k = a - 1; k >= 0 && /\s/.test(ts[k]!) && keep[k]; k--) keep[k] = false;
    } else if (/[([]$/.test(before)) {
      for (let k = b; k < ts.length && /\s/.test(ts[k]!) && keep[k]; k++) keep[k] = false;
    }
    if (ts[b] === ')' && /\bas\s/.test(ts.slice(a, b))) unwrapCast(ts, keep, b);
    a = b;
  }
  return [...ts].filter((_, i) => keep[i]).join('');
}

const keywordsBeforeParens = /(?:^|[^\w$])(?:delete|typeof|void|await|return|throw)\s*$/;

/** `(x as T).y` → `x.y`: drops the parentheses closing at `close` when they hold a plain reference. */
function unwrapCast(ts: string, keep: boolean[], close: number): void {
  let depth = 0;
  let open = close;
  for (; open >= 0; open--) {
    if (ts[open] === ')') depth++;
    else if (ts[open] === '(' && --depth === 0) break;
  }
  if (open < 0) return;
  const inner = [...ts.slice(open + 1, close)].filter((_, k) => keep[open + 1 + k]).join('').trim();
  const before = ts.slice(0, open);
  const reference = /^[\w$#]+(?:\(\))?(?:\.[\w$#]+(?:\(\))?)*$/.test(inner);
  if (reference && (!/[\w$)\]]\s*$/.test(before) || keywordsBeforeParens.test(before))) {
    keep[open] = false;
    keep[close] = false;
  }
}

/**
 * Line by line (sucrase keeps the line structure): drops lines that held only types, the
 * comment right above such lines (unless it carries JSDoc tags), and a blank line the removal
 * leaves doubled; tidies the lines that changed.
 */
function tidy(ts: string, js: string): string {
  const tsLines = ts.split('\n');
  const jsLines = js.split('\n');
  if (tsLines.length !== jsLines.length) return js;
  // Emptied, or left as a lone `;` (a `declare` field), with its comment.
  const drop = tsLines.map((line, i) => line.trim() !== '' && /^;?\s*(?:\/\/.*)?$/.test(jsLines[i]!.trim()) && !/^;?\s*(?:\/\/.*)?$/.test(line.trim()));
  const out: string[] = [];
  for (let i = 0; i < jsLines.length; i++) {
    if (drop[i]) {
      dropCommentAbove(out);
      while (drop[i + 1]) i++;
      const previous = out.at(-1);
      if (jsLines[i + 1]?.trim() === '' && (previous === undefined || previous.trim() === '' || previous.trimEnd().endsWith('{'))) i++;
      continue;
    }
    out.push(jsLines[i] === tsLines[i] ? jsLines[i]! : tidyLine(tsLines[i]!, jsLines[i]!).trimEnd());
  }
  return out.join('\n');
}

/** Removes the comment that ends the output so far: it described what was removed after it. */
function dropCommentAbove(out: string[]): void {
  const last = out.at(-1)?.trim();
  if (!last) return;
  let start = out.length - 1;
  if (last.endsWith('*/')) {
    while (start > 0 && !out[start]!.includes('/*')) start--;
    if (!out[start]!.trim().startsWith('/*')) return;
  } else if (last.startsWith('//')) {
    while (start > 0 && out[start - 1]!.trim().startsWith('//')) start--;
  } else return;
  if (out.slice(start).some((l) => /@\w/.test(l))) return;
  out.splice(start);
}

// ------------------------------------------------------------------ type imports → @import

/**
 * `@import` tags for the imported types the JSDoc names but the JavaScript no longer imports,
 * placed after the last import.
 */
function addTypeImports(ts: string, js: string): string {
  const jsDoc = [...js.matchAll(/@(?:param|returns|type|typedef|property)\s+\{/g)].map((m) => {
    const end = balanced(js, m.index + m[0].length - 1);
    return js.slice(m.index + m[0].length, end);
  });
  const used = new Set(jsDoc.flatMap((type) => type.match(/[A-Za-z_$][\w$]*/g) ?? []));
  const imported = new Set([...js.matchAll(/^import\s+([^'"]*?)\s+from\s/gm)].flatMap((m) => m[1]!.match(/[\w$]+(?=\s*(?:,|}|$))/g) ?? []));
  const tags: string[] = [];
  for (const m of ts.matchAll(/^import\s+(type\s+)?([^'"]*?)\s+from\s+(['"][^'"]+['"]);?/gm)) {
    const [, typeOnly, clause, from] = m;
    const names: string[] = [];
    let defaultName: string | undefined;
    const braces = /\{([^}]*)\}/.exec(clause!);
    for (const spec of braces ? braces[1]!.split(',') : []) {
      const s = spec.trim().replace(/^type\s+/, '');
      const local = s.split(/\s+as\s+/).pop()!;
      if (s && used.has(local) && !imported.has(local)) names.push(s);
    }
    const head = clause!.replace(/\{[^}]*\}/, '').replace(/,\s*$/, '').trim();
    if (head && !head.startsWith('*') && (typeOnly || !imported.has(head)) && used.has(head) && !imported.has(head)) defaultName = head;
    const parts = [defaultName, names.length ? `{ ${names.join(', ')} }` : undefined].filter(Boolean);
    if (parts.length) tags.push(`/** @import ${parts.join(', ')} from ${from} */`);
  }
  if (tags.length === 0) return js;
  const lines = js.split('\n');
  const last = lines.reduce((at, line, i) => (/^import\s/.test(line) ? i : at), -1);
  if (last < 0) return [...tags, ...(lines[0]?.trim() ? [''] : []), ...lines].join('\n');
  let end = last;
  while (end >= 0 && end < lines.length - 1 && !/;\s*$|from\s+['"][^'"]+['"]\s*$/.test(lines[end]!)) end++;
  lines.splice(end + 1, 0, ...tags);
  return lines.join('\n');
}
