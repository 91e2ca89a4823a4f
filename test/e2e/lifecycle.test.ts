/**
 * `switch` and `update` from the packed tarball, on projects a user has edited: a route, the
 * README, .env, a store-specific file and, for each switch, one edit that conflicts. After each
 * run the conflicts are resolved as a user would (here: taking the new store's side), then the
 * app installs for real, passes its own tests and type check, and serves the HTTP contract
 * against the new store's real server (test/e2e/contract.ts).
 *
 * `update` needs the version the project was made with from the registry: the test serves a
 * "previous version" (the tarball repacked as 0.0.1 with one template line changed) from a
 * small local npm registry, so the CLI fetches it through npm exactly as it would in the wild.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from './app.js';
import { OWN_SUITE_ARGS, sharedApp } from './apps.js';
import { call, CookieJar, driveContract } from './contract.js';
import { cli, INSTALL_ENV, PACKAGE_NAME, removeDir, scaffold, tempDir } from './pack.js';
import { describeRun, freePort, run, stop, userEnv, type RunResult } from '../support/process.js';
import { requireService, serviceEnv } from '../support/services.js';

const RECORD = '.create-express-session-app.json';
const gitIdentity = { GIT_AUTHOR_NAME: 'E2E', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'E2E', GIT_COMMITTER_EMAIL: 'e2e@example.com' };
const summary: string[] = [];

afterAll(() => {
  if (summary.length) console.log(`e2e lifecycle:\n  ${summary.join('\n  ')}`);
});

// ------------------------------------------------------------------ helpers

const read = (app: string, path: string) => readFileSync(join(app, path), 'utf8');
const write = (app: string, path: string, text: string) => writeFileSync(join(app, path), text);

/** Replaces `from` in a file, failing when the file no longer has it (the edit must land). */
function edit(app: string, path: string, from: string | RegExp, to: string): void {
  const text = read(app, path);
  const next = text.replace(from, to);
  expect(next, `the edit of ${path} finds ${String(from)}`).not.toBe(text);
  write(app, path, next);
}

async function sh(app: string, command: string, args: string[], env: Record<string, string> = {}, timeoutMs = 600_000): Promise<RunResult> {
  const r = await run(command, args, { cwd: app, env: userEnv({ ...gitIdentity, ...env }), timeoutMs });
  expect(r.code, `${command} ${args.join(' ')} in ${app}\n${describeRun(r)}`).toBe(0);
  return r;
}

const commitAll = async (app: string, message: string) => {
  await sh(app, 'git', ['add', '--all']);
  await sh(app, 'git', ['commit', '--quiet', '--no-verify', '-m', message]);
};

/** The edits a user makes on day one: a route, the README's title, a variable of their own in .env. */
function userEdits(app: string): void {
  edit(app, 'src/routes/api.ts', '  return router;', "  router.get('/hello', (_req, res) => res.json({ greeting: process.env.SHOP_GREETING ?? null }));\n\n  return router;");
  edit(app, 'README.md', /^# .*$/m, '# My shop');
  appendFileSync(join(app, '.env'), '\n# My own setting\nSHOP_GREETING=hello from .env\n');
}

/** Each conflict block resolved as a user might: keep the new version's side. */
function takeTheirs(text: string): string {
  return text.replace(/^<<<<<<< .*\n[\s\S]*?^=======\n([\s\S]*?)^>>>>>>> .*\n/gm, '$1');
}

interface Switched {
  result: RunResult;
  json: { conflicts: string[]; files: { path: string; action: string }[] };
}

async function switchTo(app: string, store: string): Promise<Switched> {
  const result = await scaffold(['switch', store, '--json'], { cwd: app, env: gitIdentity });
  let json: Switched['json'];
  try {
    json = JSON.parse(result.stdout);
  } catch {
    throw new Error(`switch ${store} printed no JSON\n${describeRun(result)}`);
  }
  const by = (action: string) => json.files.filter((f) => f.action === action).map((f) => f.path);
  summary.push(`switch → ${store}: exit ${result.code}; merged: ${by('merge').join(', ') || '-'}; conflicts: ${json.conflicts.join(', ') || '-'}; ` + `${by('update').length} updated, ${by('create').length} created, ${by('remove').length} removed`);
  return { result, json };
}

/**
 * Before the install, the run's shared TypeScript app of the new store (apps.ts) lends a copy of
 * its node_modules: after the switch the project asks for the same packages at the same pinned
 * versions, so the real `npm install` that follows finds them in place, checks each against
 * package.json, fetches what is missing, removes what is extra and writes the lockfile, instead
 * of extracting the same tarballs again (~20 s each). The test's claim still holds: the
 * project's new package.json installs, and the installed app passes its own tests, its type
 * check and the contract.
 */
async function seedNodeModules(app: string, store: string): Promise<void> {
  const shared = await sharedApp(store, 'ts');
  if (shared.scaffold.code !== 0) return; // nothing to lend: the install below does it all
  rmSync(join(app, 'node_modules'), { recursive: true, force: true });
  await sh(app, 'cp', ['-a', join(shared.dir, 'node_modules'), join(app, 'node_modules')]);
  rmSync(join(app, 'node_modules', '.vite'), { recursive: true, force: true }); // the shared app's test-run cache
}

/** Installs, runs the app's own tests and type check, starts it and drives the HTTP contract and the user's route. */
async function proveApp(app: string, store: string, env: Record<string, string>): Promise<void> {
  rmSync(join(app, 'dist'), { recursive: true, force: true }); // the previous store's build
  await seedNodeModules(app, store);
  await sh(app, 'npm', ['install', '--no-audit', '--no-fund'], INSTALL_ENV);
  const tests = await sh(app, 'npm', OWN_SUITE_ARGS, env);
  expect(`${tests.stdout}\n${tests.stderr}`, `the app's own tests skip nothing while ${store} is up`).not.toMatch(/\b[1-9]\d* skipped\b/);
  await sh(app, 'npm', ['run', 'typecheck']);
  const { proc, baseUrl } = await startApp(app, await freePort(), env);
  try {
    await driveContract(baseUrl, store);
    const hello = await call(baseUrl, 'GET', '/api/hello', { jar: new CookieJar() });
    expect(hello.json, 'the route the user added answers, with the value the user put in .env').toEqual({ greeting: 'hello from .env' });
  } catch (error) {
    (error as Error).message += `\n--- app output:\n${proc.output().slice(-4_000)}`;
    throw error;
  } finally {
    await stop(proc);
  }
}

/** What the user kept through a run: their route, README title, .env value and session secret. */
function expectUserEditsKept(app: string, secret: string): void {
  expect(read(app, 'src/routes/api.ts')).toContain("router.get('/hello'");
  expect(read(app, 'README.md')).toMatch(/^# My shop$/m);
  expect(read(app, '.env')).toContain('SHOP_GREETING=hello from .env');
  expect(read(app, '.env')).toContain(`SESSION_SECRET=${secret}\n`);
}

const secretOf = (app: string) => /^SESSION_SECRET=(.+)$/m.exec(read(app, '.env'))![1]!;

// ------------------------------------------------------------------ switch

const redisUp = await requireService('redis');
const postgresUp = await requireService('postgres');

// The three stories of this file run side by side (`describe.concurrent`): each has a project
// of its own and talks to servers the others leave alone. The steps of a story run in order.
describe.skipIf(!redisUp || !postgresUp).concurrent('switch sqlite → redis → postgres (TypeScript, edited by the user)', () => {
  let work = '';
  let app = '';
  let secret = '';

  beforeAll(async () => {
    work = await tempDir('switch-sqlite');
    const r = await scaffold(['app', '--store', 'sqlite', '--pm', 'npm', '--no-install', '--git', '--yes'], { cwd: work, env: gitIdentity });
    expect(r.code, describeRun(r)).toBe(0);
    app = join(work, 'app');
    secret = secretOf(app);
    userEdits(app);
    // A store-specific file, changed where the switch does not touch it…
    edit(app, 'src/config.ts', /^/, '// Settings for the shop (my note).\n');
    // …and one changed where the switch does: a conflict.
    edit(app, 'src/session.ts', "import { SqliteStore } from './sqlite-store.js';", "import { SqliteStore } from './sqlite-store.js'; // my tuned store");
    await commitAll(app, 'my edits');
  });

  afterAll(async () => {
    if (work) await removeDir(work);
  });

  it.sequential('sqlite → redis: merges the edits, lists the one conflict, exits 1', async () => {
    const { result, json } = await switchTo(app, 'redis');
    expect(result.code, describeRun(result)).toBe(1);
    expect(json.conflicts).toEqual(['src/session.ts']);
    expect(read(app, 'src/session.ts')).toContain('<<<<<<< yours');
    expect(JSON.parse(read(app, RECORD)).answers.store).toBe('redis');
    expectUserEditsKept(app, secret);
    expect(read(app, 'src/config.ts')).toMatch(/^\/\/ Settings for the shop \(my note\)\.\n/);
    expect(read(app, '.env')).toContain('REDIS_URL=');
    expect(read(app, '.env')).not.toContain('SQLITE_PATH');
    expect(JSON.parse(read(app, 'package.json')).dependencies).toHaveProperty('connect-redis');
    expect(JSON.parse(read(app, 'package.json')).dependencies).not.toHaveProperty('better-sqlite3');
    expect(readdirSync(join(app, 'src'))).not.toContain('sqlite-store.ts');
  });

  it.sequential('resolved, the redis app installs, passes its own tests and serves the contract against Redis', async () => {
    write(app, 'src/session.ts', takeTheirs(read(app, 'src/session.ts')));
    await proveApp(app, 'redis', serviceEnv('redis'));
    await commitAll(app, 'switch to redis');
  });

  it.sequential('redis → postgres: the earlier edits stay, the new conflict is listed, exit 1', async () => {
    edit(app, 'src/session.ts', /^/, '// Session wiring, reviewed by me.\n');
    edit(app, 'src/config.ts', /prefix: env\.REDIS_PREFIX \|\| '[^']*'/, "prefix: env.REDIS_PREFIX || 'shop:sess:'");
    await commitAll(app, 'more edits');
    const { result, json } = await switchTo(app, 'postgres');
    expect(result.code, describeRun(result)).toBe(1);
    expect(json.conflicts).toEqual(['src/config.ts']);
    expectUserEditsKept(app, secret);
    expect(read(app, 'src/session.ts')).toMatch(/^\/\/ Session wiring, reviewed by me\.\n/);
    expect(read(app, 'src/session.ts')).toContain('connect-pg-simple');
    expect(read(app, '.env')).toContain('DATABASE_URL=');
    expect(read(app, '.env')).not.toContain('REDIS_URL');
    expect(JSON.parse(read(app, 'package.json')).dependencies).toHaveProperty('pg');
    expect(JSON.parse(read(app, 'package.json')).dependencies).not.toHaveProperty('redis');
  });

  it.sequential('resolved, the postgres app installs, passes its own tests and serves the contract against PostgreSQL', async () => {
    write(app, 'src/config.ts', takeTheirs(read(app, 'src/config.ts')));
    await proveApp(app, 'postgres', serviceEnv('postgres'));
  });
});

describe.concurrent('switch memory → cookie (TypeScript, edited by the user)', () => {
  let work = '';
  let app = '';

  beforeAll(async () => {
    work = await tempDir('switch-memory');
    const r = await scaffold(['app', '--store', 'memory', '--pm', 'npm', '--no-install', '--git', '--yes'], { cwd: work, env: gitIdentity });
    expect(r.code, describeRun(r)).toBe(0);
    app = join(work, 'app');
  });

  afterAll(async () => {
    if (work) await removeDir(work);
  });

  it('switches with one conflict, and once resolved the cookie app installs, passes its tests and serves the contract', async () => {
    const secret = secretOf(app);
    userEdits(app);
    edit(app, 'src/config.ts', /^/, '// Settings for the shop (my note).\n');
    edit(app, 'src/config.ts', ': 10_000;', ': 5_000; // fewer sessions for my small server');
    await commitAll(app, 'my edits');

    const { result, json } = await switchTo(app, 'cookie');
    expect(result.code, describeRun(result)).toBe(1);
    expect(json.conflicts).toEqual(['src/config.ts']);
    expectUserEditsKept(app, secret);
    expect(read(app, 'src/config.ts')).toMatch(/^\/\/ Settings for the shop \(my note\)\.\n/);
    expect(JSON.parse(read(app, 'package.json')).dependencies).toHaveProperty('cookie-session');
    expect(JSON.parse(read(app, 'package.json')).dependencies).not.toHaveProperty('memorystore');

    write(app, 'src/config.ts', takeTheirs(read(app, 'src/config.ts')));
    await proveApp(app, 'cookie', {});
  });
});

// ------------------------------------------------------------------ update

/** A one-package npm registry on 127.0.0.1: the packument and the tarball of each version given. */
async function localRegistry(tarballs: Map<string, Buffer>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const path = decodeURIComponent(req.url ?? '');
    if (path === `/${PACKAGE_NAME}`) {
      const versions = Object.fromEntries(
        [...tarballs].map(([version, bytes]) => [
          version,
          {
            name: PACKAGE_NAME,
            version,
            bin: { [PACKAGE_NAME]: 'bin/create-express-session-app.js' },
            dist: { tarball: `${base}/${PACKAGE_NAME}/-/${PACKAGE_NAME}-${version}.tgz`, integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}` },
          },
        ]),
      );
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name: PACKAGE_NAME, 'dist-tags': { latest: [...tarballs.keys()].at(-1) }, versions }));
      return;
    }
    const version = new RegExp(`^/${PACKAGE_NAME}/-/${PACKAGE_NAME}-(.+)\\.tgz$`).exec(path)?.[1];
    const bytes = version && tarballs.get(version);
    if (bytes) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(bytes);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/** Every file under `dir`, recursively. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true })
    .map((name) => join(dir, String(name)))
    .filter((path) => statSync(path).isFile());

describe.concurrent('update from a project made by the previous version', () => {
  let work = '';
  let app = '';
  let registry: Server | undefined;
  /** npm talks to the local registry with a cache of its own (no stale copy of a version from another run). */
  let npmEnv: Record<string, string> = {};
  const oldVersion = '0.0.1';

  beforeAll(async () => {
    work = await tempDir('update');
    // The previous version: this tarball with an older version number and one README heading worded differently.
    const old = join(work, 'old');
    mkdirSync(old);
    await sh(old, 'tar', ['-xzf', (await cli()).tarball]);
    const current = JSON.parse(read(join(old, 'package'), 'package.json')).version as string;
    edit(join(old, 'package'), 'package.json', `"version": "${current}"`, `"version": "${oldVersion}"`);
    // The bundle carries package.json's fields (src/generator.ts): the version it reports is in there.
    edit(join(old, 'package'), 'dist/index.cjs', `name:"${PACKAGE_NAME}",version:"${current}"`, `name:"${PACKAGE_NAME}",version:"${oldVersion}"`);
    const precompiled = filesUnder(join(old, 'package', 'dist', 'templates')).filter((path) => readFileSync(path, 'utf8').includes('## Run it'));
    expect(precompiled.length, 'the README template has a "## Run it" heading to reword').toBeGreaterThan(0);
    for (const path of precompiled) writeFileSync(path, readFileSync(path, 'utf8').replaceAll('## Run it', '## Running it'));
    await sh(old, 'tar', ['-czf', 'old.tgz', 'package']);
    const served = await localRegistry(new Map([[oldVersion, readFileSync(join(old, 'old.tgz'))]]));
    registry = served.server;
    npmEnv = { npm_config_registry: served.url, npm_config_cache: join(work, 'npm-cache'), npm_config_yes: 'true' };

    // The project, made by the previous version fetched from that registry.
    await sh(work, 'npm', ['exec', `--package=${PACKAGE_NAME}@${oldVersion}`, '--', PACKAGE_NAME, 'app', '--store', 'memory', '--pm', 'npm', '--no-install', '--git', '--yes'], npmEnv);
    app = join(work, 'app');
    expect(JSON.parse(read(app, RECORD)).version).toBe(oldVersion);
    expect(read(app, 'README.md')).toContain('## Running it');
  });

  afterAll(async () => {
    await new Promise((resolve) => registry?.close(resolve));
    if (work) await removeDir(work);
  });

  it('check exits 1, update merges the new templates into the edited project, check then exits 0', async () => {
    const secret = secretOf(app);
    userEdits(app);
    await commitAll(app, 'my edits');

    const behind = await scaffold(['check'], { cwd: app, env: npmEnv });
    expect(behind.code, describeRun(behind)).toBe(1);
    expect(behind.stderr).toContain(`made with version ${oldVersion}`);

    const updated = await scaffold(['update', '--json'], { cwd: app, env: { ...npmEnv, ...gitIdentity } });
    expect(updated.code, describeRun(updated)).toBe(0);
    const json = JSON.parse(updated.stdout) as Switched['json'];
    summary.push(`update ${oldVersion} → current: exit ${updated.code}; ` + json.files.map((f) => `${f.action} ${f.path}`).join(', '));
    expect(json.conflicts).toEqual([]);
    expect(json.files).toContainEqual(expect.objectContaining({ path: 'README.md', action: 'merge' }));
    expect(read(app, 'README.md')).toContain('## Run it');
    expect(read(app, 'README.md')).not.toContain('## Running it');
    expectUserEditsKept(app, secret);
    expect(JSON.parse(read(app, RECORD)).version).not.toBe(oldVersion);

    const upToDate = await scaffold(['check'], { cwd: app });
    expect(upToDate.code, describeRun(upToDate)).toBe(0);

    await proveApp(app, 'memory', {});
  });
});
