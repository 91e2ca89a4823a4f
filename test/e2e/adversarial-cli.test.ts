/**
 * The CLI under bad input and hostile conditions, each case end to end from the packed
 * tarball: the exit code (DESIGN §3: 2 usage, 1 runtime, 130 cancelled), the message, and
 * that nothing was written or lost (every directory involved is hashed before and after).
 *
 * Cases and how they are provoked:
 * - invalid npm names (space, capitals, leading dot, `node_modules`, 215 characters)
 * - a target that is a file; a non-empty directory (its files byte-identical afterwards)
 * - an unwritable parent. We run as root in CI, where chmod stops nothing, so: a parent that
 *   is a file (always), and a directory made immutable with `chattr +i` (e2fsprogs) when the
 *   filesystem allows it (as non-root: `chmod 555` instead). Skipped with a note otherwise.
 * - unknown store / strategy / language / package manager, a store contradicting the
 *   strategy, an unknown flag, non-TTY without the required flags
 * - Ctrl-C at a prompt: the real CLI in a pseudo-terminal (`script -qfec … /dev/null`, util-linux)
 *   receiving \x03 → exit 130
 * - SIGINT while writing: a `--template` folder adds 3,000 files of 16 KB so the write takes
 *   long enough; SIGINT as soon as the first new entry appears → exit 130, the run's files are
 *   removed, pre-existing files (including one it had overwritten, with --force) restored
 * - an install that fails: `--pm npm` with `npm_config_registry=http://127.0.0.1:9` → exit 1,
 *   project kept, retry command printed (also with --json)
 * - a broken custom template (syntax error; unknown variable) → exit 2, file:line, nothing written
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, removeDir, scaffold, tempDir } from './pack.js';
import { describeRun, userEnv, type RunResult } from '../support/process.js';

/** Every entry under `dir` (relative path → sha256 of a file's bytes, or `dir`). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (current: string, prefix: string) => {
    for (const name of readdirSync(current).sort()) {
      const path = join(current, name);
      const rel = prefix ? `${prefix}/${name}` : name;
      const stat = lstatSync(path);
      if (stat.isDirectory()) {
        out[rel] = 'dir';
        walk(path, rel);
      } else {
        out[rel] = createHash('sha256').update(readFileSync(path)).digest('hex');
      }
    }
  };
  walk(dir, '');
  return out;
}

const output = (r: RunResult) => `${r.stdout}\n${r.stderr}`;

/** The common shape of a refused run: exit 2, a reason, "Nothing was written", nothing changed. */
async function expectUsageError(cwd: string, args: string[], message: RegExp, env: Record<string, string | undefined> = {}) {
  const before = snapshot(cwd);
  const r = await scaffold(args, { cwd, env, timeoutMs: 60_000 });
  expect(r.timedOut, `never hangs\n${describeRun(r)}`).toBe(false);
  expect(r.code, `exit 2 (usage)\n${describeRun(r)}`).toBe(2);
  expect(r.stderr, `the reason is on stderr\n${describeRun(r)}`).toMatch(message);
  expect(output(r), `says nothing was written\n${describeRun(r)}`).toMatch(/Nothing was written/);
  expect(snapshot(cwd), `nothing was written or changed in ${cwd}\n${describeRun(r)}`).toEqual(before);
  return r;
}

const QUICK = ['--no-install', '--no-git', '--yes'];

let work: string;
let bin: string;

beforeAll(async () => {
  bin = (await cli()).bin;
  work = await tempDir('adversarial-cli');
});

afterAll(async () => {
  if (work) await removeDir(work);
});

/** A fresh directory under this file's scratch directory. */
function dirFor(label: string): string {
  const dir = join(work, `${label}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('invalid project names', () => {
  it.each([
    ['my app', /contains a space.*Try "my-app"/],
    ['MyApp', /capital letters.*Try "myapp"/],
    ['.hidden', /starts with a dot/],
    ['node_modules', /"node_modules" is a reserved name/],
    ['a'.repeat(215), /215 characters long; npm allows 214 at most/],
  ])('%j → exit 2 with the reason, nothing written', async (name, reason) => {
    const cwd = dirFor('name');
    const r = await expectUsageError(cwd, [name, '--store', 'memory', ...QUICK], /is not a valid npm package name/);
    expect(r.stderr, describeRun(r)).toMatch(reason);
    expect(readdirSync(cwd), 'no directory was created').toEqual([]);
  });
});

describe('targets that cannot be written', () => {
  it('a target that is a file → exit 2, the file untouched', async () => {
    const cwd = dirFor('file-target');
    writeFileSync(join(cwd, 'app'), 'precious bytes\n');
    await expectUsageError(cwd, ['app', '--store', 'memory', ...QUICK], /app exists and is a file, not a folder/);
  });

  it('a non-empty directory → exit 2 naming its entries and --force; every file byte-identical', async () => {
    const cwd = dirFor('non-empty');
    const app = join(cwd, 'app');
    mkdirSync(join(app, 'src', 'deep'), { recursive: true });
    // Names that collide with files the CLI would write, and one that does not.
    writeFileSync(join(app, 'package.json'), '{"name":"mine","private":true}\n');
    writeFileSync(join(app, 'README.md'), '# my notes\n');
    writeFileSync(join(app, 'src', 'app.ts'), 'export const mine = 1;\n');
    writeFileSync(join(app, 'src', 'deep', 'data.bin'), Buffer.from([0, 1, 2, 255]));
    writeFileSync(join(app, '.env'), 'SESSION_SECRET=mine\n');
    const r = await expectUsageError(cwd, ['app', '--store', 'sqlite', ...QUICK], /app is not empty \(.*package\.json/);
    expect(r.stderr, describeRun(r)).toMatch(/--force/);
  });

  it('a parent that is a file → exit 2 naming it', async () => {
    const cwd = dirFor('file-parent');
    writeFileSync(join(cwd, 'parent'), 'not a folder\n');
    await expectUsageError(cwd, ['parent/app', '--store', 'memory', ...QUICK], /Cannot create parent\/app: .*parent is a file, not a folder/);
  });

  it('an unwritable parent (chattr +i as root, chmod 555 otherwise) → exit 2 naming it', async (ctx) => {
    const cwd = dirFor('unwritable');
    const locked = join(cwd, 'locked');
    mkdirSync(locked);
    writeFileSync(join(locked, 'existing.txt'), 'kept\n');
    const root = process.getuid?.() === 0;
    const lock = root ? spawnSync('chattr', ['+i', locked], { encoding: 'utf8' }) : spawnSync('chmod', ['555', locked], { encoding: 'utf8' });
    if (lock.status !== 0) {
      console.log(`adversarial-cli: unwritable parent not checked: ${root ? 'chattr +i' : 'chmod 555'} failed: ${lock.error ?? lock.stderr}`);
      ctx.skip();
    }
    try {
      await expectUsageError(cwd, ['locked/app', '--store', 'memory', ...QUICK], /Cannot create locked\/app: .*locked is not writable/);
    } finally {
      if (root) spawnSync('chattr', ['-i', locked]);
      else spawnSync('chmod', ['755', locked]);
    }
  });
});

describe('bad flags', () => {
  it.each([
    [['x', '--store', 'nosuch'], /Unknown store "nosuch"\. Choose one of: memory, cookie/],
    [['x', '--strategy', 'nosuch'], /Unknown strategy "nosuch"\. Choose one of: memory, cookie, cache, database/],
    [['x', '--strategy', 'cookie', '--store', 'redis'], /--store redis is a cache store, but --strategy is cookie/],
    [['x', '--strategy', 'database', '--store', 'memory'], /--store memory is a memory store, but --strategy is database/],
    [['x', '--store', 'memory', '--bogus'], /unknown option '--bogus'/],
    [['x', '--store', 'memory', '--lang', 'rust'], /Unknown language "rust"/],
    [['x', '--store', 'memory', '--pm', 'foo'], /Unknown package manager "foo"/],
  ])('%j → exit 2', async (args, message) => {
    await expectUsageError(dirFor('flags'), [...args, ...QUICK], message);
  });

  it.each([
    [[], /Missing:[\s\S]*the directory[\s\S]*--store <id> or --strategy <strategy>/, {}],
    [['app'], /Missing:\n\s+- --store <id> or --strategy <strategy>\n/, {}],
    [['app'], /\(CI is set\)[\s\S]*--store <id>/, { CI: 'true' }],
  ])('non-TTY %j without --yes → exit 2 naming each missing flag', async (args, message, env) => {
    await expectUsageError(dirFor('non-tty'), args, message, { CI: undefined, ...env });
  });
});

// ------------------------------------------------------------------ Ctrl-C at a prompt

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** Runs the CLI in a pseudo-terminal; `steps` are [text to wait for, keys to type]. */
function inPty(cwd: string, args: string[], steps: Array<[RegExp, string]>, timeoutMs = 30_000) {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  // A pty made by `script` from a pipe has no size (0 columns: every character wraps):
  // give it one before the CLI draws.
  const command = `stty cols 120 rows 40; exec ${[bin, ...args].map(quote).join(' ')}`;
  return new Promise<{ code: number | null; output: string; timedOut: boolean }>((resolve) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd,
      env: userEnv({ CI: undefined, TERM: 'xterm-256color', NO_COLOR: '1' }),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    let step = 0;
    let timedOut = false;
    const pump = () => {
      while (step < steps.length && steps[step]![0].test(output)) {
        const keys = steps[step]![1];
        step++;
        // A little pause: the prompt library reads keys once it has drawn.
        setTimeout(() => child.stdin.write(keys), 150);
        break;
      }
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      pump();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

describe('a reader that stops reading', () => {
  it('`stores | head -1`: stdout closed before the listing → exit 0, no stack trace', async () => {
    const { bin } = await cli();
    const child = spawn(bin, ['stores'], { stdio: ['ignore', 'pipe', 'pipe'], env: userEnv() });
    child.stdout.destroy(); // the read end is gone before the CLI has started writing
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr, 'nothing on stderr').toBe('');
    expect(code).toBe(0);
  });
});

describe.skipIf(!hasScript)('Ctrl-C at a prompt (a real pseudo-terminal via `script`)', () => {
  it('at the first prompt → exit 130, "Cancelled", nothing written', async () => {
    const cwd = dirFor('ctrl-c');
    const r = await inPty(cwd, [], [[/Where should the app go\?/, '\x03']]);
    expect(r.timedOut, r.output).toBe(false);
    expect(r.code, `exit 130\n${r.output}`).toBe(130);
    expect(r.output).toMatch(/Cancelled/);
    expect(readdirSync(cwd), 'nothing written').toEqual([]);
  });

  it('after answering the directory, at the storage prompt → exit 130, nothing written', async () => {
    const cwd = dirFor('ctrl-c2');
    const r = await inPty(cwd, [], [
      [/Where should the app go\?/, 'typed-app\r'],
      [/Where should sessions be stored\?/, '\x03'],
    ]);
    expect(r.timedOut, r.output).toBe(false);
    expect(r.code, `exit 130\n${r.output}`).toBe(130);
    expect(readdirSync(cwd), 'nothing written').toEqual([]);
  });
});

// ------------------------------------------------------------------ SIGINT while writing

describe('SIGINT while writing', () => {
  let template = '';
  const FILES = 3_000;

  beforeAll(() => {
    // Raw (non-.hbs) files are copied as they are: 3,000 × 16 KB make the write last long
    // enough to interrupt it after its first file, every time.
    template = dirFor('big-template');
    const bulk = join(template, 'base', 'bulk');
    mkdirSync(bulk, { recursive: true });
    const content = Buffer.alloc(16_384, 'x');
    for (let i = 0; i < FILES; i++) writeFileSync(join(bulk, `f${String(i).padStart(4, '0')}.txt`), content);
  });

  /** Starts the CLI; sends SIGINT once `target` holds an entry it did not hold before. */
  function interruptWhenWriting(cwd: string, args: string[], target: string) {
    const before = new Set(existsSync(target) ? readdirSync(target) : []);
    return new Promise<{ code: number | null; signal: string | null; output: string; sentAfter: string }>((resolve) => {
      const child = spawn(bin, args, { cwd, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      let sentAfter = '';
      child.stdout.on('data', (c: Buffer) => (output += c));
      child.stderr.on('data', (c: Buffer) => (output += c));
      const poll = setInterval(() => {
        if (!existsSync(target)) return;
        const fresh = readdirSync(target).filter((n) => !before.has(n));
        if (fresh.length === 0) return;
        clearInterval(poll);
        sentAfter = fresh.join(', ');
        child.kill('SIGINT');
      }, 1);
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('close', (code, signal) => {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ code, signal, output, sentAfter });
      });
    });
  }

  it('into a new directory → exit 130 and the directory is gone', async () => {
    const cwd = dirFor('sigint-new');
    const r = await interruptWhenWriting(cwd, ['app', '--store', 'memory', '--template', template, ...QUICK], join(cwd, 'app'));
    expect(r.sentAfter, `SIGINT was sent while writing\n${r.output}`).not.toBe('');
    expect(r.code, `exit 130\n${r.output}`).toBe(130);
    expect(r.output).toMatch(/Cancelled while writing; everything this run created was removed/);
    expect(readdirSync(cwd), 'the new directory and everything in it were removed').toEqual([]);
  });

  it('into an existing directory with --force → exit 130; new files removed, pre-existing (even overwritten) ones intact', async () => {
    const cwd = dirFor('sigint-force');
    const app = join(cwd, 'app');
    mkdirSync(join(app, 'notes'), { recursive: true });
    writeFileSync(join(app, 'keep.txt'), 'kept\n');
    writeFileSync(join(app, 'notes', 'todo.md'), '- nothing\n');
    writeFileSync(join(app, 'README.md'), '# mine, about to be overwritten and restored\n');
    writeFileSync(join(app, 'package.json'), '{"name":"mine"}\n');
    const before = snapshot(app);
    const r = await interruptWhenWriting(cwd, ['app', '--store', 'memory', '--template', template, '--force', ...QUICK], app);
    expect(r.sentAfter, `SIGINT was sent while writing\n${r.output}`).not.toBe('');
    expect(r.code, `exit 130\n${r.output}`).toBe(130);
    expect(snapshot(app), 'the target holds exactly what it held before, byte for byte').toEqual(before);
  });
});

// ------------------------------------------------------------------ install failure

describe('an install that fails (unreachable registry)', () => {
  const unreachable = {
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_fetch_retries: '0',
    npm_config_fetch_timeout: '3000',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };

  it('keeps the project, exits 1 and prints the command to retry', async () => {
    const cwd = dirFor('install-fails');
    const r = await scaffold(['inst', '--store', 'memory', '--pm', 'npm', '--no-git', '--yes'], { cwd, env: unreachable, timeoutMs: 180_000 });
    expect(r.code, `exit 1\n${describeRun(r)}`).toBe(1);
    expect(r.stderr, describeRun(r)).toMatch(/Installing dependencies failed\. The project is kept in /);
    expect(r.stderr, describeRun(r)).toMatch(/Retry with: cd inst && npm install/);
    for (const f of ['package.json', 'src/app.ts', 'src/server.ts', '.env', 'README.md']) {
      expect(existsSync(join(cwd, 'inst', f)), `the project is kept: ${f}`).toBe(true);
    }
  });

  it('with --json: one JSON object naming the failed step and the retry command', async () => {
    const cwd = dirFor('install-fails-json');
    const r = await scaffold(['inst', '--store', 'memory', '--pm', 'npm', '--no-git', '--yes', '--json'], {
      cwd,
      env: unreachable,
      timeoutMs: 180_000,
    });
    expect(r.code, describeRun(r)).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ ok: false, exitCode: 1, failedStep: 'install', retry: 'cd inst && npm install' });
    expect(existsSync(join(cwd, 'inst', 'package.json'))).toBe(true);
  });
});

// ------------------------------------------------------------------ broken custom template

describe('a broken --template', () => {
  it.each([
    ['a syntax error', 'line one\n{{#if store.persistent}}\nnever closed\n', /tpl\/base\/src\/app\.ts\.hbs:\d+: syntax error/],
    ['an unknown variable', 'line one\n\n{{noSuchVariable}}\n', /tpl\/base\/src\/app\.ts\.hbs:3: "noSuchVariable" is not a known variable/],
    ['an unknown partial', 'line one\n{{> no-such-partial}}\n', /tpl\/base\/src\/app\.ts\.hbs:2: .*no-such-partial/],
  ])('with %s → exit 2 naming file:line, nothing written', async (_case, text, message) => {
    const cwd = dirFor('broken-template');
    mkdirSync(join(cwd, 'tpl', 'base', 'src'), { recursive: true });
    writeFileSync(join(cwd, 'tpl', 'base', 'src', 'app.ts.hbs'), text);
    const before = snapshot(cwd);
    const r = await scaffold(['app', '--store', 'memory', '--template', 'tpl', ...QUICK], { cwd, timeoutMs: 60_000 });
    expect(r.code, `exit 2\n${describeRun(r)}`).toBe(2);
    expect(r.stderr, describeRun(r)).toMatch(message);
    expect(r.stderr, describeRun(r)).toMatch(/Nothing was written/);
    expect(snapshot(cwd), 'nothing written: only the template folder, unchanged').toEqual(before);
  });
});
