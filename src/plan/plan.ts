import { posix } from 'node:path';
import type { Answers } from '../answers.js';
import { commandsOf } from '../pm.js';
import { dependenciesOf, renderContext, type Dependency, type GeneratorInfo } from './context.js';
import { layerTemplates, type LayeredTemplates } from './layers.js';
import { renderTemplates, type Handlebars } from './render.js';
import { TemplateError } from './template-error.js';
import type { TemplateSource, TemplateTree } from './templates.js';

export interface Command {
  command: string;
  args: string[];
}

export interface Plan {
  answers: Answers;
  /** Output path (relative, POSIX) → contents. */
  files: Map<string, string | Buffer>;
  /** As the rendered package.json lists them (so a user's template can add some). */
  dependencies: Dependency[];
  devDependencies: Dependency[];
  /** For the user (stderr), e.g. a file of theirs that a store's file replaces. */
  warnings: string[];
  install: Command | null;
  /** Run in order; skipped at run time when the target is inside an existing repository. */
  git: Command[] | null;
}

export interface PlanInput {
  answers: Answers;
  /** Built-in templates first, then the user's. */
  trees: TemplateTree[];
  sessionSecret: string;
  generator: GeneratorInfo;
  /** Handlebars, or only its runtime when every template is precompiled (render.ts loadHandlebars). */
  handlebars: Handlebars;
  /** JavaScript projects: turns a rendered TypeScript file into JavaScript (to-javascript.ts). */
  toJavaScript?: (ts: string) => string;
}

function javaScriptOf(ts: string, origin: string, toJavaScript: (ts: string) => string): string {
  try {
    return toJavaScript(ts);
  } catch (error) {
    // sucrase's message ends with the line and column in the rendered file: "Unexpected token (3:7)"
    throw new TemplateError(origin, undefined, `renders TypeScript that cannot be turned into JavaScript: ${(error as Error).message} in the rendered file`);
  }
}

/**
 * A JavaScript project gets the TypeScript files (`.ts` templates, rendered as `.js` paths)
 * and the ```ts code blocks of Markdown files turned into JavaScript; declaration files
 * (`.d.ts`) have no JavaScript form and drop out.
 */
function javaScriptFiles(files: Map<string, string | Buffer>, layered: LayeredTemplates, toJavaScript: (ts: string) => string) {
  const out = new Map<string, string | Buffer>();
  for (const [path, content] of files) {
    const origin = layered.files.get(path)?.origin ?? '';
    if (/\.d\.ts(\.hbs)?$/.test(origin)) continue;
    if (/\.ts(\.hbs)?$/.test(origin)) out.set(path, javaScriptOf(content.toString(), origin, toJavaScript));
    else if (path.endsWith('.md')) out.set(path, content.toString().replace(/^```ts\n([\s\S]*?)^```$/gm, (_, code: string) => `\`\`\`js\n${javaScriptOf(code, origin, toJavaScript)}\`\`\``));
    else out.set(path, content);
  }
  return out;
}

function assertInsideTarget(path: string, origin: string): void {
  const normal = posix.normalize(path);
  if (posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../')) {
    throw new TemplateError(origin, undefined, `output path "${path}" would leave the project directory`);
  }
}

/** Where a JSON.parse error points: "… at position 42" (Node 20), "(line 3 column 5)" (Node 22). */
function jsonErrorLine(message: string, text: string): number | undefined {
  const line = /line (\d+)/.exec(message);
  if (line) return Number(line[1]);
  const position = /position (\d+)/.exec(message);
  if (position) return text.slice(0, Number(position[1])).split('\n').length;
  return /end of JSON input/.test(message) ? text.trimEnd().split('\n').length : undefined;
}

/** The origins of the partials a template includes by name (`{{> name}}`), for error messages. */
function includedPartials(source: TemplateSource | undefined, partials: Map<string, TemplateSource>): string[] {
  if (!source) return [];
  const names = [...source.content.toString('utf8').matchAll(/\{\{~?#?>\s*([\w-]+)/g)].map((m) => m[1]!);
  return [...new Set(names)].flatMap((name) => partials.get(name)?.origin ?? []);
}

/** The rendered package.json, parsed; undefined when a template dropped it. */
/** `includes` is called only to explain an error: it reads the template's text. */
function parsePackageJson(files: Map<string, string | Buffer>, origin: string, includes: () => string[]): Record<string, unknown> | undefined {
  const raw = files.get('package.json');
  if (raw === undefined) return undefined;
  const text = raw.toString();
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new TemplateError(origin, undefined, 'renders a package.json that is not a JSON object');
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    const reason = (error as Error).message.replace(/ \(line \d+ column \d+\)$/, '').replace(/ in JSON at position \d+$/, '');
    const line = jsonErrorLine((error as Error).message, text);
    const lines = text.split('\n');
    // JSON.parse notices a missing comma at the next token: show that line and the one before.
    const shown = line
      ? `; around line ${line} of the rendered package.json: ${lines
          .slice(Math.max(0, line - 2), line)
          .map((l) => JSON.stringify(l.trim()))
          .join(' then ')}`
      : '';
    const partials = includes();
    const included = partials.length ? `; it includes ${partials.join(', ')}` : '';
    throw new TemplateError(origin, undefined, `renders package.json that is not valid JSON (${reason}${shown})${included}`);
  }
}

function dependenciesIn(packageJson: Record<string, unknown>) {
  const list = (field: unknown): Dependency[] =>
    field && typeof field === 'object'
      ? Object.entries(field as Record<string, unknown>)
          .map(([name, version]) => ({ name, version: String(version) }))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      : [];
  return { dependencies: list(packageJson.dependencies), devDependencies: list(packageJson.devDependencies) };
}

/** Answers → files, dependencies and commands, all in memory. Throws TemplateError. */
export function createPlan({ answers, trees, sessionSecret, generator, handlebars, toJavaScript }: PlanInput): Plan {
  const layered = layerTemplates(trees, answers.store, answers.lang);
  for (const [path, source] of layered.files) assertInsideTarget(path, source.origin);
  let files = renderTemplates(handlebars, layered, renderContext(answers, sessionSecret, generator));
  if (answers.lang === 'js') {
    if (!toJavaScript) throw new Error('createPlan: a JavaScript project needs toJavaScript (src/plan/to-javascript.ts)');
    files = javaScriptFiles(files, layered, toJavaScript);
  }
  const packageSource = layered.files.get('package.json');
  const packageJson = parsePackageJson(files, packageSource?.origin ?? 'package.json', () => includedPartials(packageSource, layered.partials));

  const pm = commandsOf(answers.pm);
  const [installCommand, ...installArgs] = pm.install.split(' ');
  return {
    answers,
    files,
    ...(packageJson ? dependenciesIn(packageJson) : dependenciesOf(answers)),
    warnings: layered.shadowed,
    install: answers.install ? { command: installCommand!, args: installArgs } : null,
    git: answers.git
      ? [
          { command: 'git', args: ['init', '--quiet'] },
          { command: 'git', args: ['add', '--all'] },
          { command: 'git', args: ['commit', '--quiet', '--no-verify', '-m', `Initial commit from ${generator.name}`] },
        ]
      : null,
  };
}
