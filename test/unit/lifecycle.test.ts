import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/output.js';
import { generator } from '../../src/generator.js';
import { main } from '../../src/index.js';
import { recordFile } from '../../src/record.js';

/**
 * switch, update and check run in process on projects the CLI writes into temporary folders
 * (the merge decisions themselves: merge.test.ts; the switched apps installed, tested and
 * driven over HTTP against real servers: test/e2e/lifecycle.test.ts).
 */

let dir: string;
let app: string;
let out: string;
let err: string;

const io: Io = {
  stdout: { write: (text) => void (out += text), isTerminal: false },
  stderr: { write: (text) => void (err += text), isTerminal: false },
  stdinIsTerminal: () => false,
};

async function run(...argv: string[]): Promise<number> {
  out = '';
  err = '';
  return main(argv, io);
}

const read = (path: string) => readFileSync(join(app, path), 'utf8');
const record = () => JSON.parse(read(recordFile));

/** Every file under the project with its contents, to show that a run wrote nothing. */
function snapshot(root = app): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(root, { recursive: true }) as string[]) {
    const path = join(root, name);
    if (!name.startsWith('.git/') && statSync(path).isFile()) files[name] = readFileSync(path, 'utf8');
  }
  return files;
}

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' };
const git = (...args: string[]) => execFileSync('git', args, { cwd: app, env: gitEnv, stdio: 'pipe' }).toString();

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cesa-lifecycle-'));
  app = join(dir, 'app');
  expect(await run(app, '--store', 'sqlite', '--yes', '--no-install', '--no-git')).toBe(0);
  git('init', '--quiet');
  git('add', '--all');
  git('commit', '--quiet', '-m', 'initial');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the record', () => {
  it('holds the answers and the version, and no secret', () => {
    expect(record()).toMatchObject({ generator: generator.name, version: generator.version, answers: { name: 'app', store: 'sqlite', lang: 'ts', pm: 'npm', docker: true } });
    const secret = /^SESSION_SECRET=(.+)$/m.exec(read('.env'))![1]!;
    expect(read(recordFile)).not.toContain(secret);
  });

  it('records --template relative to the project', async () => {
    const templates = join(dir, 'my-templates');
    expect(await run('eject', templates, '--store', 'redis')).toBe(0);
    expect(await run(join(dir, 'other'), '--store', 'redis', '--template', templates, '--yes', '--no-install', '--no-git')).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'other', recordFile), 'utf8')).answers.template).toBe('../my-templates');
  });
});

describe('switch', () => {
  it('moves the project to another store, keeping the user’s edits, the secret and their own dependencies', async () => {
    const secret = /^SESSION_SECRET=(.+)$/m.exec(read('.env'))![1]!;
    appendFileSync(join(app, 'src/routes/api.ts'), '\n// my route lives here\n');
    writeFileSync(join(app, 'README.md'), read('README.md').replace(/^# app$/m, '# My shop'));
    writeFileSync(join(app, '.env'), read('.env').replace('PORT=3000', 'PORT=4000') + '\nSHOP_API_KEY=abc\n');
    const pkg = JSON.parse(read('package.json'));
    pkg.dependencies.zod = '4.0.0';
    pkg.scripts.lint = 'eslint .';
    writeFileSync(join(app, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    git('commit', '--quiet', '-am', 'my edits');

    expect(await run('switch', 'redis', '--cwd', app)).toBe(0);
    expect(err).toBe('');
    expect(record().answers.store).toBe('redis');
    expect(read('src/routes/api.ts')).toContain('// my route lives here');
    expect(read('README.md')).toMatch(/^# My shop$/m);
    expect(read('README.md')).toContain('Redis');
    expect(read('src/session.ts')).toContain('connect-redis');
    expect(existsSync(join(app, 'src/sqlite-store.ts'))).toBe(false);
    expect(existsSync(join(app, 'test/redis-store.test.ts'))).toBe(true);
    const env = read('.env');
    expect(env).toContain(`SESSION_SECRET=${secret}\n`);
    expect(env).toContain('PORT=4000');
    expect(env).toContain('SHOP_API_KEY=abc');
    expect(env).toContain('REDIS_URL=');
    expect(env).not.toContain('SQLITE_PATH');
    expect(read('.env.example')).toContain('REDIS_URL=');
    const merged = JSON.parse(read('package.json'));
    expect(merged.dependencies).toMatchObject({ redis: expect.any(String), 'connect-redis': expect.any(String), zod: '4.0.0' });
    expect(merged.dependencies['better-sqlite3']).toBeUndefined();
    expect(merged.scripts.lint).toBe('eslint .');
    expect(out).toContain('Next steps:');
    expect(out).toContain('npm install');
    expect(out).toContain('docker compose up -d redis');
  });

  it('switches a JavaScript project with its JavaScript files', async () => {
    const js = join(dir, 'js-app');
    expect(await run(js, '--store', 'sqlite', '--lang', 'js', '--yes', '--no-install', '--no-git')).toBe(0);
    appendFileSync(join(js, 'src/routes/api.js'), '\n// my route lives here\n');
    expect(await run('switch', 'redis', '--cwd', js)).toBe(0);
    expect(readFileSync(join(js, 'src/routes/api.js'), 'utf8')).toContain('// my route lives here');
    expect(readFileSync(join(js, 'src/session.js'), 'utf8')).toContain('connect-redis');
    expect(existsSync(join(js, 'src/sqlite-store.js'))).toBe(false);
    expect(readdirSync(join(js, 'src')).filter((name) => name.endsWith('.ts'))).toEqual([]);
    expect(JSON.parse(readFileSync(join(js, recordFile), 'utf8')).answers).toMatchObject({ store: 'redis', lang: 'js' });
  });

  it('writes conflict markers, lists the file and exits 1', async () => {
    writeFileSync(join(app, 'src/session.ts'), read('src/session.ts').replace("import { SqliteStore } from './sqlite-store.js';", "import { SqliteStore } from './sqlite-store.js'; // tuned"));
    git('commit', '--quiet', '-am', 'edit the store import');
    expect(read('src/session.ts')).toContain('// tuned'); // the edit above found its line

    expect(await run('switch', 'redis', '--cwd', app, '--json')).toBe(1);
    const result = JSON.parse(out);
    expect(result).toMatchObject({ ok: false, exitCode: 1, conflicts: ['src/session.ts'], from: { store: 'sqlite' }, to: { store: 'redis' } });
    expect(read('src/session.ts')).toMatch(/^<<<<<<< yours\n[\s\S]*\/\/ tuned[\s\S]*\n=======\n[\s\S]*\n>>>>>>> redis \(create-express-session-app /m);
    expect(err).toContain('src/session.ts');
  });

  it('--dry-run prints a diff and writes nothing', async () => {
    const before = snapshot();
    expect(await run('switch', 'memory', '--cwd', app, '--dry-run')).toBe(0);
    expect(snapshot()).toEqual(before);
    expect(out).toContain('--- a/src/session.ts\n+++ b/src/session.ts');
    expect(out).toContain('--- a/src/sqlite-store.ts\n+++ /dev/null');
    expect(out).toContain('Dry run: nothing written');
  });

  it('--json reports each file and the dependencies', async () => {
    expect(await run('switch', 'cookie', '--cwd', app, '--json')).toBe(0);
    const result = JSON.parse(out);
    expect(result.files).toContainEqual({ path: 'src/sqlite-store.ts', action: 'remove', notes: [] });
    expect(result.dependencies).toContain('+cookie-session');
    expect(result.dependencies).toContain('-better-sqlite3');
  });

  it('refuses a dirty git tree (exit 2, nothing written) unless --force', async () => {
    appendFileSync(join(app, 'README.md'), '\nnot committed\n');
    const before = snapshot();
    expect(await run('switch', 'redis', '--cwd', app)).toBe(2);
    expect(err).toContain('uncommitted changes (M README.md)');
    expect(snapshot()).toEqual(before);
    expect(await run('switch', 'redis', '--cwd', app, '--force')).toBe(0);
    expect(read('README.md')).toContain('not committed');
  });

  it.each([
    [['switch', 'nosuch'], 'Unknown store "nosuch"'],
    [['switch', 'redis', '--cwd', '/nonexistent/folder'], 'is not a project made by create-express-session-app'],
    [['switch'], "missing required argument 'store'"],
    [['switch', 'redis', '--bogus'], "unknown option '--bogus'"],
  ])('bad input %j: exit 2, nothing written', async (argv, message) => {
    const before = snapshot();
    expect(await run(...argv, ...(argv.includes('--cwd') ? [] : ['--cwd', app]))).toBe(2);
    expect(err).toContain(message);
    expect(snapshot()).toEqual(before);
  });

  it('refuses a record from a newer version, or a broken one (exit 2, nothing written)', async () => {
    writeFileSync(join(app, recordFile), JSON.stringify({ ...record(), version: '99.0.0' }));
    git('commit', '--quiet', '-am', 'from the future');
    const before = snapshot();
    expect(await run('switch', 'redis', '--cwd', app)).toBe(2);
    expect(err).toContain('made with version 99.0.0, newer than this');
    expect(snapshot()).toEqual(before);
    writeFileSync(join(app, recordFile), JSON.stringify({ ...record(), version: generator.version, answers: { ...record().answers, store: 'tape' } }));
    const broken = snapshot();
    expect(await run('switch', 'redis', '--cwd', app, '--force')).toBe(2);
    expect(err).toContain('"answers.store" is not one of');
    expect(snapshot()).toEqual(broken);
  });

  it('has nothing to do on the store it already uses', async () => {
    const before = snapshot();
    expect(await run('switch', 'sqlite', '--cwd', app)).toBe(0);
    expect(out).toContain('already uses sqlite');
    expect(snapshot()).toEqual(before);
  });

  it('re-renders with the recorded --template folder', async () => {
    const templates = join(dir, 'tpl');
    expect(await run('eject', templates, '--store', 'redis')).toBe(0);
    appendFileSync(join(templates, 'stores/redis/files/test/redis-store.test.ts.hbs'), '// from my template\n');
    const project = join(dir, 'templated');
    expect(await run(project, '--store', 'sqlite', '--template', templates, '--yes', '--no-install', '--no-git')).toBe(0);
    expect(await run('switch', 'redis', '--cwd', project)).toBe(0);
    expect(readFileSync(join(project, 'test/redis-store.test.ts'), 'utf8')).toContain('// from my template');

    rmSync(templates, { recursive: true });
    expect(await run('switch', 'memory', '--cwd', project)).toBe(2);
    expect(err).toContain('The template folder recorded in .create-express-session-app.json (../tpl) is missing');
  });
});

describe('check and update', () => {
  const recordVersion = (version: string) => {
    writeFileSync(join(app, recordFile), JSON.stringify({ ...record(), version }, null, 2));
    git('commit', '--quiet', '-am', `record ${version}`);
  };

  it('check exits 0 when the project is on this version, 1 when behind, 2 when ahead', async () => {
    expect(await run('check', '--cwd', app)).toBe(0);
    expect(out).toContain('up to date');
    recordVersion('0.0.1');
    expect(await run('check', '--cwd', app, '--json')).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ ok: false, version: '0.0.1', running: generator.version });
    expect(err).toContain('update');
    recordVersion('99.0.0');
    expect(await run('check', '--cwd', app)).toBe(2);
  });

  it('update has nothing to do on this version', async () => {
    expect(await run('update', '--cwd', app)).toBe(0);
    expect(out).toContain('up to date');
  });

  it('update says so plainly, exit 1 and nothing written, when the recorded version cannot be fetched', async () => {
    recordVersion('0.0.1');
    const before = snapshot();
    const registry = process.env.npm_config_registry;
    process.env.npm_config_registry = 'http://127.0.0.1:9/'; // nothing listens on the discard port
    process.env.npm_config_fetch_retries = '0';
    try {
      expect(await run('update', '--cwd', app)).toBe(1);
    } finally {
      if (registry === undefined) delete process.env.npm_config_registry;
      else process.env.npm_config_registry = registry;
      delete process.env.npm_config_fetch_retries;
    }
    expect(err).toContain(`Could not run create-express-session-app@0.0.1 through npm`);
    expect(err).toContain('Nothing was written.');
    expect(snapshot()).toEqual(before);
  }, 60_000);
});
