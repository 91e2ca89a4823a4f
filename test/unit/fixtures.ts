import Handlebars from 'handlebars';
import type { Answers } from '../../src/answers.js';
import type { TemplateTree } from '../../src/plan/templates.js';
import { findStore } from '../../src/stores/index.js';

export function tree(files: Record<string, string>, label = 'templates'): TemplateTree {
  return new Map(Object.entries(files).map(([path, text]) => [path, { origin: `${label}/${path}`, content: Buffer.from(text) }]));
}

export function answers(overrides: Partial<Answers> = {}): Answers {
  return {
    directory: 'my-app',
    projectName: 'my-app',
    store: findStore('sqlite')!,
    lang: 'ts',
    pm: 'npm',
    install: true,
    git: true,
    docker: true,
    force: false,
    ...overrides,
  };
}

export const generator = { name: 'create-express-session-app', version: '0.0.0-test' };

/** The full package: the unit tests' templates are compiled as a user's `--template` files are. */
export const handlebars = Handlebars;
/** What src/cli/create.ts loads for a JavaScript project. */
export { toJavaScript } from '../../src/plan/to-javascript.js';
