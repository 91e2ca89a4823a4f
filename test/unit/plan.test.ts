import { describe, expect, it } from 'vitest';
import { layerTemplates, outputPath } from '../../src/plan/layers.js';
import { createPlan } from '../../src/plan/plan.js';
import { TemplateError } from '../../src/plan/render.js';
import { findStore } from '../../src/stores/index.js';
import { answers, generator, handlebars, tree, toJavaScript } from './fixtures.js';

const plan = (files: Record<string, string>, overrides = {}, user?: Record<string, string>) =>
  createPlan({
    answers: answers(overrides),
    trees: [tree(files), ...(user ? [tree(user, 'my-templates')] : [])],
    sessionSecret: 'secret-secret-secret-secret-secret-secret',
    generator,
    handlebars,
    toJavaScript,
  });

const text = (p: ReturnType<typeof plan>, path: string) => p.files.get(path)?.toString();

describe('output paths', () => {
  it.each([
    ['src/app.ts.hbs', 'ts', 'src/app.ts'],
    ['src/app.ts.hbs', 'js', 'src/app.js'],
    ['src/types.d.ts.hbs', 'js', 'src/types.d.ts'],
    ['_gitignore', 'ts', '.gitignore'],
    ['_env.example.hbs', 'js', '.env.example'],
    ['public/index.html', 'js', 'public/index.html'],
    ['test/app.test.ts.hbs', 'js', 'test/app.test.js'],
  ] as const)('%s in %s → %s', (from, lang, to) => {
    expect(outputPath(from, lang)).toBe(to);
  });
});

describe('layering', () => {
  it('lets a store replace a base file and a partial, per file', () => {
    const layered = layerTemplates(
      [
        tree({
          'base/a.txt.hbs': 'base a',
          'base/b.txt.hbs': 'base b',
          'partials/slot.hbs': 'default',
          'stores/sqlite/files/b.txt.hbs': 'sqlite b',
          'stores/sqlite/partials/slot.hbs': 'sqlite slot',
          'stores/memory/files/a.txt.hbs': 'memory a',
        }),
      ],
      findStore('sqlite')!,
      'ts',
    );
    expect(layered.files.get('a.txt')?.content.toString()).toBe('base a');
    expect(layered.files.get('b.txt')?.content.toString()).toBe('sqlite b');
    expect(layered.partials.get('slot')?.content.toString()).toBe('sqlite slot');
  });

  it('puts a later tree (the user\'s) over the built-ins', () => {
    const p = plan({ 'base/a.txt.hbs': 'A {{> slot}}', 'partials/slot.hbs': 'built-in' }, {}, { 'partials/slot.hbs': 'mine' });
    expect(text(p, 'a.txt')).toBe('A mine');
  });
});

describe('rendering', () => {
  it('renders the context and the ts/js helpers', () => {
    const files = { 'base/src/x.ts.hbs': 'const a{{#ts}}: number{{/ts}} = 1; // {{projectName}} {{store.id}} {{ext}}{{#js}} js{{/js}}' };
    expect(text(plan(files), 'src/x.ts')).toBe('const a: number = 1; // my-app sqlite ts');
    expect(text(plan(files, { lang: 'js' }), 'src/x.js')).toBe('const a = 1; // my-app sqlite js js');
  });

  it('does not HTML-escape code', () => {
    expect(text(plan({ 'base/a.js.hbs': "{{json projectName}} {{store.label}} <'&'>" }), 'a.js')).toBe(`"my-app" SQLite (better-sqlite3) <'&'>`);
  });

  it('drops a file that renders to white space only', () => {
    const p = plan({ 'base/tsconfig.json.hbs': '{{#ts}}{}{{/ts}}\n', 'base/keep.txt.hbs': 'x' }, { lang: 'js' });
    expect(p.files.has('tsconfig.json')).toBe(false);
    expect(p.files.has('keep.txt')).toBe(true);
  });

  it('copies files without .hbs as they are', () => {
    expect(text(plan({ 'base/raw.txt': '{{not rendered}}' }), 'raw.txt')).toBe('{{not rendered}}');
  });

  it('supports eq blocks', () => {
    expect(text(plan({ 'base/a.hbs': '{{#eq store.id "sqlite"}}yes{{else}}no{{/eq}}' }), 'a')).toBe('yes');
  });

  it('writes the generated secret and the store env vars into the context', () => {
    const p = plan({ 'base/_env.hbs': '{{#each env}}{{name}}={{value}}\n{{/each}}' });
    expect(text(p, '.env')).toContain('SESSION_SECRET=secret-secret-secret-secret-secret-secret');
    expect(text(p, '.env')).toContain('SQLITE_PATH=data/sessions.db');
  });

  it('lists the pinned dependencies of the store and language', () => {
    const ts = plan({});
    expect(ts.dependencies.map((d) => d.name)).toEqual(['better-sqlite3', 'express', 'express-rate-limit', 'express-session', 'http-errors']);
    expect(ts.devDependencies.map((d) => d.name)).toContain('@types/better-sqlite3');
    const js = plan({}, { lang: 'js', store: findStore('cookie')! });
    expect(js.dependencies.map((d) => d.name)).toEqual(['cookie-session', 'express', 'express-rate-limit', 'http-errors']);
    expect(js.devDependencies.map((d) => d.name)).toEqual(['supertest', 'vitest']);
  });

  it('plans install and git commands from the answers', () => {
    expect(plan({}).install).toEqual({ command: 'npm', args: ['install'] });
    expect(plan({}, { pm: 'pnpm' }).install).toEqual({ command: 'pnpm', args: ['install'] });
    expect(plan({}, { install: false, git: false })).toMatchObject({ install: null, git: null });
    expect(plan({}).git?.map((c) => c.args[0])).toEqual(['init', 'add', 'commit']);
  });
});

describe('template errors name the file and line', () => {
  const error = (files: Record<string, string>) => {
    try {
      plan(files);
    } catch (caught) {
      return caught as TemplateError;
    }
    throw new Error('expected a TemplateError');
  };

  it('for an unknown variable', () => {
    const e = error({ 'base/a.txt.hbs': 'line one\n{{nope}}' });
    expect(e).toBeInstanceOf(TemplateError);
    expect(e.message).toBe('templates/base/a.txt.hbs:2: "nope" is not a known variable or helper');
  });

  it('for a syntax error', () => {
    const e = error({ 'base/a.txt.hbs': 'ok\nok\n{{#if}}' });
    expect(e.origin).toBe('templates/base/a.txt.hbs');
    expect(e.line).toBe(3);
  });

  it('for an unknown helper', () => {
    const e = error({ 'base/a.txt.hbs': '{{shout projectName}}' });
    expect(e.message).toContain('"shout" is not a known variable or helper');
    expect(e.origin).toBe('templates/base/a.txt.hbs');
  });

  it('inside a partial, naming the partial', () => {
    const e = error({ 'base/a.txt.hbs': '{{> slot}}', 'partials/slot.hbs': '\n\n{{missing.thing}}' });
    expect(e.origin).toBe('templates/partials/slot.hbs');
    expect(e.line).toBe(3);
  });

  it('for an unknown partial', () => {
    expect(error({ 'base/a.txt.hbs': '{{> nowhere}}' }).message).toContain('nowhere');
  });

  it('for a package.json that is not JSON', () => {
    expect(error({ 'base/package.json.hbs': '{ "name": {{json projectName}}, }' }).message).toMatch(
      /^templates\/base\/package\.json\.hbs: renders package\.json that is not valid JSON/,
    );
  });
});
