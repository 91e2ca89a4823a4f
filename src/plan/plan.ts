import { posix } from 'node:path';
import type { Answers } from '../answers.js';
import { commandsOf } from '../pm.js';
import { dependenciesOf, renderContext, type Dependency, type GeneratorInfo } from './context.js';
import { layerTemplates } from './layers.js';
import { renderTemplates, TemplateError } from './render.js';
import type { TemplateTree } from './templates.js';

export interface Command {
  command: string;
  args: string[];
}

export interface Plan {
  answers: Answers;
  /** Output path (relative, POSIX) → contents. */
  files: Map<string, string | Buffer>;
  dependencies: Dependency[];
  devDependencies: Dependency[];
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
}

function assertInsideTarget(path: string, origin: string): void {
  const normal = posix.normalize(path);
  if (posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../')) {
    throw new TemplateError(origin, undefined, `output path "${path}" would leave the project directory`);
  }
}

function assertValidPackageJson(files: Map<string, string | Buffer>, origin: string): void {
  const text = files.get('package.json');
  if (text === undefined) return;
  try {
    JSON.parse(text.toString());
  } catch (error) {
    throw new TemplateError(origin, undefined, `renders package.json that is not valid JSON (${(error as Error).message})`);
  }
}

/** Answers → files, dependencies and commands, all in memory. Throws TemplateError. */
export function createPlan({ answers, trees, sessionSecret, generator }: PlanInput): Plan {
  const layered = layerTemplates(trees, answers.store.id, answers.lang);
  for (const [path, source] of layered.files) assertInsideTarget(path, source.origin);
  const files = renderTemplates(layered, renderContext(answers, sessionSecret, generator));
  assertValidPackageJson(files, layered.files.get('package.json')?.origin ?? 'package.json');

  const pm = commandsOf(answers.pm);
  const [installCommand, ...installArgs] = pm.install.split(' ');
  return {
    answers,
    files,
    ...dependenciesOf(answers),
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
