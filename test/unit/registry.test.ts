import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { availableStrategies, defaultStoreId, defaultStoreOf, findStore, stores, strategies } from '../../src/stores/index.js';
import { versions } from '../../src/versions.js';

const templatesDir = new URL('../../templates/', import.meta.url);

describe('store registry', () => {
  it('has unique ids and labels', () => {
    expect(new Set(stores.map((s) => s.id)).size).toBe(stores.length);
    expect(new Set(stores.map((s) => s.label)).size).toBe(stores.length);
  });

  it('gives every store a known strategy, pinned dependencies and documented env vars', () => {
    for (const store of stores) {
      expect(strategies).toContain(store.strategy);
      for (const dep of [...store.dependencies, ...store.typeDependencies]) {
        expect(versions[dep], `${store.id}: ${dep}`).toMatch(/^\d+\.\d+\.\d+$/);
      }
      for (const variable of store.env) {
        expect(variable.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
        expect(variable.description.length).toBeGreaterThan(10);
      }
      expect(store.notes.length).toBeGreaterThan(0);
    }
  });

  it('has a template folder for every store and no folder without a store', () => {
    const folders = readdirSync(new URL('stores/', templatesDir));
    expect(folders.sort()).toEqual(stores.map((s) => s.id).sort());
    for (const store of stores) expect(existsSync(new URL(`stores/${store.id}/`, templatesDir))).toBe(true);
  });

  it('picks the documented default per strategy and overall', () => {
    expect(defaultStoreId).toBe('sqlite');
    expect(findStore(defaultStoreId)?.strategy).toBe('database');
    expect(defaultStoreOf('database').id).toBe('sqlite');
    expect(defaultStoreOf('cookie').id).toBe('cookie');
    expect(defaultStoreOf('memory').id).toBe('memory');
    for (const strategy of availableStrategies()) expect(defaultStoreOf(strategy).strategy).toBe(strategy);
  });

  it('only offers strategies that have stores', () => {
    for (const strategy of availableStrategies()) expect(stores.some((s) => s.strategy === strategy)).toBe(true);
  });

  it('describes a compose service only with a port, image tag and health check', () => {
    for (const store of stores.filter((s) => s.service)) {
      expect(store.service!.image).toMatch(/:[\w.-]+$/);
      expect(store.service!.port).toBeGreaterThan(0);
      expect(store.service!.healthcheck.length).toBeGreaterThan(0);
    }
  });

  it('is the catalogue the README documents, row for row', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `([a-z-]+)` \| (memory|cookie|cache|database) \|/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(expect.arrayContaining(stores.map((s) => [s.id, s.strategy])));
    expect(rows).toHaveLength(stores.length);
  });
});
