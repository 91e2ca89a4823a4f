import { describe, expect, it } from 'vitest';
import { mergeEnv } from '../../src/merge/env.js';
import { mergeProject, type Content } from '../../src/merge/files.js';
import { mergePackageJson } from '../../src/merge/package-json.js';

const labels = { ours: 'yours', theirs: 'redis' };

function merged(base: Record<string, Content>, theirs: Record<string, Content>, ours: Record<string, Content>) {
  const changes = mergeProject({ base: new Map(Object.entries(base)), theirs: new Map(Object.entries(theirs)), ours: (path) => ours[path], labels });
  return Object.fromEntries(changes.map((c) => [c.path, { action: c.action, content: c.content?.toString(), notes: c.notes }]));
}

const lines = (...items: string[]) => `${items.join('\n')}\n`;

describe('mergeProject: what happens to each file', () => {
  it('replaces a file the user never touched, and leaves alone one the new version does not change', () => {
    const result = merged({ 'a.ts': 'old', 'same.ts': 'x', 'mine.ts': 'b' }, { 'a.ts': 'new', 'same.ts': 'x', 'mine.ts': 'b' }, { 'a.ts': 'old', 'same.ts': 'x', 'mine.ts': 'edited by me' });
    expect(result).toEqual({ 'a.ts': { action: 'update', content: 'new', notes: [] } });
  });

  it('merges a file both changed in different places', () => {
    const base = lines('one', 'two', 'three', 'four', 'five');
    const result = merged({ 'r.ts': base }, { 'r.ts': lines('one', 'two', 'three', 'four', 'FIVE') }, { 'r.ts': lines('ONE', 'two', 'three', 'four', 'five') });
    expect(result['r.ts']).toEqual({ action: 'merge', content: lines('ONE', 'two', 'three', 'four', 'FIVE'), notes: [] });
  });

  it('writes git-style markers where both changed the same lines', () => {
    const result = merged({ 'r.ts': lines('a', 'b', 'c') }, { 'r.ts': lines('a', 'theirs', 'c') }, { 'r.ts': lines('a', 'mine', 'c') });
    expect(result['r.ts']!.action).toBe('conflict');
    expect(result['r.ts']!.content).toBe(lines('a', '<<<<<<< yours', 'mine', '=======', 'theirs', '>>>>>>> redis', 'c'));
  });

  it('adds the new version’s files and removes the old one’s that the user left alone', () => {
    const result = merged({ 'sqlite-store.ts': 'store' }, { 'redis.test.ts': 'test' }, { 'sqlite-store.ts': 'store' });
    expect(result).toEqual({
      'redis.test.ts': { action: 'create', content: 'test', notes: [] },
      'sqlite-store.ts': { action: 'remove', content: undefined, notes: [] },
    });
  });

  it('keeps, and lists as a conflict, a file the user changed that the new version drops', () => {
    const result = merged({ 'sqlite-store.ts': 'store' }, {}, { 'sqlite-store.ts': 'store, tuned' });
    expect(result['sqlite-store.ts']!.action).toBe('conflict');
    expect(result['sqlite-store.ts']!.content).toBeUndefined();
    expect(result['sqlite-store.ts']!.notes[0]).toContain('no longer has it');
  });

  it('does not bring back a file the user deleted; lists it when the new version changes it', () => {
    expect(merged({ 'gone.ts': 'x' }, { 'gone.ts': 'x' }, {})).toEqual({});
    const result = merged({ 'gone.ts': 'x' }, { 'gone.ts': 'y' }, {});
    expect(result['gone.ts']!.action).toBe('conflict');
    expect(result['gone.ts']!.notes[0]).toContain('you deleted this file');
  });

  it('leaves a missing .env missing (a fresh clone has none)', () => {
    expect(merged({ '.env': 'A=1\n' }, { '.env': 'A=1\nB=2\n' }, {})).toEqual({});
  });

  it('merges a file both sides added against nothing: every difference is a conflict', () => {
    const result = merged({}, { 'redis.ts': lines('new') }, { 'redis.ts': lines('mine') });
    expect(result['redis.ts']!.action).toBe('conflict');
    expect(result['redis.ts']!.content).toContain('<<<<<<< yours\nmine\n=======\nnew\n>>>>>>> redis');
  });

  it('never merges a binary file by line', () => {
    const result = merged({ 'icon.png': Buffer.from([0, 1]) }, { 'icon.png': Buffer.from([0, 2]) }, { 'icon.png': Buffer.from([0, 3]) });
    expect(result['icon.png']).toMatchObject({ action: 'conflict', content: undefined });
  });

  it('always writes the files it is told to (the record), even over an edit', () => {
    const changes = mergeProject({
      base: new Map([['record.json', 'v1']]),
      theirs: new Map([['record.json', 'v2']]),
      ours: () => 'edited',
      labels,
      alwaysTheirs: new Set(['record.json']),
    });
    expect(changes).toMatchObject([{ path: 'record.json', action: 'update', content: 'v2' }]);
  });
});

describe('mergePackageJson', () => {
  const pkg = (value: object) => `${JSON.stringify(value, null, 2)}\n`;
  const base = pkg({ name: 'app', scripts: { test: 'vitest run' }, dependencies: { 'better-sqlite3': '12.0.0', express: '5.0.0' } });
  const theirs = pkg({ name: 'app', scripts: { test: 'vitest run' }, dependencies: { express: '5.0.0', redis: '6.0.0' } });

  it("takes out the old store's dependencies, brings in the new ones, keeps the user's own", () => {
    const ours = pkg({ name: 'app', scripts: { test: 'vitest run', lint: 'eslint .' }, dependencies: { 'better-sqlite3': '12.0.0', express: '5.0.0', zod: '4.0.0' } });
    const result = mergePackageJson(base, theirs, ours)!;
    expect(result.conflicts).toEqual([]);
    expect(JSON.parse(result.text)).toEqual({ name: 'app', scripts: { test: 'vitest run', lint: 'eslint .' }, dependencies: { express: '5.0.0', redis: '6.0.0', zod: '4.0.0' } });
    expect(Object.keys(JSON.parse(result.text).dependencies)).toEqual(['express', 'redis', 'zod']); // sorted, as npm writes them
  });

  it("keeps the user's value where both changed one key, and says so", () => {
    const ours = pkg({ name: 'app', scripts: { test: 'vitest run --coverage' }, dependencies: { 'better-sqlite3': '12.0.0', express: '5.0.0' } });
    const newTest = pkg({ name: 'app', scripts: { test: 'vitest' }, dependencies: { express: '5.0.0', redis: '6.0.0' } });
    const result = mergePackageJson(base, newTest, ours)!;
    expect(JSON.parse(result.text).scripts.test).toBe('vitest run --coverage');
    expect(JSON.parse(result.text).dependencies).toEqual({ express: '5.0.0', redis: '6.0.0' });
    expect(result.conflicts).toEqual(['scripts.test: yours is "vitest run --coverage", the new version has "vitest" (was "vitest run"); kept yours']);
  });

  it('keeps a dependency the user upgraded that the new store drops, as a conflict', () => {
    const ours = pkg({ name: 'app', scripts: { test: 'vitest run' }, dependencies: { 'better-sqlite3': '12.4.0', express: '5.0.0' } });
    const result = mergePackageJson(base, theirs, ours)!;
    expect(JSON.parse(result.text).dependencies['better-sqlite3']).toBe('12.4.0');
    expect(result.conflicts[0]).toMatch(/^dependencies\.better-sqlite3: yours is "12.4.0", the new version has nothing/);
  });

  it('gives up (undefined: merged by line instead) when a side is not JSON', () => {
    expect(mergePackageJson(base, theirs, '{ broken')).toBeUndefined();
  });
});

describe('mergeEnv', () => {
  const env = (...vars: [string, string][]) => lines('# settings', ...vars.flatMap(([name, value]) => ['', `# ${name} help`, `${name}=${value}`]));
  const base = env(['PORT', '3000'], ['SESSION_SECRET', 'generated'], ['SQLITE_PATH', 'data/sessions.db']);
  const theirs = env(['PORT', '3000'], ['SESSION_SECRET', 'generated'], ['REDIS_URL', 'redis://127.0.0.1:6379'], ['REDIS_PREFIX', '']);

  it("keeps every value the user set, adds the new store's variables and drops the old store's", () => {
    const ours = env(['PORT', '4000'], ['SESSION_SECRET', 'my-own-secret'], ['SQLITE_PATH', 'data/sessions.db']) + 'API_KEY=k\n';
    const { text, notes } = mergeEnv(base, theirs, ours);
    expect(text).toBe(env(['PORT', '4000'], ['SESSION_SECRET', 'my-own-secret'], ['REDIS_URL', 'redis://127.0.0.1:6379'], ['REDIS_PREFIX', '']) + 'API_KEY=k\n');
    expect(notes).toEqual([]);
  });

  it("keeps an old store's variable the user set, with a note", () => {
    const ours = env(['PORT', '3000'], ['SESSION_SECRET', 'generated'], ['SQLITE_PATH', '/var/lib/app.db']);
    const { text, notes } = mergeEnv(base, theirs, ours);
    expect(text).toContain('SQLITE_PATH=/var/lib/app.db');
    expect(text).toContain('REDIS_URL=redis://127.0.0.1:6379');
    expect(notes).toEqual(['SQLITE_PATH: kept the value you set, though the app no longer reads it']);
  });

  it('keeps a variable the user already added that the new version also brings', () => {
    const ours = env(['PORT', '3000'], ['SESSION_SECRET', 'generated'], ['SQLITE_PATH', 'data/sessions.db']) + 'REDIS_URL=redis://cache:6379\n';
    const { text } = mergeEnv(base, theirs, ours);
    expect(text.match(/REDIS_URL=/g)).toHaveLength(1);
    expect(text).toContain('REDIS_URL=redis://cache:6379');
  });
});
