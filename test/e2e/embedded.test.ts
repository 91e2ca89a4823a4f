/**
 * Stores that need no server (from the catalogue: every store without `server` but the
 * encrypted-cookie ones, today memory, cookie, sqlite) × TypeScript and JavaScript:
 * scaffold from the packed tarball with a real `npm install`, run the app's own tests and
 * type check, start it with `npm start`, and drive the HTTP contract over real HTTP.
 * A store whose sessions are in a local file (sqlite) also proves they survive a restart.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveContract, login, me } from './contract.js';
import { startApp } from './app.js';
import { ownSuite, prepareSharedApps, runOwnSuites, sharedApp, willRun } from './apps.js';
import { isStateless } from '../../src/stores/index.js';
import { e2eMatrix } from '../support/matrix.js';
import {
  describeRun,
  freePort,
  run,
  stop,
  userEnv,
  type StartedProcess,
} from '../support/process.js';

/** The catalogue's stores without a server, but for the encrypted-cookie ones (cookies.test.ts). */
const STORES = e2eMatrix().embedded.map((store) => store.id);
/** Of those, the ones whose sessions are kept in a local file (persistent, not in the cookie): they survive a restart. */
const FILE_STORES = new Set(
  e2eMatrix()
    .embedded.filter((store) => store.persistent && !isStateless(store))
    .map((store) => store.id),
);
const LANGS = ['ts', 'js'] as const;

const timings: string[] = [];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

afterAll(() => {
  if (timings.length) console.log(`e2e timings (embedded stores):\n  ${timings.join('\n  ')}`);
});

/** Every .js/.mjs/.cjs file under `dir`. */
function jsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...jsFiles(path));
    else if (/\.[cm]?js$/.test(entry)) out.push(path);
  }
  return out;
}


// Before the first test: this file's apps installed, then their own suites run, two at a time
// (a -t filter installs and runs only what it selects).
beforeAll(async ({}, file) => {
  const apps = STORES.flatMap((store) => LANGS.map((lang) => [store, lang] as const));
  await prepareSharedApps(apps.filter(([store, lang]) => willRun(file, `${store} × ${lang}`)));
  await runOwnSuites(
    apps.filter(([store, lang]) => willRun(file, `${store} × ${lang}`, /own `npm test`/)).map(([store, lang]) => ({ store, lang, env: userEnv() })),
  );
});

for (const store of STORES) {
  for (const lang of LANGS) {
    describe(`${store} × ${lang}`, () => {
      let app = '';
      let running: StartedProcess | undefined;

      beforeAll(async () => {
        const shared = await sharedApp(store, lang);
        const r = shared.scaffold;
        timings.push(`${store} × ${lang}: scaffold + npm install ${shared.reused ? 'shared' : seconds(r.durationMs)}`);
        expect(r.code, `scaffold --store ${store} --lang ${lang} with install → exit 0\n${describeRun(r)}`).toBe(0);
        app = shared.dir;
        expect(existsSync(join(app, 'node_modules')), `the CLI installed dependencies\n${describeRun(r)}`).toBe(true);
      });

      afterAll(async () => {
        if (running) await stop(running);
      });

      it('has the files of DESIGN §4', () => {
        const ext = lang;
        const expected = [
          'package.json',
          `src/server.${ext}`,
          `src/app.${ext}`,
          `src/config.${ext}`,
          `src/session.${ext}`,
          'public/index.html',
          '.env',
          '.env.example',
          '.gitignore',
          'README.md',
          ...(lang === 'ts' ? ['tsconfig.json'] : []),
        ];
        const missing = expected.filter((f) => !existsSync(join(app, f)));
        expect(missing, `generated app (${store}, ${lang}) is missing files`).toEqual([]);
        const compose = readFileSync(join(app, 'docker-compose.yml'), 'utf8');
        expect(compose.split(/^volumes:$/m)[0]!.match(/^  [\w-]+:$/gm), `${store} needs no server: its compose file runs the app alone`).toEqual(['  app:']);
        if (lang === 'js') {
          const tsLeft = readdirSync(join(app, 'src'), { recursive: true }).filter((f) => /\.ts$/.test(String(f)));
          expect(tsLeft, 'a JavaScript app has no .ts sources').toEqual([]);
        }
        const env = readFileSync(join(app, '.env'), 'utf8');
        const secret = /^SESSION_SECRET=(.*)$/m.exec(env)?.[1]?.trim() ?? '';
        expect(secret.length, '.env has a freshly generated SESSION_SECRET of ≥ 32 characters').toBeGreaterThanOrEqual(32);
      });

      it("passes its own `npm test`", async () => {
        const r = await ownSuite(store, lang, userEnv());
        timings.push(`${store} × ${lang}: app's npm test ${seconds(r.durationMs)}`);
        expect(r.code, `the generated app's own tests pass (${store}, ${lang})\n${describeRun(r)}`).toBe(0);
      });

      if (lang === 'ts') {
        it('type-checks with `npm run typecheck`', async () => {
          const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
          expect(pkg.scripts?.typecheck, 'a TypeScript app has a `typecheck` script').toBeTruthy();
          const t = Date.now();
          const r = await run('npm', ['run', 'typecheck'], { cwd: app, env: userEnv(), timeoutMs: 300_000 });
          timings.push(`${store} × ${lang}: typecheck ${seconds(Date.now() - t)}`);
          expect(r.code, `tsc finds no errors (${store})\n${describeRun(r)}`).toBe(0);
        });
      } else {
        it('every source file passes `node --check`', async () => {
          const files = jsFiles(join(app, 'src'));
          expect(files.length, 'a JavaScript app has sources under src/').toBeGreaterThan(0);
          for (const file of files) {
            const r = await run(process.execPath, ['--check', file], { cwd: app, env: userEnv(), timeoutMs: 30_000 });
            expect(r.code, `node --check ${file.slice(app.length + 1)}\n${describeRun(r)}`).toBe(0);
          }
        });
      }

      it('`npm start` serves the HTTP contract', async () => {
        const port = await freePort();
        const t = Date.now();
        const { proc, baseUrl } = await startApp(app, port);
        running = proc;
        timings.push(`${store} × ${lang}: npm start → /health 200 in ${seconds(Date.now() - t)}`);
        try {
          const result = await driveContract(baseUrl, store);
          for (const s of result.skipped) console.log(`contract (${store} × ${lang}): not checked: ${s}`);
        } catch (err) {
          (err as Error).message += `\n--- app output:\n${proc.output().slice(-4_000)}`;
          throw err;
        } finally {
          const exit = await stop(proc);
          running = undefined;
          expect(exit.killed, `graceful shutdown: SIGTERM stops the app within 5 s\n--- app output:\n${proc.output().slice(-4_000)}`).toBe(
            false,
          );
        }
      });

      if (FILE_STORES.has(store)) {
        it('sessions survive a restart', async () => {
          const port = await freePort();
          const first = await startApp(app, port);
          running = first.proc;
          const jar = await login(first.baseUrl, 'persistent-pat');
          expect((await me(first.baseUrl, jar)).status, 'logged in before the restart').toBe(200);
          await stop(first.proc);
          running = undefined;

          const second = await startApp(app, port);
          running = second.proc;
          try {
            const r = await me(second.baseUrl, jar);
            expect(r.status, `${store}: the session cookie from before the restart still authenticates\n  got: ${r.status} ${r.text}`).toBe(200);
            expect(r.json, `${store}: the same user after a restart`).toEqual({ user: { name: 'persistent-pat' } });
          } finally {
            await stop(second.proc);
            running = undefined;
          }
        });
      }
    });
  }
}
