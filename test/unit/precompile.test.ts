import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { precompileFor } from '../../build/precompile.js';
import type { Language } from '../../src/answers.js';
import { builtinTemplateTree } from '../../src/builtin-templates.js';
import { createPlan } from '../../src/plan/plan.js';
import { isTemplate, type TemplateSpecification, type TemplateTree } from '../../src/plan/templates.js';
import { stores } from '../../src/stores/index.js';
import { answers, generator } from './fixtures.js';

/** The built-ins as the published package holds them: compiled at build time for one language. */
function precompiledTree(tree: TemplateTree, lang: Language): TemplateTree {
  return new Map(
    [...tree].map(([path, source]) => {
      if (!isTemplate(path)) return [path, source];
      const spec = new Function(`return ${precompileFor(source.content.toString('utf8'), lang)}`)() as TemplateSpecification;
      return [path, { ...source, precompiled: spec }];
    }),
  );
}

const combinations = stores.flatMap((store) => (['ts', 'js'] as const).map((lang) => [store.id, lang] as const));

describe('templates compiled at build time, one variant per language', () => {
  it.each(combinations)('render %s/%s exactly as compiling at run time does', (storeId, lang) => {
    const input = { answers: answers({ store: stores.find((s) => s.id === storeId)!, lang }), sessionSecret: 's'.repeat(48), generator };
    const tree = builtinTemplateTree(storeId, lang);
    const atRunTime = createPlan({ ...input, trees: [tree] });
    const atBuildTime = createPlan({ ...input, trees: [precompiledTree(tree, lang)] });
    expect(atBuildTime.files.size).toBeGreaterThan(10);
    expect([...atBuildTime.files.keys()]).toEqual([...atRunTime.files.keys()]);
    for (const [path, text] of atRunTime.files) expect(atBuildTime.files.get(path)?.toString(), path).toBe(text.toString());
  });

  it('resolves ts/js blocks at every depth, leaving no helper to call', () => {
    const text = 'a{{#ts}}T{{else}}J{{/ts}}b{{#js}}j{{/js}}{{#if x}}[{{#ts}}in{{/ts}}]{{/if}}\n';
    const render = (lang: Language, x: boolean) => {
      // A fresh Handlebars without the ts/js helpers: a block left behind would fail.
      const spec = new Function(`return ${precompileFor(text, lang)}`)() as TemplateSpecification;
      return Handlebars.create().template(spec)({ x });
    };
    expect(render('ts', true)).toBe('aTb[in]\n');
    expect(render('js', true)).toBe('aJbj[]\n');
    expect(render('js', false)).toBe('aJbj\n');
  });
});
