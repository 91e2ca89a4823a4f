/**
 * The package as published: what the tarball holds, `npx <tarball>` as the issue shows it,
 * `--dry-run --json`, and a `--no-install` scaffold's closing instructions.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, npxTarball, removeDir, scaffold, tempDir, type PackedCli } from './pack.js';
import { describeRun, run } from '../support/process.js';

let packed: PackedCli;
let work: string;
const timings: string[] = [];

beforeAll(async () => {
  packed = await cli();
  work = await tempDir('cli');
});

afterAll(async () => {
  if (timings.length) console.log(`e2e timings (cli):\n  ${timings.join('\n  ')}`);
  if (work) await removeDir(work);
});

describe('the packed tarball', () => {
  it('holds bin, dist and templates, and nothing from src/ or test/', async () => {
    const r = await run('tar', ['-tzf', packed.tarball], { cwd: work, timeoutMs: 30_000 });
    expect(r.code, describeRun(r)).toBe(0);
    const files = r.stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    expect(files, 'tarball: package.json').toContain('package.json');
    expect(files, 'tarball: the bin').toContain('bin/create-express-session-app.js');
    expect(files, 'tarball: the bin is CommonJS').toContain('bin/package.json');
    expect(files, 'tarball: the built CLI').toContain('dist/index.cjs');
    expect(files, 'tarball: templates precompiled by Handlebars').toEqual(
      expect.arrayContaining(['dist/templates/base.cjs', 'dist/templates/partials.cjs', 'dist/templates/stores/sqlite.cjs']),
    );
    expect(files.some((f) => f.startsWith('templates/')), 'tarball: the built-in templates').toBe(true);
    expect(files.filter((f) => /^(src|test|scripts|\.ci)\//.test(f)), 'tarball: no sources, tests or CI scripts').toEqual([]);
  });

  it('installs with no dependency tree (the CLI is bundled)', () => {
    const manifest = JSON.parse(readFileSync(join(packed.prefix, 'node_modules', 'create-express-session-app', 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}, 'the published package.json has no runtime dependencies').toEqual({});
    const installed = readdirSync(join(packed.prefix, 'node_modules')).filter((n) => !n.startsWith('.'));
    expect(installed, 'installing the tarball pulls in nothing else').toEqual(['create-express-session-app']);
  });

  it('`create-express-session-app --help` answers from the installed bin', async () => {
    const r = await scaffold(['--help'], { cwd: work, timeoutMs: 30_000 });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout + r.stderr, describeRun(r)).toMatch(/--store/);
  });
});

describe('npx <tarball>', () => {
  it('`npx <tgz> my-app --yes --no-install --no-git` writes my-app and exits 0', async () => {
    const cwd = await tempDir('npx');
    const t = Date.now();
    // The exact form the issue asks for; stdin closed, as in CI.
    const r = await npxTarball(['my-app', '--yes', '--no-install', '--no-git'], { cwd, env: { CI: 'true' } });
    timings.push(`npx <tgz> my-app --yes --no-install --no-git: ${((Date.now() - t) / 1000).toFixed(1)} s`);
    expect(r.code, describeRun(r)).toBe(0);
    const app = join(cwd, 'my-app');
    for (const f of ['package.json', 'README.md', '.env', '.env.example', '.gitignore']) {
      expect(existsSync(join(app, f)), `npx: my-app/${f} exists\n${describeRun(r)}`).toBe(true);
    }
    expect(existsSync(join(app, 'node_modules')), '--no-install: no node_modules').toBe(false);
    expect(existsSync(join(app, '.git')), '--no-git: no .git').toBe(false);
    await removeDir(cwd);
  });
});

describe('--dry-run --json', () => {
  it('prints the plan as one JSON object on stdout and writes nothing', async () => {
    const cwd = await tempDir('dry');
    const r = await scaffold(['planned-app', '--store', 'sqlite', '--lang', 'ts', '--dry-run', '--json', '--yes'], { cwd });
    expect(r.code, describeRun(r)).toBe(0);
    let plan: any;
    expect(() => (plan = JSON.parse(r.stdout)), `--json: stdout is exactly one JSON object\n${describeRun(r)}`).not.toThrow();
    expect(plan.store, '--dry-run --json: the plan names the store').toBe('sqlite');
    expect(plan.lang, '--dry-run --json: the plan names the language').toBe('ts');
    const paths = (plan.files as Array<{ path: string } | string>).map((f) => (typeof f === 'string' ? f : f.path));
    expect(paths, '--dry-run --json: the plan lists the files').toEqual(
      expect.arrayContaining(['package.json', 'src/app.ts', 'src/server.ts', 'src/session.ts', 'README.md']),
    );
    expect(Object.keys(plan.dependencies ?? {}), '--dry-run --json: the plan lists dependencies').toEqual(
      expect.arrayContaining(['express', 'express-session', 'better-sqlite3']),
    );
    expect(existsSync(join(cwd, 'planned-app')), '--dry-run writes nothing: no target directory').toBe(false);
    expect(readdirSync(cwd), '--dry-run writes nothing at all').toEqual([]);
    await removeDir(cwd);
  });
});

describe('--no-install', () => {
  it('writes the project fast and prints its next steps and a re-runnable command', async () => {
    const cwd = await tempDir('noinstall');
    const t = Date.now();
    const r = await scaffold(['quick-app', '--store', 'memory', '--lang', 'js', '--no-install', '--no-git', '--yes'], { cwd });
    const ms = Date.now() - t;
    timings.push(`scaffold --no-install (memory, js): ${(ms / 1000).toFixed(2)} s`);
    expect(r.code, describeRun(r)).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out, `next steps: cd into the project\n${describeRun(r)}`).toMatch(/cd quick-app/);
    expect(out, `next steps: install (it was skipped)\n${describeRun(r)}`).toMatch(/npm install/);
    expect(out, `next steps: a way to run the app\n${describeRun(r)}`).toMatch(/npm (run dev|start)/);
    expect(out, `a one-line re-runnable command with every answer as a flag\n${describeRun(r)}`).toMatch(
      /--store memory\b.*--lang js\b.*--no-install\b.*--no-git\b/,
    );
    const app = join(cwd, 'quick-app');
    const readme = readFileSync(join(app, 'README.md'), 'utf8');
    expect(readme, 'README: how to run').toMatch(/npm (start|run dev)/);
    expect(readme, 'README: how to test').toMatch(/npm (run )?test/);
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    expect(pkg.name, 'package.json name').toBe('quick-app');
    expect(Object.keys(pkg.scripts ?? {}), 'scripts: start, dev, test').toEqual(expect.arrayContaining(['start', 'dev', 'test']));
    expect(existsSync(join(app, 'node_modules')), '--no-install: no node_modules').toBe(false);
    await removeDir(cwd);
  });

  it('without --yes or flags and with stdin closed, exits 2 naming the missing flags (never hangs)', async () => {
    const cwd = await tempDir('usage');
    const r = await scaffold([], { cwd, env: { CI: undefined }, timeoutMs: 30_000 });
    expect(r.timedOut, `non-interactive run must not hang\n${describeRun(r)}`).toBe(false);
    expect(r.code, `missing directory/store without --yes → exit 2\n${describeRun(r)}`).toBe(2);
    expect(readdirSync(cwd), 'a usage error writes nothing').toEqual([]);
    await removeDir(cwd);
  });
});
