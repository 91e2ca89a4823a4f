/**
 * Template customisation from the packed tarball: `eject` (all, one store, collisions,
 * --force), the worked example of docs/templates.md (a rate limiter in every generated app:
 * one partial and one file changed, files added; every store scaffolded, one installed, its
 * own tests run and the limiter driven over real HTTP), the version stamp warning, and every
 * error case (exit 2, file and line named, nothing written).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, scaffold, tempDir } from './pack.js';
import { buildOnce } from './app.js';
import { OWN_SUITE_ARGS } from './apps.js';
import { REPO_ROOT } from '../support/services.js';
import { stores } from '../../src/stores/index.js';
import { describeRun, freePort, run, startProcess, stop, userEnv, waitForHttp } from '../support/process.js';

const STAMP = '.create-express-session-app.json';
const VERSION: string = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version;
const timings: string[] = [];
let work: string;

beforeAll(async () => {
  work = await tempDir('templates');
});

afterAll(async () => {
  if (timings.length) console.log(`e2e timings (templates):\n  ${timings.join('\n  ')}`);
  if (work) await removeDir(work);
});

/** Every file under `dir`, relative, POSIX. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => f.split('\\').join('/'))
    .sort();
}

/** The ```hbs file=… blocks of the worked example in docs/templates.md, by path. */
function docBlocks(): Map<string, string> {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'templates.md'), 'utf8');
  const blocks = new Map<string, string>();
  for (const m of doc.matchAll(/^```hbs file=(\S+)\n([\s\S]*?)^```$/gm)) blocks.set(m[1]!, m[2]!);
  return blocks;
}

describe('eject', () => {
  it('copies every built-in template and a stamp with the version', async () => {
    const r = await scaffold(['eject', 'all'], { cwd: work, timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(0);
    const files = filesUnder(join(work, 'all'));
    expect(files).toEqual(expect.arrayContaining([STAMP, 'base/package.json.hbs', 'base/src/app.ts.hbs', 'partials/package-dependencies.hbs']));
    for (const { id } of stores) expect(files.some((f) => f.startsWith(`stores/${id}/`)), id).toBe(true);
    const stamp = JSON.parse(readFileSync(join(work, 'all', STAMP), 'utf8'));
    expect(stamp).toMatchObject({ generator: 'create-express-session-app', version: VERSION, store: null });
    expect(r.stdout).toContain('--template all');
  });

  it('--store copies only base/, its session library, partials/ and that store', async () => {
    const r = await scaffold(['eject', 'one', '--store', 'sqlite'], { cwd: work, timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(0);
    const files = filesUnder(join(work, 'one'));
    expect(files.filter((f) => !/^(base|libraries\/express-session|partials|stores\/sqlite)\//.test(f))).toEqual([STAMP]);
    expect(files.some((f) => f.startsWith('stores/sqlite/files/'))).toBe(true);
    expect(JSON.parse(readFileSync(join(work, 'one', STAMP), 'utf8')).store).toBe('sqlite');
  });

  it('never overwrites without --force: exit 2 naming the files, nothing written; --force overwrites', async () => {
    const dir = join(work, 'taken');
    mkdirSync(join(dir, 'base'), { recursive: true });
    writeFileSync(join(dir, 'base', 'package.json.hbs'), 'mine');
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    const r = await scaffold(['eject', 'taken', '--store', 'memory'], { cwd: work, timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toContain('base/package.json.hbs');
    expect(r.stderr).toContain('--force');
    expect(filesUnder(dir)).toEqual(['base/package.json.hbs', 'notes.txt']);
    expect(readFileSync(join(dir, 'base', 'package.json.hbs'), 'utf8')).toBe('mine');

    const forced = await scaffold(['eject', 'taken', '--store', 'memory', '--force'], { cwd: work, timeoutMs: 60_000 });
    expect(forced.code, describeRun(forced)).toBe(0);
    expect(readFileSync(join(dir, 'base', 'package.json.hbs'), 'utf8')).toContain('"dependencies"');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(join(dir, STAMP))).toBe(true);
  });

  it('refuses an unknown store with exit 2 and writes nothing', async () => {
    const r = await scaffold(['eject', 'nope', '--store', 'tape'], { cwd: work, timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toContain('Unknown store "tape"');
    expect(existsSync(join(work, 'nope'))).toBe(false);
  });
});

describe('worked example: a rate limiter in every generated app', () => {
  let templates: string;
  let storeIds: string[];

  beforeAll(async () => {
    const cwd = join(work, 'example');
    mkdirSync(cwd);
    const r = await scaffold(['eject', 'my-templates'], { cwd, timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(0);
    templates = join(cwd, 'my-templates');

    const blocks = docBlocks();
    expect([...blocks.keys()].sort()).toEqual(['base/src/rate-limit.ts.hbs', 'base/test/rate-limit.test.ts.hbs', 'partials/package-dependencies.hbs']);
    // One partial changed, two files added: from the doc, as written there.
    for (const [path, text] of blocks) writeFileSync(join(templates, path), text);
    // One file changed: the two lines the doc's diff shows.
    const appPath = join(templates, 'base/src/app.ts.hbs');
    const before = readFileSync(appPath, 'utf8');
    const after = before
      .replace("import { preferencesRouter } from './routes/preferences.js';\n", "import { preferencesRouter } from './routes/preferences.js';\nimport { rateLimiter } from './rate-limit.js';\n")
      .replace("app.use('/api', apiRouter(config, session));", "app.use('/api', rateLimiter(), apiRouter(config, session));");
    expect(after.match(/rateLimiter/g), 'the diff of docs/templates.md applies to the built-in app.ts.hbs').toHaveLength(2);
    writeFileSync(appPath, after);
    // Keep only what changed (and the stamp), as the doc recommends: the rest falls back to the built-ins.
    const keep = new Set([STAMP, 'base/src/app.ts.hbs', ...blocks.keys()]);
    for (const file of filesUnder(templates)) if (!keep.has(file)) rmSync(join(templates, file));
    expect(filesUnder(templates)).toEqual([...keep].sort());

    const listed = await scaffold(['stores', '--json'], { cwd, timeoutMs: 30_000 });
    storeIds = (JSON.parse(listed.stdout) as { id: string }[]).map((s) => s.id);
  });

  it('scaffolds every store with it (--no-install), in TypeScript and JavaScript', async () => {
    const cwd = join(work, 'example');
    for (const store of storeIds) {
      for (const lang of ['ts', 'js'] as const) {
        const name = `app-${store}-${lang}`;
        const r = await scaffold([name, '--store', store, '--lang', lang, '--no-install', '--no-git', '--yes', '--template', 'my-templates'], { cwd, timeoutMs: 60_000 });
        expect(r.code, describeRun(r)).toBe(0);
        expect(r.stderr, `${name}: no warning`).not.toContain('Warning');
        const app = join(cwd, name);
        const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
        expect(pkg.dependencies['express-rate-limit'], `${name}: the added dependency`).toBe('8.7.4');
        expect(pkg.dependencies.express, `${name}: the built-in dependencies stay`).toBeDefined();
        expect(readFileSync(join(app, `src/app.${lang}`), 'utf8')).toContain("app.use('/api', rateLimiter(), apiRouter(config, session));");
        const limiter = readFileSync(join(app, `src/rate-limit.${lang}`), 'utf8');
        expect(limiter).toContain('export function rateLimiter(env');
        expect(limiter.includes('env: NodeJS.ProcessEnv'), `${name}: TypeScript-only text`).toBe(lang === 'ts');
        if (lang === 'js') expect(limiter, `${name}: the type as JSDoc`).toContain('@param {NodeJS.ProcessEnv} [env]');
        expect(existsSync(join(app, `test/rate-limit.test.${lang}`))).toBe(true);
        expect(existsSync(join(app, `src/server.${lang}`)), `${name}: built-in files still there`).toBe(true);
      }
    }
  });

  it('installs one (memory, ts): its own tests and type check pass, and /api answers 429 after N requests over HTTP', async () => {
    const cwd = join(work, 'example');
    let t = Date.now();
    const r = await scaffold(['limited', '--store', 'memory', '--lang', 'ts', '--no-git', '--yes', '--template', 'my-templates'], { cwd });
    timings.push(`scaffold + install (memory, ts, rate limiter): ${((Date.now() - t) / 1000).toFixed(1)} s`);
    expect(r.code, describeRun(r)).toBe(0);
    const app = join(cwd, 'limited');
    expect(existsSync(join(app, 'node_modules', 'express-rate-limit', 'package.json')), 'express-rate-limit installed').toBe(true);

    t = Date.now();
    // The app's own flood test sends 20,000 requests: above the example's default limit.
    const tests = await run('npm', OWN_SUITE_ARGS, { cwd: app, env: userEnv({ RATE_LIMIT_MAX: '1000000' }), timeoutMs: 600_000 });
    timings.push(`npm test: ${((Date.now() - t) / 1000).toFixed(1)} s`);
    expect(tests.code, describeRun(tests)).toBe(0);
    expect(tests.stdout, 'the added test ran').toMatch(/rate-limit\.test\.ts/);
    const typecheck = await run('npm', ['run', 'typecheck'], { cwd: app, env: userEnv(), timeoutMs: 300_000 });
    expect(typecheck.code, describeRun(typecheck)).toBe(0);

    const port = await freePort();
    const N = 5;
    await buildOnce(app);
    const proc = startProcess('npm', ['start'], { cwd: app, env: userEnv({ PORT: String(port), HOST: '127.0.0.1', RATE_LIMIT_MAX: String(N) }) });
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitForHttp(`${base}/health`, 120_000, { proc });
      for (let i = 1; i <= N; i++) {
        const res = await fetch(`${base}/api/session`);
        expect(res.status, `request ${i} of ${N}`).toBe(200);
      }
      const limited = await fetch(`${base}/api/session`);
      expect(limited.status, `request ${N + 1}`).toBe(429);
      expect(await limited.json()).toEqual({ error: 'Too many requests, try again later' });
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await fetch(`${base}/health`)).status, '/health is not limited').toBe(200);
    } finally {
      await stop(proc);
    }
  });
});

describe('the version stamp', () => {
  const make = (name: string, stamp?: object) => {
    const dir = join(work, name);
    mkdirSync(join(dir, 'partials'), { recursive: true });
    writeFileSync(join(dir, 'partials', 'package-dependencies.hbs'), '');
    if (stamp) writeFileSync(join(dir, STAMP), JSON.stringify(stamp));
    return name;
  };

  it('warns on stderr (exit 0) for a folder ejected from another version', async () => {
    const tpl = make('old-tpl', { generator: 'create-express-session-app', version: '0.0.1', store: null });
    const r = await scaffold(['old-app', '--store', 'memory', '--no-install', '--no-git', '--yes', '--template', tpl], { cwd: work, timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stderr).toContain(`Warning: old-tpl was ejected from version 0.0.1; this is ${VERSION}`);
    expect(existsSync(join(work, 'old-app', 'package.json'))).toBe(true);
  });

  it('says nothing for a folder without a stamp', async () => {
    const tpl = make('plain-tpl');
    const r = await scaffold(['plain-app', '--store', 'memory', '--no-install', '--no-git', '--yes', '--template', tpl], { cwd: work, timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stderr).not.toContain('Warning');
  });
});

describe('errors: exit 2, file and line named, nothing written', () => {
  let n = 0;
  /** A fresh folder with a template folder `tpl` holding `files`; runs a scaffold into `app`. */
  async function attempt(files: Record<string, string>, setup?: (tpl: string, cwd: string) => void, extra: string[] = []) {
    const cwd = join(work, `error-${++n}`);
    const tpl = join(cwd, 'tpl');
    mkdirSync(tpl, { recursive: true });
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(tpl, path, '..'), { recursive: true });
      writeFileSync(join(tpl, path), text);
    }
    setup?.(tpl, cwd);
    const before = filesUnder(cwd);
    const r = await scaffold(['app', '--store', 'memory', '--no-install', '--no-git', '--yes', '--template', 'tpl', ...extra], { cwd, timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(2);
    expect(filesUnder(cwd), `nothing written\n${describeRun(r)}`).toEqual(before);
    return r.stderr;
  }

  it('a template that fails to compile', async () => {
    expect(await attempt({ 'base/src/extra.ts.hbs': '// one\n{{#if projectName}}\n// never closed\n' })).toMatch(
      /tpl\/base\/src\/extra\.ts\.hbs:\d+: syntax error/,
    );
    expect(await attempt({ 'base/README.md.hbs': '# {{projectName}}\n{{foo}\n' })).toMatch(/tpl\/base\/README\.md\.hbs:2: syntax error near/);
  });

  it('an unknown variable, in a file and inside a partial', async () => {
    expect(await attempt({ 'base/src/extra.ts.hbs': 'a\nb\n{{nope}}\n' })).toContain('tpl/base/src/extra.ts.hbs:3: "nope" is not a known variable or helper');
    expect(await attempt({ 'partials/package-dependencies.hbs': '\n    {{store.nope}}\n' })).toContain(
      'tpl/partials/package-dependencies.hbs:2: "nope" is not a known variable or helper',
    );
  });

  it('an unknown helper and an unknown partial', async () => {
    expect(await attempt({ 'base/src/extra.ts.hbs': '\n{{shout projectName}}\n' })).toContain('tpl/base/src/extra.ts.hbs:2: "shout" is not a known variable or helper');
    expect(await attempt({ 'base/src/extra.ts.hbs': 'x\n\n{{> rate-limit}}\n' })).toContain('tpl/base/src/extra.ts.hbs:3: "rate-limit" is not a known partial');
  });

  it('a package.json that is not JSON: the rendered line and the partial it came through', async () => {
    const stderr = await attempt({ 'partials/package-dependencies.hbs': '    "express-rate-limit": "8.7.4"\n' });
    expect(stderr).toContain('templates/base/package.json.hbs: renders package.json that is not valid JSON');
    expect(stderr).toMatch(/around line \d+ of the rendered package\.json: "\\"express-rate-limit\\": \\"8\.7\.4\\"" then/);
    expect(stderr).toContain('it includes tpl/partials/package-dependencies.hbs');
  });

  it('a symbolic link in the template folder that leads outside it', async () => {
    const stderr = await attempt({ 'base/.keep': '' }, (tpl, cwd) => {
      writeFileSync(join(cwd, 'secret.txt'), 'not for templates');
      symlinkSync(join(cwd, 'secret.txt'), join(tpl, 'base', 'secret.txt'));
    });
    expect(stderr).toMatch(/tpl\/base\/secret\.txt is a symbolic link to .*secret\.txt, outside the template folder/);
  });

  it('a symbolic link in the target that would take a file outside it (--force)', async () => {
    let outside = '';
    const stderr = await attempt(
      {},
      (_tpl, cwd) => {
        outside = join(cwd, 'outside');
        mkdirSync(outside);
        mkdirSync(join(cwd, 'app'));
        symlinkSync(outside, join(cwd, 'app', 'src'));
      },
      ['--force'],
    );
    expect(stderr).toMatch(/app\/src is a symbolic link: refusing to write through it/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('a missing template folder, and a file given as one', async () => {
    for (const [tpl, message] of [
      ['nowhere', '--template nowhere: no such folder.'],
      ['a-file.txt', '--template a-file.txt is not a folder.'],
    ]) {
      const cwd = join(work, `error-${++n}`);
      mkdirSync(cwd);
      writeFileSync(join(cwd, 'a-file.txt'), 'x');
      const r = await scaffold(['app', '--store', 'memory', '--yes', '--template', tpl!], { cwd, timeoutMs: 60_000 });
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr).toContain(message);
      expect(readdirSync(cwd), relative(work, cwd)).toEqual(['a-file.txt']);
    }
  });
});
