/**
 * Adding a store is a descriptor, a template folder and a versions entry (docs/templates.md,
 * "Adding a store"). This registers a store that does not exist, fixture-kv
 * (test/unit/fixtures/fixture-store/: its descriptor and its templates/stores/fixture-kv/), and
 * renders projects with it through the real plan step, in TypeScript and JavaScript.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { createPlan } from '../../src/plan/plan.js';
import { findStore, managedServices, serverStores, stores, storesOf, testServices } from '../../src/stores/index.js';
import { builtinTemplatesDir, loadTemplateTree } from '../../src/template-loader.js';
import { versions } from '../../src/versions.js';
import { answers, generator, handlebars, toJavaScript } from './fixtures.js';
import { fixtureKv } from './fixtures/fixture-store/descriptor.js';

// The versions entry: `'connect-fixture-kv': '1.2.3'` in src/versions.ts.
vi.mock('../../src/versions.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/versions.js')>();
  return { ...actual, versions: { ...actual.versions, 'connect-fixture-kv': '1.2.3' } };
});

// The registration: the one line in src/stores/index.ts's `stores`.
vi.mock('../../src/stores/index.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/stores/index.js')>();
  const { fixtureKv } = await import('./fixtures/fixture-store/descriptor.js');
  (actual.stores as unknown as unknown[]).push(fixtureKv);
  return actual;
});

const fixtureRoot = fileURLToPath(new URL('./fixtures/fixture-store/templates', import.meta.url));

const render = (lang: 'ts' | 'js') =>
  createPlan({
    answers: answers({ store: findStore('fixture-kv')!, lang }),
    // The built-ins (base/, libraries/express-session/, partials/: there is no templates/stores/fixture-kv/), then the store's template folder.
    trees: [loadTemplateTree(builtinTemplatesDir, findStore('fixture-kv')!, 'built-in'), loadTemplateTree(fixtureRoot, findStore('fixture-kv')!, 'fixture')],
    sessionSecret: 's'.repeat(48),
    generator,
    handlebars,
    toJavaScript,
  });

describe('a store added as descriptor + template folder + versions entry', () => {
  it('is in the catalogue, its strategy\'s choices and the servers the tests know', () => {
    expect(versions['connect-fixture-kv' as keyof typeof versions]).toBe('1.2.3');
    expect(stores.at(-1)).toBe(fixtureKv);
    expect(findStore('fixture-kv')).toBe(fixtureKv);
    expect(storesOf('cache').map((s) => s.id)).toContain('fixture-kv');
    expect(serverStores().map((s) => s.id)).toContain('fixture-kv');
    expect(testServices()).toContain('fixture-kv');
    // managed: false: scripts/services.sh is not asked to start it.
    expect(managedServices()).not.toContain('fixture-kv');
  });

  it.each(['ts', 'js'] as const)('renders a whole project through the plan step (%s)', (lang) => {
    const plan = render(lang);
    const file = (path: string) => {
      const content = plan.files.get(path);
      expect(content, `${path} is rendered`).toBeDefined();
      return content!.toString();
    };
    for (const [path, content] of plan.files) expect(content.toString(), path).not.toMatch(/\{\{/);

    // Its template folder: the partials it fills and the file it adds.
    expect(file(`src/session.${lang}`)).toContain("import { FixtureKvStore } from 'connect-fixture-kv';");
    expect(file(`src/session.${lang}`)).toContain('new FixtureKvStore({ url: config.store.url');
    expect(file(`src/config.${lang}`)).toContain('FIXTURE_KV_URL must be a kv:// URL');
    expect(file(`test/fixture-kv-store.test.${lang}`)).toContain("describe('fixture-kv store'");
    expect(file(`src/session.${lang}`).includes('Promise<OpenedStore>')).toBe(lang === 'ts');
    // Its descriptor: dependencies pinned from the versions entry, env vars, notes, compose service.
    expect(JSON.parse(file('package.json')).dependencies).toMatchObject({ 'connect-fixture-kv': '1.2.3', 'express-session': versions['express-session'] });
    expect(plan.dependencies).toContainEqual({ name: 'connect-fixture-kv', version: '1.2.3' });
    expect(file('.env')).toMatch(/^FIXTURE_KV_URL=kv:\/\/127\.0\.0\.1:7777$/m);
    expect(file('.env.example')).toMatch(/Fixture KV server URL[^\n]*\nFIXTURE_KV_URL=kv:\/\/127\.0\.0\.1:7777$/m);
    const readme = file('README.md');
    expect(readme).toContain('Sessions are keys of the fixture KV server, which expire on their own.');
    expect(readme).toContain('**Good at:** being rendered by a unit test.');
    expect(readme).toContain('## Running several instances');
    expect(file('docker-compose.yml')).toMatch(/^  fixture-kv:\n[\s\S]*image: fixture\/kv:1\.0/m);
    expect(plan.warnings).toEqual([]);
  });
});
