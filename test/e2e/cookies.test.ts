/**
 * Encrypted-cookie stores (the catalogue's `cookie: 'encrypted'`: iron-session,
 * client-sessions) × TypeScript and JavaScript: no
 * server. Scaffold from the packed tarball with a real `npm install`, run the app's own
 * tests and type check (TS) / `npm run check` (JS), `npm start` and drive the HTTP contract
 * (contract.ts knows these stores are stateless: no server-side id to regenerate, and a
 * copied cookie cannot be revoked at logout, which the generated README says).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATELESS_STORES, driveContract, login, me } from './contract.js';
import { startApp } from './app.js';
import { ownSuite, prepareSharedApps, runOwnSuites, sharedApp, willRun } from './apps.js';
import { e2eMatrix } from '../support/matrix.js';
import {
  describeRun,
  freePort,
  run,
  stop,
  userEnv,
  type StartedProcess,
} from '../support/process.js';

/** The catalogue's encrypted-cookie stores (the signed `cookie` store is in embedded.test.ts). */
const STORES = e2eMatrix().cookies.map((store) => store.id);
const LANGS = ['ts', 'js'] as const;

const results: string[] = [];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

afterAll(() => {
  if (results.length) console.log(`e2e results (cookie stores):\n  ${results.join('\n  ')}`);
});


it('contract.ts treats both cookie stores as stateless', () => {
  for (const store of STORES) expect(STATELESS_STORES.has(store), `STATELESS_STORES includes ${store}`).toBe(true);
});

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
    const name = `${store} × ${lang}`;
    describe(name, () => {
      let app = '';
      let running: StartedProcess | undefined;

      beforeAll(async () => {
        const shared = await sharedApp(store, lang);
        const r = shared.scaffold;
        results.push(`${name}: scaffold + npm install ${shared.reused ? 'shared' : seconds(r.durationMs)}`);
        expect(r.code, `[${name}] step scaffold: --store ${store} --lang ${lang} with install → exit 0\n${describeRun(r)}`).toBe(0);
        app = shared.dir;
        expect(existsSync(join(app, 'node_modules')), `[${name}] step scaffold: the CLI installed dependencies\n${describeRun(r)}`).toBe(true);
      });

      afterAll(async () => {
        if (running) await stop(running);
      });

      it('needs no server, and its README says a copied cookie cannot be revoked', () => {
        const compose = readFileSync(join(app, 'docker-compose.yml'), 'utf8');
        expect(compose.split(/^volumes:$/m)[0]!.match(/^  [\w-]+:$/gm), `[${name}] a cookie store's compose file runs the app alone`).toEqual(['  app:']);
        const readme = readFileSync(join(app, 'README.md'), 'utf8');
        expect(readme, `[${name}] README explains that logout cannot revoke a copied cookie`).toMatch(/revo[ck]|copied|copy of the cookie/i);
      });

      it('passes its own `npm test`', async () => {
        const r = await ownSuite(store, lang, userEnv());
        results.push(`${name}: own suite ${r.code === 0 ? 'ok' : 'FAIL'} in ${seconds(r.durationMs)}`);
        expect(r.code, `[${name}] step own suite: the generated app's \`npm test\` passes\n${describeRun(r)}`).toBe(0);
      });

      if (lang === 'ts') {
        it('type-checks with `npm run typecheck`', async () => {
          const r = await run('npm', ['run', 'typecheck'], { cwd: app, env: userEnv(), timeoutMs: 300_000 });
          results.push(`${name}: typecheck ${r.code === 0 ? 'ok' : 'FAIL'}`);
          expect(r.code, `[${name}] step typecheck: tsc finds no errors\n${describeRun(r)}`).toBe(0);
        });
      } else {
        it('passes `npm run check` (node --check of every file)', async () => {
          const r = await run('npm', ['run', 'check'], { cwd: app, env: userEnv(), timeoutMs: 120_000 });
          results.push(`${name}: npm run check ${r.code === 0 ? 'ok' : 'FAIL'}`);
          expect(r.code, `[${name}] step npm run check\n${describeRun(r)}`).toBe(0);
        });
      }

      it('`npm start` serves the HTTP contract', async () => {
        const port = await freePort();
        const t = Date.now();
        const { proc, baseUrl } = await startApp(app, port);
        running = proc;
        results.push(`${name}: npm start → /health 200 in ${seconds(Date.now() - t)}`);
        try {
          const result = await driveContract(baseUrl, store);
          for (const s of result.skipped) console.log(`contract (${name}): not checked: ${s}`);
          results.push(`${name}: contract ok (cookie ${result.cookieName})`);
        } catch (err) {
          results.push(`${name}: contract FAIL`);
          (err as Error).message = `[${name}] step contract: ${(err as Error).message}\n--- app output:\n${proc.output().slice(-4_000)}`;
          throw err;
        } finally {
          const exit = await stop(proc);
          running = undefined;
          expect(exit.killed, `[${name}] graceful shutdown: SIGTERM stops the app within 5 s\n--- app output:\n${proc.output().slice(-4_000)}`).toBe(
            false,
          );
        }
      });

      it('a session survives an app restart (same SESSION_SECRET from .env)', async () => {
        const port = await freePort();
        const first = await startApp(app, port);
        running = first.proc;
        const user = `restart-${lang}`;
        const jar = await login(first.baseUrl, user);
        await stop(first.proc);
        running = undefined;
        const second = await startApp(app, port);
        running = second.proc;
        try {
          const r = await me(second.baseUrl, jar);
          expect(r.status, `[${name}] step restart: the cookie from before the restart still authenticates\n  got: ${r.status} ${r.text}`).toBe(200);
          expect(r.json, `[${name}] step restart: the same user`).toEqual({ user: { name: user } });
          results.push(`${name}: restart ok`);
        } finally {
          await stop(second.proc);
          running = undefined;
        }
      });
    });
  }
}
