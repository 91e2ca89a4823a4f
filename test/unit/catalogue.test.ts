/**
 * Store knowledge lives only in the catalogue (src/stores): the traits are consistent, every
 * store is covered end to end by exactly one e2e file, the services scripts/services.sh starts
 * and test/support knows are the catalogue's, and the docs tables say what the descriptors and
 * template folders say.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isStateless, managedServices, serverStores, statelessStores, stores, testServices } from '../../src/stores/index.js';
import { versions, type PackageName } from '../../src/versions.js';
import { e2eMatrix } from '../support/matrix.js';
import { HARNESS_SERVICES, MANAGED_SERVICES, SERVICES, serviceSpec } from '../support/services.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const ids = (list: readonly { id: string }[]) => list.map((store) => store.id);

describe('store traits', () => {
  it('a cookie trait exactly for the cookie strategy; cookie stores are the stateless ones', () => {
    for (const store of stores) expect(store.cookie !== undefined, store.id).toBe(store.strategy === 'cookie');
    expect(ids(statelessStores())).toEqual(ids(stores.filter((s) => s.strategy === 'cookie')));
  });

  it('a server exactly where the generated docker-compose.yml has the store\'s service; stateless stores have none', () => {
    for (const store of stores) {
      expect(store.server !== undefined, `${store.id}: server ⇔ service`).toBe(store.service !== undefined);
      if (isStateless(store)) expect(store.server, store.id).toBeUndefined();
    }
  });

  it('gives each server its own service name, apart from the several-instances servers', () => {
    const names = serverStores().map((s) => s.server.service);
    const instances = serverStores().flatMap((s) => s.server.instanceServices);
    expect(new Set(names).size).toBe(names.length);
    expect(instances.filter((name) => names.includes(name))).toEqual([]);
    for (const name of [...names, ...instances]) expect(name).toMatch(/^[a-z][a-z0-9-]*$/);
  });
});

describe('e2e matrix', () => {
  it('covers every store in exactly one of embedded.test.ts, cookies.test.ts, servers.test.ts', () => {
    const { embedded, cookies, servers, otherServers } = e2eMatrix();
    const covered = [...embedded, ...cookies, ...servers, ...otherServers].map((s) => s.id);
    expect(covered.sort()).toEqual(ids(stores).sort());
  });

  it('servers.test.ts\'s part for a server this machine cannot run is written for MongoDB', () => {
    expect(ids(e2eMatrix().otherServers)).toEqual(['mongodb']);
  });

  it('load.test.ts runs the memory store (its churn test needs it)', () => {
    expect(ids(e2eMatrix().load)).toContain('memory');
  });
});

describe('services', () => {
  const script = read('scripts/services.sh');

  it('test/support knows where every server of the catalogue and the harness is', () => {
    expect(SERVICES).toEqual([...testServices(), ...HARNESS_SERVICES]);
    for (const name of SERVICES) expect(() => serviceSpec(name), name).not.toThrow();
    expect(MANAGED_SERVICES).toEqual([...managedServices(), ...HARNESS_SERVICES]);
  });

  it('scripts/services.sh can ensure, check and stop every managed service', () => {
    for (const name of MANAGED_SERVICES) {
      for (const verb of ['ensure', 'check', 'stop']) {
        expect(script, `${name.replace(/-/g, '_')}_${verb}() in services.sh`).toMatch(new RegExp(`^${name.replace(/-/g, '_')}_${verb}\\(\\)`, 'm'));
      }
    }
  });

  it('the fallback list in scripts/services.sh (for a clone without node_modules) is the catalogue\'s', () => {
    const fallback = /^CATALOGUE_SERVICES_FALLBACK=\(([^)]*)\)$/m.exec(script)?.[1]?.trim().split(/\s+/);
    expect(fallback).toEqual(managedServices());
    expect(/^HARNESS_SERVICES=\(([^)]*)\)$/m.exec(script)?.[1]?.trim().split(/\s+/)).toEqual([...HARNESS_SERVICES]);
  });

  it('scripts/catalogue-services.mjs prints the catalogue\'s list, and services.sh offers it', () => {
    const printed = execFileSync(process.execPath, [join(ROOT, 'scripts', 'catalogue-services.mjs')], { encoding: 'utf8' });
    expect(printed.trim().split('\n')).toEqual(managedServices());
    const usage = execFileSync('bash', [join(ROOT, 'scripts', 'services.sh'), '--help'], { encoding: 'utf8' });
    expect(usage).toContain(`SERVICE: ${[...managedServices(), ...HARNESS_SERVICES].join(' ')}\n`);
  });
});

describe('docs', () => {
  /** Table rows `| \`id\` | … |` of a markdown section, as [id, cells…]. */
  function rows(text: string, heading: string): string[][] {
    const start = text.indexOf(heading);
    expect(start, heading).toBeGreaterThanOrEqual(0);
    const section = text.slice(start + heading.length).split(/\n(?=#)/)[0]!;
    return [...section.matchAll(/^\| `([a-z0-9-]+)` \|(.*)\|$/gm)].map((m) => [m[1]!, ...m[2]!.split(' | ').map((c) => c.trim())]);
  }
  const named = (text: string, name: string) => new RegExp(`(?<![\\w@/-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).test(text);
  const major = (name: PackageName) => versions[name].split('.')[0];

  it('README\'s catalogue table: one row per store, in catalogue order, with its strategy, packages (and their majors) and legacy mark', () => {
    const table = rows(read('README.md'), '## The catalogue');
    expect(table.map(([id]) => id)).toEqual(ids(stores));
    for (const [id, strategy, library, notes] of table) {
      const store = stores.find((s) => s.id === id)!;
      expect(strategy, id).toBe(store.strategy);
      for (const dep of store.dependencies) {
        expect(named(library!, dep), `${id}: the row names ${dep}`).toBe(true);
        const m = new RegExp(`(?<![\\w-])${dep}(?: \\([^)]*\\))? (\\d+)\\b`).exec(library!);
        if (m) expect(m[1], `${id}: ${dep}'s major`).toBe(major(dep));
      }
      const mentioned = Object.keys(versions).filter((pkg) => named(library!, pkg) && !store.dependencies.includes(pkg as PackageName));
      expect(mentioned, `${id}: packages the row names that the store does not use`).toEqual([]);
      expect(`${library} ${notes}`.includes('**legacy**'), `${id}: **legacy** ⇔ legacy: true`).toBe(store.legacy);
    }
  });

  it('docs/templates.md lists, per store in catalogue order, exactly the files of templates/stores/<id>/files/', () => {
    const table = rows(read('docs/templates.md'), 'Whole files a store adds or replaces');
    expect(table.map(([id]) => id)).toEqual(ids(stores));
    for (const [id, files] of table) {
      const dir = join(ROOT, 'templates', 'stores', id!, 'files');
      const actual = existsSync(dir) ? walk(dir).sort() : [];
      const listed = [...files!.matchAll(/`([^`]+\.hbs)`/g)].map((m) => m[1]!).sort();
      expect(listed, `${id}: docs/templates.md vs templates/stores/${id}/files/`).toEqual(actual);
    }
  });
});

describe('the library layer', () => {
  const libraries = [...new Set(stores.map((store) => store.sessionLibrary))];

  it('docs/templates.md lists exactly the files of each templates/libraries/<library>/files/', () => {
    const text = readFileSync(join(ROOT, 'docs/templates.md'), 'utf8');
    const section = text.slice(text.indexOf('### Session library files')).split(/\n(?=#)/)[0]!;
    const table = [...section.matchAll(/^\| `([a-z0-9-]+)` \|(.*)\|$/gm)].map((m) => [m[1]!, m[2]!] as const);
    expect(table.map(([id]) => id).sort()).toEqual([...libraries].sort());
    for (const [library, files] of table) {
      const listed = [...files.matchAll(/`([^`]+\.hbs)`/g)].map((m) => m[1]!).sort();
      expect(listed, library).toEqual(walk(join(ROOT, 'templates', 'libraries', library, 'files')).sort());
    }
  });

  it('base/ names no store and no session library: those live in stores/<id>/ and libraries/<library>/', () => {
    // A library's name anywhere; a store id as a value (`"cookie"`, `stores/cookie`): "cookie" and "memory" are also words.
    const patterns = [
      ...libraries.map((library) => new RegExp(`(?<![\\w-])${library}(?![\\w-])`, 'i')),
      /sessionLibrary/,
      ...stores.map((store) => new RegExp(`["'/]${store.id}["'/]`)),
    ];
    for (const file of walk(join(ROOT, 'templates', 'base'))) {
      const text = readFileSync(join(ROOT, 'templates', 'base', file), 'utf8');
      expect(patterns.filter((pattern) => pattern.test(text)).map(String), `templates/base/${file}`).toEqual([]);
    }
  });
});

function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path, `${prefix}${entry}/`) : [`${prefix}${entry}`];
  });
}
