import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/output.js';
import { main } from '../../src/index.js';

let dir: string;
let out: string;
let err: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cesa-main-'));
  out = '';
  err = '';
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** What the CLI writes, captured; no terminal anywhere, so nothing can be asked. */
const io: Io = {
  stdout: { write: (text) => void (out += text), isTerminal: false },
  stderr: { write: (text) => void (err += text), isTerminal: false },
  stdinIsTerminal: () => false,
};

const run = (...argv: string[]) => main(argv, io);
const target = (name = 'app') => join(dir, name);

describe('main: usage errors exit 2 and write nothing', () => {
  it('names each missing flag when nothing can be asked', async () => {
    expect(await run()).toBe(2);
    expect(err).toContain('the directory (first argument');
    expect(err).toContain('--store <id> or --strategy <strategy>');
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    [['--store', 'nosuch'], 'Unknown store "nosuch"'],
    [['--strategy', 'tape'], 'Unknown strategy "tape"'],
    [['--store', 'memory', '--strategy', 'database'], 'is a memory store, but --strategy is database'],
    [['--lang', 'rust'], 'Unknown language "rust"'],
    [['--nope'], "unknown option '--nope'"],
  ])('%j', async (flags, message) => {
    expect(await run(target(), ...flags)).toBe(2);
    expect(err).toContain(message);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses an invalid npm name with the reason and a valid form', async () => {
    expect(await run(target('My App'), '--yes', '--no-install', '--no-git')).toBe(2);
    expect(err).toContain('"My App" is not a valid npm package name');
    expect(err).toContain('capital letters');
    expect(err).toContain('Try "my-app"');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a target that is a file', async () => {
    writeFileSync(target(), 'i am a file');
    expect(await run(target(), '--yes')).toBe(2);
    expect(err).toContain('is a file, not a folder');
    expect(readFileSync(target(), 'utf8')).toBe('i am a file');
  });

  it('refuses a non-empty directory without --force and leaves it untouched', async () => {
    mkdirSync(target());
    writeFileSync(join(target(), 'package.json'), '{"mine":true}');
    expect(await run(target(), '--yes', '--no-install', '--no-git')).toBe(2);
    expect(err).toContain('is not empty (package.json)');
    expect(err).toContain('--force');
    expect(readdirSync(target())).toEqual(['package.json']);
    expect(readFileSync(join(target(), 'package.json'), 'utf8')).toBe('{"mine":true}');
  });

  it('reports a missing --template folder', async () => {
    expect(await run(target(), '--yes', '--template', join(dir, 'nowhere'))).toBe(2);
    expect(err).toContain('no such folder');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports a broken template with file and line, and writes nothing', async () => {
    mkdirSync(join(dir, 'tpl/base'), { recursive: true });
    writeFileSync(join(dir, 'tpl/base/README.md.hbs'), '# {{projectName}}\n\n{{#each}}');
    expect(await run(target(), '--yes', '--no-install', '--no-git', '--template', join(dir, 'tpl'))).toBe(2);
    expect(err).toMatch(/tpl\/base\/README\.md\.hbs:3/);
    expect(readdirSync(dir)).toEqual(['tpl']);
  });

  it('answers in JSON on stdout with --json', async () => {
    expect(await run('--store', 'nosuch', '--json', target())).toBe(2);
    expect(JSON.parse(out)).toMatchObject({ ok: false, exitCode: 2, errors: [expect.stringContaining('Unknown store')] });
  });
});

describe('main: success paths', () => {
  it('prints help and version with exit 0', async () => {
    expect(await run('--help')).toBe(0);
    expect(out).toContain('Usage: create-express-session-app [directory] [options]');
    out = '';
    expect(await run('--version')).toBe(0);
    expect(out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('lists the stores, as JSON too', async () => {
    expect(await run('stores', '--json')).toBe(0);
    const listed = JSON.parse(out) as { id: string }[];
    expect(listed.map((s) => s.id)).toEqual(expect.arrayContaining(['memory', 'cookie', 'sqlite']));
  });

  it('plans without writing on --dry-run', async () => {
    expect(await run(target(), '--store', 'sqlite', '--dry-run', '--json')).toBe(0);
    const plan = JSON.parse(out);
    expect(plan).toMatchObject({ ok: true, dryRun: true, store: 'sqlite', lang: 'ts', projectName: 'app' });
    expect(plan.files.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['package.json', 'src/server.ts', '.env']));
    expect(plan.commands).toEqual(['npm install', 'git init --quiet', 'git add --all', expect.stringMatching(/^git commit/)]);
    expect(err).toContain('Dry run: nothing written');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes a project with --no-install --no-git and prints the next steps and a re-runnable command', async () => {
    expect(await run(target(), '--store', 'cookie', '--lang', 'js', '--no-install', '--no-git', '--no-docker')).toBe(0);
    expect(readdirSync(target())).toEqual(expect.arrayContaining(['package.json', 'src', '.env', '.env.example', '.gitignore']));
    expect(out).toContain('Next steps:');
    expect(out).toContain('npm install');
    expect(out).toContain('--store cookie --lang js --pm npm --no-install --no-git --no-docker --yes');
    const pkg = JSON.parse(readFileSync(join(target(), 'package.json'), 'utf8'));
    expect(pkg.name).toBe('app');
    expect(pkg.dependencies).toMatchObject({ 'cookie-session': '2.1.1', express: '5.3.0' });
  });
});
