/**
 * Stores that need a server `scripts/services.sh` can start (from the catalogue's `server`
 * traits: redis, memcached, postgres, mysql on the local MariaDB) ×
 * TypeScript and JavaScript, against the real servers `scripts/services.sh` starts:
 * scaffold from the packed tarball with a real `npm install`, run the app's own tests and
 * type check (TS) / `npm run check` (JS), `npm start` and drive the HTTP contract, then
 * prove what a shared store is for: sessions survive an app restart and two app instances
 * share one session (login on A, logout on B).
 *
 * TypeScript apps also go through a real outage: the server is stopped
 * (`scripts/services.sh --stop`), the API must answer 503 JSON within 2 s and /health 503
 * while the process stays up; the server is started again and the app must recover by
 * itself. Redis and Memcached are also paused (SIGSTOP) so that they hang instead of refusing:
 * the 503 must then come from the app's timeouts, still within 2 s. The server is ALWAYS
 * started (or continued) again, even when an assertion fails: these are the
 * machine's shared servers, so outages are kept to a few seconds.
 *
 * A server that is down skips its store locally (with how to start it) and fails it in CI
 * (`requireService`). Measured figures (503 latency, recovery time) are printed at the end.
 *
 * MongoDB (no server on this machine) is at the end of the file: what its apps do without one.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, CookieJar, driveContract, login, me, type Reply } from './contract.js';
import { OWN_SUITE_ARGS, ownSuite, prepareSharedApps, runOwnSuites, sharedApp, willRun, type SharedApp } from './apps.js';
import { E2E_LIMITS, buildOnce } from './app.js';
import {
  describeRun,
  freePort,
  run,
  startProcess,
  stop,
  userEnv,
  waitForHttp,
  type StartedProcess,
} from '../support/process.js';
import {
  isServiceUp,
  requireService,
  serviceEnv,
  servicePid,
  serviceUrl,
  startService,
  stopService,
} from '../support/services.js';
import type { ServerStore } from '../../src/stores/index.js';
import { e2eMatrix } from '../support/matrix.js';

/** The catalogue's stores whose server `scripts/services.sh` starts (MongoDB, which it cannot, is at the end). */
const SERVER_STORES = e2eMatrix().servers;
const STORES = SERVER_STORES.map((store) => store.id);
type StoreId = string;
/** The store's server (`server` in its descriptor). */
const serverOf = (id: StoreId): ServerStore['server'] => SERVER_STORES.find((store) => store.id === id)!.server;
/** The name scripts/services.sh and test/support/services.ts know the store's server by. */
const serviceOf = (id: StoreId): string => serverOf(id).service;
const LANGS = ['ts', 'js'] as const;
type Lang = (typeof LANGS)[number];

/** The budget of DESIGN §4 ("503 JSON within 2 s") plus slack for the timer path and the HTTP round trip. */
const OUTAGE_BUDGET_MS = 2_500;
/** How long the app may take to notice the server is back (reconnect back-off is ≤ 2 s). */
const RECOVERY_BUDGET_MS = 30_000;
/** Stores whose data lives on disk (`server.durable`): a session from before the server restart is still there. */
const DURABLE = new Set<StoreId>(STORES.filter((id) => serverOf(id).durable));
/**
 * Stores whose server is one process we can pause (SIGSTOP, `server.pausable`) to make it
 * hang rather than refuse: the 503 then comes from a timeout. (PostgreSQL and MariaDB are
 * left alone: their servers are several processes shared with the rest of the machine.)
 */
const HANGABLE = new Set<StoreId>(STORES.filter((id) => serverOf(id).pausable));

// ------------------------------------------------------------------ results

const figures: string[] = [];
const results = new Map<string, Map<string, string>>();
const COLUMNS = ['scaffold', 'own suite', 'check', 'contract', 'restart', 'two instances', 'outage 503', 'recovery', 'hang 503', 'hang recovery'];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The scaffold column: the install's time, or that an earlier file of the run made the app. */
const scaffoldFigure = (app: SharedApp) => (app.reused ? 'shared' : seconds(app.scaffold.durationMs));

function record(store: string, lang: string, column: string, value: string): void {
  const key = `${store} × ${lang}`;
  if (!results.has(key)) results.set(key, new Map());
  results.get(key)!.set(column, value);
}

afterAll(() => {
  if (figures.length) console.log(`e2e figures (server stores):\n  ${figures.join('\n  ')}`);
  if (results.size === 0) return;
  const rows = [['', ...COLUMNS]];
  for (const [key, cols] of results) rows.push([key, ...COLUMNS.map((c) => cols.get(c) ?? '-')]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join(' | '));
  console.log(`e2e results (server stores):\n  ${lines.join('\n  ')}`);
});

// ------------------------------------------------------------------ helpers

/** The store's own settings (REDIS_URL, DATABASE_URL, …) pointing at the local server. */
function appEnv(store: StoreId, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return userEnv({ ...serviceEnv(serviceOf(store)), ...extra });
}

interface RunningApp {
  proc: StartedProcess;
  baseUrl: string;
  port: number;
}

/** `npm start` on `port` (TS: builds first), waiting for /health 200. */
async function startApp(store: StoreId, app: string, port: number): Promise<RunningApp> {
  await buildOnce(app);
  const proc = startProcess('npm', ['start'], {
    cwd: app,
    env: appEnv(store, { ...E2E_LIMITS, PORT: String(port), HOST: '127.0.0.1' }),
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${baseUrl}/health`, 120_000, { proc });
  } catch (err) {
    await stop(proc);
    throw err;
  }
  return { proc, baseUrl, port };
}

function withOutput(err: unknown, procs: StartedProcess[]): never {
  const e = err instanceof Error ? err : new Error(String(err));
  for (const p of procs) e.message += `\n--- output of the app (pid ${p.pid}):\n${p.output().slice(-4_000)}`;
  throw e;
}

function show(r: Reply): string {
  return `${r.label} → ${r.status} ${r.contentType} ${r.text.slice(0, 300)}`;
}

// ------------------------------------------------------------------ gates

/** Per store: 'up', 'skip' (down outside CI), or the CI failure (fails only that store's tests). */
const gates = new Map<StoreId, 'up' | 'skip' | Error>();
for (const store of STORES) {
  try {
    gates.set(store, (await requireService(serviceOf(store))) ? 'up' : 'skip');
  } catch (err) {
    gates.set(store, err as Error);
  }
}

// ------------------------------------------------------------------ suites

/** The test that runs an app's own suite against its server. */
const OWN_SUITE = /^passes its own `npm test` against/;
/** MongoDB's (no server here): its own suite against a closed port, run with the others up front. */
const MONGO_OWN_SUITE = /^passes its own `npm test` without a server/;
const MONGO_CLOSED_ENV = userEnv({ MONGODB_URL: `mongodb://127.0.0.1:${await freePort()}/sessions_test` });

// Before the first test: this file's apps installed (the servers that are up, and MongoDB's),
// then their own suites against the servers, two servers at a time.
beforeAll(async ({}, file) => {
  const apps = [...STORES, 'mongodb'].flatMap((store) => LANGS.map((lang) => [store, lang] as const));
  await prepareSharedApps(apps.filter(([store, lang]) => willRun(file, `${store} × ${lang}`)));
  await runOwnSuites([
    ...apps
      .filter(([store, lang]) => store !== 'mongodb' && willRun(file, `${store} × ${lang}`, OWN_SUITE))
      .map(([store, lang]) => ({ store, lang, env: appEnv(store), server: serviceOf(store) })),
    ...LANGS.filter((lang) => willRun(file, `mongodb × ${lang}`, MONGO_OWN_SUITE)).map((lang) => ({ store: 'mongodb', lang, env: MONGO_CLOSED_ENV })),
  ]);
});

for (const store of STORES) {
  for (const lang of LANGS) {
    const gate = gates.get(store)!;
    const name = `${store} × ${lang}`;

    if (gate instanceof Error) {
      describe(name, () => {
        it(`needs ${store} running`, () => {
          throw gate;
        });
      });
      continue;
    }

    describe.skipIf(gate === 'skip')(name, () => {
      let app = '';
      const running = new Set<StartedProcess>();

      async function start(port?: number): Promise<RunningApp> {
        const started = await startApp(store, app, port ?? (await freePort()));
        running.add(started.proc);
        return started;
      }
      async function halt(a: RunningApp) {
        const exit = await stop(a.proc);
        running.delete(a.proc);
        return exit;
      }

      beforeAll(async () => {
        const shared = await sharedApp(store, lang);
        const r = shared.scaffold;
        record(store, lang, 'scaffold', scaffoldFigure(shared));
        expect(r.code, `[${name}] step scaffold: --store ${store} --lang ${lang} with install → exit 0\n${describeRun(r)}`).toBe(0);
        app = shared.dir;
        expect(existsSync(join(app, 'node_modules')), `[${name}] step scaffold: the CLI installed dependencies\n${describeRun(r)}`).toBe(
          true,
        );
      });

      afterAll(async () => {
        for (const p of running) await stop(p);
      });

      it('has a docker-compose.yml and documents its variable', () => {
        expect(existsSync(join(app, 'docker-compose.yml')), `[${name}] a store that needs a server ships docker-compose.yml`).toBe(true);
        const envVar = Object.keys(serviceEnv(serviceOf(store)))[0]!;
        const example = readFileSync(join(app, '.env.example'), 'utf8');
        expect(example, `[${name}] .env.example documents ${envVar}`).toMatch(new RegExp(`^${envVar}=`, 'm'));
      });

      it(`passes its own \`npm test\` against the real ${store}`, async () => {
        const r = await ownSuite(store, lang, appEnv(store));
        record(store, lang, 'own suite', r.code === 0 ? `ok ${seconds(r.durationMs)}` : 'FAIL');
        expect(r.code, `[${name}] step own suite: the generated app's \`npm test\` passes against ${store}\n${describeRun(r)}`).toBe(0);
        // Its tests that need the server must have run, not skipped themselves.
        expect(`${r.stdout}\n${r.stderr}`, `[${name}] step own suite: no test skipped while ${store} is up\n${describeRun(r)}`).not.toMatch(
          /\b[1-9]\d* skipped\b/,
        );
      });

      if (lang === 'ts') {
        it('type-checks with `npm run typecheck`', async () => {
          const r = await run('npm', ['run', 'typecheck'], { cwd: app, env: userEnv(), timeoutMs: 300_000 });
          record(store, lang, 'check', r.code === 0 ? 'tsc ok' : 'FAIL');
          expect(r.code, `[${name}] step typecheck: tsc finds no errors\n${describeRun(r)}`).toBe(0);
        });
      } else {
        it('passes `npm run check` (node --check of every file)', async () => {
          const r = await run('npm', ['run', 'check'], { cwd: app, env: userEnv(), timeoutMs: 120_000 });
          record(store, lang, 'check', r.code === 0 ? 'check ok' : 'FAIL');
          expect(r.code, `[${name}] step npm run check\n${describeRun(r)}`).toBe(0);
        });
      }

      it('`npm start` serves the HTTP contract', async () => {
        const t = Date.now();
        const a = await start();
        figures.push(`${name}: npm start → /health 200 in ${seconds(Date.now() - t)}`);
        try {
          const result = await driveContract(a.baseUrl, store);
          for (const s of result.skipped) console.log(`contract (${name}): not checked: ${s}`);
          record(store, lang, 'contract', 'ok');
        } catch (err) {
          record(store, lang, 'contract', 'FAIL');
          withOutput(err, [a.proc]);
        } finally {
          const exit = await halt(a);
          expect(exit.killed, `[${name}] step contract: graceful shutdown: SIGTERM stops the app (and closes its ${store} connections) within 5 s\n--- app output:\n${a.proc.output().slice(-4_000)}`).toBe(false);
        }
      });

      it('sessions survive an app restart', async () => {
        const port = await freePort();
        const first = await start(port);
        let jar: CookieJar;
        try {
          jar = await login(first.baseUrl, `restart-${store}-${lang}`);
          expect((await me(first.baseUrl, jar)).status, `[${name}] step restart: logged in before the restart`).toBe(200);
        } catch (err) {
          withOutput(err, [first.proc]);
        } finally {
          await halt(first);
        }
        const second = await start(port);
        try {
          const r = await me(second.baseUrl, jar);
          expect(r.status, `[${name}] step restart: the cookie from before the app restart still authenticates\n  got: ${show(r)}`).toBe(200);
          expect(r.json, `[${name}] step restart: the same user after a restart`).toEqual({ user: { name: `restart-${store}-${lang}` } });
          record(store, lang, 'restart', 'ok');
        } catch (err) {
          record(store, lang, 'restart', 'FAIL');
          withOutput(err, [second.proc]);
        } finally {
          await halt(second);
        }
      });

      it('two app instances share one session (login on A, logout on B)', async () => {
        const a = await start();
        const b = await start();
        try {
          const user = `shared-${store}-${lang}`;
          const jar = await login(a.baseUrl, user);
          const onB = await me(b.baseUrl, jar);
          expect(onB.status, `[${name}] step two instances: a login on A (port ${a.port}) is seen by B (port ${b.port})\n  got: ${show(onB)}`).toBe(200);
          expect(onB.json, `[${name}] step two instances: B sees A's user`).toEqual({ user: { name: user } });

          // B changes the session, A sees it (views counted on both, one at a time).
          const s1 = await call(a.baseUrl, 'GET', '/api/session', { jar });
          const s2 = await call(b.baseUrl, 'GET', '/api/session', { jar });
          expect(s2.json?.views, `[${name}] step two instances: views counted across instances\n  A: ${show(s1)}\n  B: ${show(s2)}`).toBe(
            (s1.json?.views ?? NaN) + 1,
          );

          const preLogout = jar.clone();
          const out = await call(b.baseUrl, 'POST', '/api/logout', { jar, headers: { origin: b.baseUrl } });
          expect(out.status, `[${name}] step two instances: logout on B → 204\n  got: ${show(out)}`).toBe(204);
          const onA = await me(a.baseUrl, preLogout);
          expect(onA.status, `[${name}] step two instances: after logout on B, A says 401 for the old cookie\n  got: ${show(onA)}`).toBe(401);
          record(store, lang, 'two instances', 'ok');
        } catch (err) {
          record(store, lang, 'two instances', 'FAIL');
          withOutput(err, [a.proc, b.proc]);
        } finally {
          await halt(a);
          await halt(b);
        }
      });

      if (lang === 'ts') {
        it(`${store} outage: 503 JSON within 2 s, the process stays up, and it recovers by itself`, async () => {
          const a = await start();
          let serverStopped = false;
          try {
            const jar = await login(a.baseUrl, `outage-${store}`);
            expect((await call(a.baseUrl, 'GET', '/api/session', { jar })).status, `[${name}] step outage: a session before the outage`).toBe(200);

            const down = await stopService(serviceOf(store));
            serverStopped = true;
            expect(down.code, `[${name}] step outage: stopping ${store} (scripts/services.sh --stop ${store})\n${describeRun(down)}`).toBe(0);
            const stoppedAt = Date.now();

            const origin = { origin: a.baseUrl };
            const probes: Array<[string, string, string, Parameters<typeof call>[3]]> = [
              ['GET /api/session (existing session: store read)', 'GET', '/api/session', { jar: jar.clone() }],
              ['GET /api/session (new session: store write)', 'GET', '/api/session', { jar: new CookieJar() }],
              ['GET /api/me (existing session)', 'GET', '/api/me', { jar: jar.clone() }],
              ['POST /api/login (new session)', 'POST', '/api/login', { jar: new CookieJar(), json: { username: 'down' }, headers: origin }],
              ['POST /api/login (existing session: regenerate)', 'POST', '/api/login', { jar: jar.clone(), json: { username: 'down' }, headers: origin }],
            ];
            const latencies: string[] = [];
            let worst = 0;
            for (const [label, method, path, opts] of probes) {
              const t = Date.now();
              const r = await call(a.baseUrl, method, path, opts);
              const ms = Date.now() - t;
              worst = Math.max(worst, ms);
              latencies.push(`${label} ${r.status} in ${ms} ms`);
              expect(ms, `[${name}] step outage: ${label} → answered within 2 s (budget ${OUTAGE_BUDGET_MS} ms)`).toBeLessThan(OUTAGE_BUDGET_MS);
              expect(r.status, `[${name}] step outage: ${label} while ${store} is down → 503\n  got: ${show(r)}`).toBe(503);
              expect(r.json, `[${name}] step outage: ${label} → 503 with a JSON body\n  got: ${show(r)}`).toBeDefined();
              expect(ms, `[${name}] step outage: ${label} → 503 within 2 s (budget ${OUTAGE_BUDGET_MS} ms)`).toBeLessThan(OUTAGE_BUDGET_MS);
            }
            const th = Date.now();
            const health = await call(a.baseUrl, 'GET', '/health');
            const healthMs = Date.now() - th;
            worst = Math.max(worst, healthMs);
            latencies.push(`GET /health ${health.status} in ${healthMs} ms`);
            expect(health.status, `[${name}] step outage: GET /health while ${store} is down → 503\n  got: ${show(health)}`).toBe(503);
            expect(health.json, `[${name}] step outage: GET /health → 503 JSON`).toMatchObject({ store });
            expect(healthMs, `[${name}] step outage: GET /health → 503 within 2 s`).toBeLessThan(OUTAGE_BUDGET_MS);
            expect(a.proc.hasExited(), `[${name}] step outage: the app process is still alive with ${store} down`).toBe(false);
            record(store, lang, 'outage 503', `max ${worst} ms`);
            figures.push(`${name}: outage (${seconds(Date.now() - stoppedAt)} of probes): ${latencies.join('; ')}`);

            // The server comes back: the same process recovers by itself.
            const up = await startService(serviceOf(store));
            serverStopped = false;
            expect(up.code, `[${name}] step recovery: starting ${store} again (scripts/services.sh ${store})\n${describeRun(up)}`).toBe(0);
            const backAt = Date.now();
            await waitForHttp(`${a.baseUrl}/health`, RECOVERY_BUDGET_MS, { proc: a.proc });
            const healthBack = Date.now() - backAt;
            // A login must work too (the pool / client may serve /health before every connection is fresh).
            let last: Reply | undefined;
            const deadline = backAt + RECOVERY_BUDGET_MS;
            while (Date.now() < deadline) {
              last = await call(a.baseUrl, 'POST', '/api/login', { jar: new CookieJar(), json: { username: 'recovered' }, headers: origin });
              if (last.status === 200) break;
              await new Promise((r) => setTimeout(r, 100));
            }
            expect(last?.status, `[${name}] step recovery: POST /api/login → 200 within ${RECOVERY_BUDGET_MS} ms of ${store} being back, without restarting the app\n  got: ${last && show(last)}`).toBe(200);
            const recovered = Date.now() - backAt;
            record(store, lang, 'recovery', `${recovered} ms`);
            figures.push(`${name}: ${store} back → /health 200 after ${healthBack} ms, login 200 after ${recovered} ms`);

            const old = await me(a.baseUrl, jar);
            if (DURABLE.has(store)) {
              expect(old.status, `[${name}] step recovery: a session stored before the outage is still there (${store} keeps data on disk)\n  got: ${show(old)}`).toBe(200);
            } else {
              expect([200, 401], `[${name}] step recovery: the pre-outage session is either kept or cleanly gone\n  got: ${show(old)}`).toContain(old.status);
            }
            expect(a.proc.hasExited(), `[${name}] step recovery: still the same process`).toBe(false);
          } catch (err) {
            if (!results.get(name)?.has('outage 503')) record(store, lang, 'outage 503', 'FAIL');
            else if (!results.get(name)?.has('recovery')) record(store, lang, 'recovery', 'FAIL');
            withOutput(err, [a.proc]);
          } finally {
            if (serverStopped) {
              const up = await startService(serviceOf(store));
              if (up.code !== 0) console.error(`[${name}] could not start ${store} again after the outage test!\n${describeRun(up)}`);
            }
            await halt(a);
          }
        });
      }

      if (lang === 'ts' && HANGABLE.has(store)) {
        it(`${store} hangs (SIGSTOP): 503 JSON within 2 s through the timeout, and recovers on SIGCONT`, async () => {
          const a = await start();
          let paused: number | undefined;
          try {
            const jar = await login(a.baseUrl, `hang-${store}`);
            const pid = await servicePid(serviceOf(store));
            expect(pid, `[${name}] step hang: the pid of the process listening for ${store}`).toBeDefined();
            process.kill(pid!, 'SIGSTOP');
            paused = pid;

            const origin = { origin: a.baseUrl };
            const probes: Array<[string, string, string, Parameters<typeof call>[3]]> = [
              ['GET /api/me (existing session: store read)', 'GET', '/api/me', { jar: jar.clone() }],
              ['POST /api/login (new session)', 'POST', '/api/login', { jar: new CookieJar(), json: { username: 'hung' }, headers: origin }],
              ['GET /health', 'GET', '/health', {}],
            ];
            const latencies: string[] = [];
            let worst = 0;
            for (const [label, method, path, opts] of probes) {
              const t = Date.now();
              const r = await call(a.baseUrl, method, path, opts);
              const ms = Date.now() - t;
              worst = Math.max(worst, ms);
              latencies.push(`${label} ${r.status} in ${ms} ms`);
              expect(r.status, `[${name}] step hang: ${label} while ${store} hangs → 503\n  got: ${show(r)}`).toBe(503);
              expect(r.json, `[${name}] step hang: ${label} → 503 JSON\n  got: ${show(r)}`).toBeDefined();
              expect(ms, `[${name}] step hang: ${label} → 503 within 2 s (budget ${OUTAGE_BUDGET_MS} ms)`).toBeLessThan(OUTAGE_BUDGET_MS);
            }
            expect(a.proc.hasExited(), `[${name}] step hang: the app process is still alive`).toBe(false);
            record(store, lang, 'hang 503', `max ${worst} ms`);
            figures.push(`${name}: hung server (SIGSTOP): ${latencies.join('; ')}`);

            process.kill(pid!, 'SIGCONT');
            paused = undefined;
            const backAt = Date.now();
            await waitForHttp(`${a.baseUrl}/health`, RECOVERY_BUDGET_MS, { proc: a.proc });
            let last: Reply | undefined;
            while (Date.now() < backAt + RECOVERY_BUDGET_MS) {
              last = await me(a.baseUrl, jar.clone());
              if (last.status === 200) break;
              await new Promise((r) => setTimeout(r, 100));
            }
            expect(last?.status, `[${name}] step hang recovery: the session from before the hang authenticates again (GET /api/me → 200)\n  got: ${last && show(last)}`).toBe(200);
            figures.push(`${name}: SIGCONT → /api/me 200 after ${Date.now() - backAt} ms`);
            record(store, lang, 'hang recovery', `${Date.now() - backAt} ms`);
          } catch (err) {
            withOutput(err, [a.proc]);
          } finally {
            if (paused) process.kill(paused, 'SIGCONT');
            await halt(a);
          }
        });
      }
    });
  }
}

// ------------------------------------------------------------------ mongodb (no server here)

/**
 * MongoDB has no server on this machine (and none can be installed), so its apps are checked
 * for what they do without one: the app's own suite passes with its server tests skipped
 * (with the reason), the app refuses to boot, naming MONGODB_URL, when the URL points at a
 * closed port or is missing, and the session layer over connect-mongo answers 503 JSON within
 * 2 s over real HTTP while the server is unreachable. With a reachable MongoDB
 * (TEST_MONGODB_URL) the suite and the HTTP contract also run against it.
 */
const mongoUp = await isServiceUp('mongodb');


for (const lang of LANGS) {
  const store = 'mongodb';
  const name = `${store} × ${lang}`;
  describe(name, () => {
    let app = '';
    const running = new Set<StartedProcess>();

    beforeAll(async () => {
      const shared = await sharedApp(store, lang);
      const r = shared.scaffold;
      record(store, lang, 'scaffold', scaffoldFigure(shared));
      expect(r.code, `[${name}] step scaffold: --store ${store} --lang ${lang} with install → exit 0\n${describeRun(r)}`).toBe(0);
      app = shared.dir;
      expect(existsSync(join(app, 'node_modules')), `[${name}] step scaffold: the CLI installed dependencies\n${describeRun(r)}`).toBe(true);
    });

    afterAll(async () => {
      for (const p of running) await stop(p);
    });

    /** Start a command in the app and wait for it to exit (it must not serve). */
    async function bootExpectingFailure(env: NodeJS.ProcessEnv, what: string) {
      await buildOnce(app);
      const proc = startProcess('npm', ['start'], { cwd: app, env });
      running.add(proc);
      const t = Date.now();
      const exit = await Promise.race([
        proc.exited,
        new Promise<null>((r) => setTimeout(() => r(null), 90_000)),
      ]);
      const ms = Date.now() - t;
      if (exit === null) await stop(proc);
      running.delete(proc);
      expect(exit, `[${name}] step boot ${what}: the app exits instead of serving (waited 90 s)\n--- output:\n${proc.output().slice(-4_000)}`).not.toBeNull();
      expect(exit!.code, `[${name}] step boot ${what}: exits non-zero\n--- output:\n${proc.output().slice(-4_000)}`).not.toBe(0);
      expect(proc.output(), `[${name}] step boot ${what}: the output names MONGODB_URL`).toMatch(/MONGODB_URL/);
      return { ms, output: proc.output() };
    }

    it('passes its own `npm test` without a server: server tests skip themselves, with the reason', async () => {
      const r = await ownSuite(store, lang, MONGO_CLOSED_ENV);
      const out = `${r.stdout}\n${r.stderr}`;
      const skipped = /Tests\s+.*?(\d+) skipped/.exec(out.replace(/\x1b\[[0-9;]*m/g, ''))?.[1];
      const passed = /Tests\s+(\d+) passed/.exec(out.replace(/\x1b\[[0-9;]*m/g, ''))?.[1];
      record(store, lang, 'own suite', r.code === 0 ? `ok ${seconds(r.durationMs)} (${passed ?? '?'} passed, ${skipped ?? 0} skipped: no server)` : 'FAIL');
      expect(r.code, `[${name}] step own suite (no server): the generated app's \`npm test\` passes\n${describeRun(r)}`).toBe(0);
      expect(Number(passed ?? 0), `[${name}] step own suite (no server): the tests that need no server ran\n${describeRun(r)}`).toBeGreaterThan(0);
      expect(Number(skipped ?? 0), `[${name}] step own suite (no server): the tests that need MongoDB skipped\n${describeRun(r)}`).toBeGreaterThan(0);
      expect(out, `[${name}] step own suite (no server): the skip says why (MONGODB_URL unreachable)\n${describeRun(r)}`).toMatch(
        /MONGODB_URL[^\n]*unreachable|not reachable at MONGODB_URL/i,
      );
    });

    if (lang === 'ts') {
      it('type-checks with `npm run typecheck`', async () => {
        const r = await run('npm', ['run', 'typecheck'], { cwd: app, env: userEnv(), timeoutMs: 300_000 });
        record(store, lang, 'check', r.code === 0 ? 'tsc ok' : 'FAIL');
        expect(r.code, `[${name}] step typecheck: tsc finds no errors\n${describeRun(r)}`).toBe(0);
      });
    } else {
      it('passes `npm run check` (node --check of every file)', async () => {
        const r = await run('npm', ['run', 'check'], { cwd: app, env: userEnv(), timeoutMs: 120_000 });
        record(store, lang, 'check', r.code === 0 ? 'check ok' : 'FAIL');
        expect(r.code, `[${name}] step npm run check\n${describeRun(r)}`).toBe(0);
      });
    }

    it('refuses to boot when MONGODB_URL points at a closed port, naming MONGODB_URL', async () => {
      const closed = await freePort();
      const { ms, output } = await bootExpectingFailure(
        userEnv({ MONGODB_URL: `mongodb://app:hunter2@127.0.0.1:${closed}/sessions`, PORT: String(await freePort()), HOST: '127.0.0.1' }),
        'with MONGODB_URL at a closed port',
      );
      expect(output, `[${name}] step boot (closed port): the password is not printed`).not.toMatch(/hunter2/);
      figures.push(`${name}: npm start with MONGODB_URL at a closed port → exit ≠ 0 after ${seconds(ms)}${lang === 'ts' ? ' (incl. tsc build)' : ''}`);
      record(store, lang, 'contract', 'no server');
    });

    it('refuses to boot when MONGODB_URL is missing (not in the environment, no .env)', async () => {
      // .env sets MONGODB_URL: hide it for this one boot.
      const envFile = join(app, '.env');
      const hidden = join(app, '.env.e2e-hidden');
      renameSync(envFile, hidden);
      try {
        const { output } = await bootExpectingFailure(
          userEnv({ MONGODB_URL: undefined, PORT: String(await freePort()), HOST: '127.0.0.1' }),
          'without MONGODB_URL',
        );
        expect(output, `[${name}] step boot (missing): says MONGODB_URL is required`).toMatch(/MONGODB_URL is required/);
      } finally {
        renameSync(hidden, envFile);
      }
    });

    it('refuses to boot within 5 s when MONGODB_URL accepts connections but never answers (driver timeouts)', async () => {
      const sockets = new Set<Socket>();
      const silent = createServer((socket) => void sockets.add(socket.on('error', () => {})));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as AddressInfo).port;
      try {
        const { ms } = await bootExpectingFailure(
          userEnv({ MONGODB_URL: `mongodb://127.0.0.1:${port}/sessions`, PORT: String(await freePort()), HOST: '127.0.0.1' }),
          'with a MongoDB that never answers',
        );
        figures.push(`${name}: npm start with a MongoDB that never answers → exit ≠ 0 after ${seconds(ms)}`);
        record(store, lang, 'outage 503', `boot fails in ${seconds(ms)} (silent server)`);
        expect(ms, `[${name}] step boot (silent server): gives up within 5 s of starting node`).toBeLessThan(8_000);
      } finally {
        for (const socket of sockets) socket.destroy();
        silent.close();
      }
    });

    describe.skipIf(!mongoUp)(`with a reachable MongoDB (${serviceUrl('mongodb')})`, () => {
      it('passes its own `npm test` and serves the HTTP contract', async () => {
        const env = userEnv({ MONGODB_URL: serviceUrl('mongodb') });
        const r = await run('npm', OWN_SUITE_ARGS, { cwd: app, env, timeoutMs: 300_000 });
        expect(r.code, `[${name}] step own suite (with server)\n${describeRun(r)}`).toBe(0);
        const port = await freePort();
        const proc = startProcess('npm', ['start'], { cwd: app, env: { ...env, PORT: String(port), HOST: '127.0.0.1' } });
        running.add(proc);
        try {
          await waitForHttp(`http://127.0.0.1:${port}/health`, 120_000, { proc });
          await driveContract(`http://127.0.0.1:${port}`, store);
          record(store, lang, 'contract', 'ok (real server)');
        } catch (err) {
          withOutput(err, [proc]);
        } finally {
          await stop(proc);
          running.delete(proc);
        }
      });
    });
  });
}
