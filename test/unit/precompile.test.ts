import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { plainTemplateFor, whyNotPlain } from '../../build/plain-template.js';
import { precompileFor } from '../../build/precompile.js';
import type { Answers, Language } from '../../src/answers.js';
import { builtinTemplateTree } from '../../src/builtin-templates.js';
import { createPlan } from '../../src/plan/plan.js';
import { plainRuntime, type PlainTemplate } from '../../src/plan/plain-runtime.js';
import { renderTemplates, TemplateError } from '../../src/plan/render.js';
import { isTemplate, type TemplateSource, type TemplateSpecification, type TemplateTree } from '../../src/plan/templates.js';
import { stores } from '../../src/stores/index.js';
import { answers, generator } from './fixtures.js';

const text = (source: TemplateSource) => source.content.toString('utf8');

function plain(template: string, lang: Language): PlainTemplate {
  const code = plainTemplateFor(template, lang);
  if (code === undefined) throw new Error(`no plain form: ${whyNotPlain(template, lang)}`);
  return new Function(`return ${code}`)() as PlainTemplate;
}

/** The built-ins as the published package holds them: compiled at build time for one language. */
function compiledTree(tree: TemplateTree, lang: Language, form: 'precompiled' | 'plain'): TemplateTree {
  return new Map(
    [...tree].map(([path, source]) => {
      if (!isTemplate(path)) return [path, source];
      if (form === 'plain') return [path, { ...source, render: plain(text(source), lang) }];
      const spec = new Function(`return ${precompileFor(text(source), lang)}`)() as TemplateSpecification;
      return [path, { ...source, precompiled: spec }];
    }),
  );
}

const combinations = stores.flatMap((store) => (['ts', 'js'] as const).map((lang) => [store.id, lang] as const));
const variants: Partial<Answers>[] = [
  { pm: 'npm', docker: true },
  { pm: 'pnpm', docker: false },
  { pm: 'yarn', docker: true },
  { pm: 'bun', docker: false },
];

describe('templates compiled at build time, one variant per language', () => {
  it.each(combinations)('render %s/%s exactly as compiling at run time does, in both compiled forms', (storeId, lang) => {
    const tree = builtinTemplateTree(storeId, lang);
    for (const variant of variants) {
      const input = { answers: answers({ store: stores.find((s) => s.id === storeId)!, lang, ...variant }), sessionSecret: 's'.repeat(48), generator };
      const atRunTime = createPlan({ ...input, trees: [tree] });
      expect(atRunTime.files.size).toBeGreaterThan(10);
      for (const form of ['precompiled', 'plain'] as const) {
        const atBuildTime = createPlan({ ...input, trees: [compiledTree(tree, lang, form)] });
        expect([...atBuildTime.files.keys()]).toEqual([...atRunTime.files.keys()]);
        for (const [path, out] of atRunTime.files) expect(atBuildTime.files.get(path)?.toString(), `${form} ${variant.pm} ${path}`).toBe(out.toString());
      }
    }
  });

  it('compiles every built-in template to a plain function (no Handlebars at run time)', () => {
    const notPlain: string[] = [];
    for (const [storeId, lang] of combinations) {
      for (const [path, source] of builtinTemplateTree(storeId, lang)) {
        const why = isTemplate(path) ? whyNotPlain(text(source), lang) : undefined;
        if (why) notPlain.push(`${source.origin} (${lang}): ${why}`);
      }
    }
    expect(notPlain).toEqual([]);
  });

  it('resolves ts/js blocks at every depth, leaving no helper to call', () => {
    const template = 'a{{#ts}}T{{else}}J{{/ts}}b{{#js}}j{{/js}}{{#if x}}[{{#ts}}in{{/ts}}]{{/if}}\n';
    const render = (lang: Language, x: boolean) => {
      // A fresh Handlebars without the ts/js helpers: a block left behind would fail.
      const spec = new Function(`return ${precompileFor(template, lang)}`)() as TemplateSpecification;
      return Handlebars.create().template(spec)({ x });
    };
    expect(render('ts', true)).toBe('aTb[in]\n');
    expect(render('js', true)).toBe('aJbj[]\n');
    expect(render('js', false)).toBe('aJbj\n');
    const runtime = plainRuntime(() => '');
    expect(plain(template, 'ts')({ x: true }, { root: {} }, runtime)).toBe('aTb[in]\n');
    expect(plain(template, 'js')({ x: false }, { root: {} }, runtime)).toBe('aJbj\n');
  });
});

/** Renders `files` (path → text) with `partials`, each either plain-compiled or left to Handlebars. */
function render(files: Record<string, string>, partials: Record<string, string>, context: Record<string, unknown>, compiled: (name: string) => boolean) {
  const source = (name: string, template: string): TemplateSource => ({
    origin: name.endsWith('.hbs') ? `t/${name}` : `t/${name}.hbs`,
    content: Buffer.from(template),
    ...(compiled(name) ? { render: plain(template, 'ts') } : {}),
  });
  return renderTemplates(
    {
      files: new Map(Object.entries(files).map(([path, t]) => [path, source(path, t)])),
      partials: new Map(Object.entries(partials).map(([name, t]) => [name, source(`partials/${name}.hbs`, t)])),
      shadowed: [],
    },
    { isTs: true, ...context },
  );
}

function renderError(...args: Parameters<typeof render>): TemplateError {
  try {
    render(...args);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('rendered without an error');
}

const all = () => true;
const none = () => false;

describe('plain templates behave as Handlebars does', () => {
  const context = {
    name: 'app',
    zero: 0,
    empty: '',
    nothing: null,
    list: ['a', 'b', 'c'],
    none: [],
    deps: { express: '5.1.0', 'express-session': '1.18.2' },
    nested: { inner: { value: 'deep' }, flag: true },
    store: { id: 'redis', env: [{ name: 'REDIS_URL', value: 'redis://x' }] },
    fn() {
      return 'called';
    },
  };
  const cases: Record<string, string> = {
    paths: '{{name}}/{{nested.inner.value}}/{{zero}}/{{empty}}/{{nothing}}/{{this.name}}/{{fn}}\n',
    json: '{{json name}} {{json deps}} {{json nested.inner}} {{json zero}}\n',
    conditions:
      '{{#if name}}y{{else}}n{{/if}}{{#if zero}}y{{else}}n{{/if}}{{#if none}}y{{else}}n{{/if}}{{#if list}}y{{/if}}' +
      '{{#unless empty}}u{{/unless}}{{#unless name}}U{{else}}e{{/unless}}{{#if nothing}}y{{/if}}\n',
    eq: '{{#eq store.id "redis"}}R{{else}}not{{/eq}}{{#eq zero 0}}Z{{/eq}}{{#eq name "x"}}X{{else}}-{{/eq}}\n',
    each:
      '{{#each list}}{{@index}}{{this}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}},{{/each}}\n' +
      '{{#each deps}}{{@key}}={{this}} {{@root.name}};{{/each}}\n' +
      '{{#each none}}x{{else}}empty{{/each}}\n' +
      '{{#each store.env}}\n  {{name}}: {{json value}} ({{@index}})\n{{/each}}\n',
    standalone: 'a\n{{#if name}}\n  inside\n{{/if}}\n{{! a comment }}\n{{#unless name}}\nno\n{{/unless}}\nz\n',
    whitespace: 'a  {{~name~}}  b\n{{#if name~}}\n   tight\n{{~/if}}\n',
  };

  it.each(Object.keys(cases))('%s', (name) => {
    const handlebars = render({ out: cases[name]! }, {}, context, none).get('out');
    expect(render({ out: cases[name]! }, {}, context, all).get('out')).toBe(handlebars);
    expect(handlebars).toBeTruthy();
  });

  it('indents a standalone partial like Handlebars, and plain and Handlebars partials include each other', () => {
    const files = { out: 'top\n  {{> block}}\n{{#if name}}\n    {{> block}}\n{{/if}}\nend {{> inline}}!\n' };
    const partials = { block: 'line 1 {{name}}\n{{> inline}}\nline 3\n', inline: '[{{nested.inner.value}}]' };
    const expected = render(files, partials, context, none).get('out');
    // A standalone partial tag takes its line's newline, so [deep] runs into line 3.
    expect(expected).toBe('top\n  line 1 app\n  [deep]line 3\n    line 1 app\n    [deep]line 3\nend [deep]!\n');
    for (const compiled of [all, (n: string) => n === 'out', (n: string) => n !== 'out', (n: string) => n === 'partials/block.hbs']) {
      expect(render(files, partials, context, compiled).get('out')).toBe(expected);
    }
  });

  it('reports an unknown variable and an unknown partial with the same file, line and words', () => {
    const cases: [Record<string, string>, Record<string, string>][] = [
      [{ out: 'a\nb {{missing}}\n' }, {}],
      [{ out: 'a\n{{nested.nope.value}}\n' }, {}],
      [{ out: 'a\n\n{{> nowhere}}\n' }, {}],
      [{ out: 'a\n{{> slot}}\n' }, { slot: '\n\n{{missing.thing}}' }],
    ];
    for (const [files, partials] of cases) {
      const expected = renderError(files, partials, context, none);
      for (const compiled of [all, (n: string) => n === 'out', (n: string) => n !== 'out']) {
        const error = renderError(files, partials, context, compiled);
        expect([error.origin, error.line, error.reason]).toEqual([expected.origin, expected.line, expected.reason]);
      }
    }
  });

  it('leaves to Handlebars what it does not compile', () => {
    for (const template of ['{{> slot x}}', '{{#each list as |item|}}{{item}}{{/each}}', '{{../name}}', '{{#with nested}}{{flag}}{{/with}}', '{{lookup deps "x"}}', '{{name x=1}}', '{{log}}']) {
      expect(plainTemplateFor(template, 'ts'), template).toBeUndefined();
      expect(whyNotPlain(template, 'ts'), template).toMatch(/ at line 1$/);
    }
  });
});
