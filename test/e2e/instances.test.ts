/**
 * Several instances of a generated app (TypeScript) behind HAProxy (round robin, no
 * stickiness), over the clustered and pooled servers `scripts/services.sh` runs (issue #16):
 *
 * - Redis Cluster (3 masters + 3 replicas): the app's own `npm test` passes against it (its
 *   tests read keys back and count them with KEYS, which node-redis sends to every master);
 *   sessions written through one instance are read
 *   through the other, their keys (under the app's own prefix) spread over the masters; a
 *   master is killed (SIGKILL): every request answers within 2.5 s meanwhile (200, or 503
 *   JSON: no hang, no crash, no cookie cleared) and every session answers again within 30 s.
 *   The killed node is started again afterwards (`services.sh redis-cluster`): it rejoins as
 *   a replica.
 * - Redis Sentinel (1 master, 2 replicas, 3 sentinels): the same, with the master killed and a
 *   replica promoted.
 * - PostgreSQL through PgBouncer in transaction pooling mode: sessions shared, no prepared
 *   statement errors, and expired-session pruning from the two instances (their prune timers
 *   compressed by test/support/compress-prune-timers.mjs) never has more than one DELETE per
 *   instance in flight.
 * - MariaDB: two instances; every statement the store sends goes through a relay that reads
 *   the MySQL protocol, so the test sees that a new session is written with one
 *   `INSERT … ON DUPLICATE KEY UPDATE` and expired sessions are deleted 1,000 at a time.
 *
 * The app instances listen on the ports HAProxy sends to (TEST_HAPROXY_BACKENDS, 3181 and
 * 3182): one section at a time. Measured failover windows and slowest answers are printed at
 * the end. A server that is down skips its section locally (with the command that starts it)
 * and fails it in CI (`requireService`).
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, CookieJar, isDeletion, login, me, type Reply } from './contract.js';
import { OWN_SUITE_ARGS, prepareSharedApps, sharedApp, willRun, SHARED_APP_NAME } from './apps.js';
import { startApp } from './app.js';
import { describeRun, run, stop, userEnv, type StartedProcess } from '../support/process.js';
import {
  REPO_ROOT,
  haproxyBackends,
  haproxyStatsUrl,
  requireService,
  sentinelName,
  serviceEnv,
  serviceUrl,
  startService,
  type ServiceName,
} from '../support/services.js';

/** The issue's budgets: every answer during a failover within 2.5 s, every session back within 30 s. */
const ANSWER_BUDGET_MS = 2_500;
const FAILOVER_BUDGET_MS = 30_000;
/** Sessions each failover test drives. */
const SESSIONS = 24;
/** For NODE_OPTIONS: a file URL, so no space in the path can split it. */
const PRELOAD = pathToFileURL(join(REPO_ROOT, 'test', 'support', 'compress-prune-timers.mjs')).href;

const figures: string[] = [];
afterAll(() => {
  if (figures.length) console.log(`e2e figures (several instances behind HAProxy):\n  ${figures.join('\n  ')}`);
});

// ------------------------------------------------------------------ gates

/** Each service asked once (requireService logs why it skips). */
const asked = new Map<ServiceName, Promise<boolean>>();

/** 'up', 'skip' (down outside CI), or the CI failure (fails only the tests that need it). */
async function gate(...names: ServiceName[]): Promise<'up' | 'skip' | Error> {
  for (const name of names) {
    if (!asked.has(name)) asked.set(name, requireService(name));
    try {
      if (!(await asked.get(name)!)) return 'skip';
    } catch (err) {
      return err as Error;
    }
  }
  return 'up';
}

function gated(title: string, state: 'up' | 'skip' | Error, body: () => void): void {
  if (state instanceof Error) {
    describe(title, () => {
      it('needs its servers running', () => {
        throw state;
      });
    });
    return;
  }
  describe.skipIf(state === 'skip')(title, body);
}

const gates = {
  cluster: await gate('haproxy', 'redis-cluster'),
  sentinel: await gate('haproxy', 'redis-sentinel'),
  pgbouncer: await gate('haproxy', 'postgres', 'pgbouncer'),
  mysql: await gate('haproxy', 'mysql'),
};

// ------------------------------------------------------------------ helpers

const HAPROXY = serviceUrl('haproxy');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function show(r: Reply): string {
  return `${r.label} → ${r.status} ${r.contentType} ${r.text.slice(0, 200)}`;
}

/** The run's shared TypeScript app for `store` (apps.ts), its install asserted; returns its directory. */
async function installedApp(store: string): Promise<string> {
  const { dir, scaffold } = await sharedApp(store, 'ts');
  expect(scaffold.code, `scaffold --store ${store} --lang ts\n${describeRun(scaffold)}`).toBe(0);
  return dir;
}

/** Two instances of `app` on HAProxy's backend ports (env: the same for both, or per instance), with HAProxy seeing both up. */
async function startPair(app: string, env: Record<string, string> | ((index: number) => Record<string, string>)): Promise<StartedProcess[]> {
  const procs: StartedProcess[] = [];
  try {
    for (const [i, { port }] of haproxyBackends().entries()) procs.push((await startApp(app, port, typeof env === 'function' ? env(i) : env)).proc);
    await waitBalanced();
  } catch (err) {
    for (const p of procs) await stop(p);
    throw err;
  }
  return procs;
}

/** Until HAProxy's stats say every backend server is UP (its TCP check runs every second). */
async function waitBalanced(timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const csv = await fetch(haproxyStatsUrl()).then((r) => r.text());
    const [header, ...rows] = csv.replace(/^# /, '').trim().split('\n');
    const cols = header!.split(',');
    const [px, sv, st] = ['pxname', 'svname', 'status'].map((c) => cols.indexOf(c));
    const servers = rows.map((r) => r.split(',')).filter((r) => r[px!] === 'apps' && !['FRONTEND', 'BACKEND'].includes(r[sv!]!));
    last = servers.map((r) => `${r[sv!]} ${r[st!]}`).join(', ');
    if (servers.length === haproxyBackends().length && servers.every((r) => r[st!] === 'UP')) return;
    await sleep(200);
  }
  throw new Error(`HAProxy did not see every app instance up within ${timeoutMs} ms (last: ${last})`);
}

async function stopAll(procs: StartedProcess[]): Promise<void> {
  for (const p of procs) await stop(p);
}

function withOutput(err: unknown, procs: StartedProcess[]): never {
  const e = err instanceof Error ? err : new Error(String(err));
  for (const p of procs) e.message += `\n--- output of the app (pid ${p.pid}):\n${p.output().slice(-3_000)}`;
  throw e;
}

/** The session id inside the `sid` cookie (`s:<id>.<signature>`). */
function sidOf(jar: CookieJar): string {
  const raw = decodeURIComponent(jar.get('sid') ?? '');
  const m = /^s:(.+)\.[^.]+$/.exec(raw);
  if (!m) throw new Error(`no signed sid cookie in the jar (${raw})`);
  return m[1]!;
}

/** `redis-cli -p <port> …` on 127.0.0.1; its output, trimmed. */
async function redisCli(port: number, ...args: string[]): Promise<string> {
  const r = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { cwd: REPO_ROOT, timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(describeRun(r));
  return r.stdout.trim();
}

async function redisPid(port: number): Promise<number> {
  const info = await redisCli(port, 'info', 'server');
  return Number(/process_id:(\d+)/.exec(info)![1]);
}

/**
 * Log in `count` users through HAProxy, then read each session twice and count a view: with
 * round robin the reads land on both instances. Returns the jars; checks every answer.
 */
async function loginMany(prefix: string, count: number): Promise<Array<{ user: string; jar: CookieJar }>> {
  const sessions: Array<{ user: string; jar: CookieJar }> = [];
  const servedBy = new Map<string, Set<string>>();
  for (let i = 0; i < count; i++) {
    const user = `${prefix}-${i}`;
    const jar = await login(HAPROXY, user);
    sessions.push({ user, jar });
  }
  for (const { user, jar } of sessions) {
    for (let k = 0; k < 2; k++) {
      const r = await me(HAPROXY, jar);
      expect(r.status, `a session written through one instance is read through HAProxy\n  got: ${show(r)}`).toBe(200);
      expect(r.json).toEqual({ user: { name: user } });
      const by = r.headers.get('x-served-by') ?? '?';
      if (!servedBy.has(user)) servedBy.set(user, new Set());
      servedBy.get(user)!.add(by);
    }
  }
  // Every session was read by both instances (two reads in a row alternate under round robin).
  const both = [...servedBy.values()].filter((s) => s.size === 2).length;
  expect(both, `each session read by both instances (X-Served-By): ${JSON.stringify([...servedBy].map(([u, s]) => [u, [...s]]))}`).toBe(count);
  return sessions;
}

/** Views counted across instances: each call through HAProxy lands on the other instance. */
async function viewsAcrossInstances(jar: CookieJar, calls = 6): Promise<void> {
  let first: number | undefined;
  const by: string[] = [];
  for (let i = 0; i < calls; i++) {
    const r = await call(HAPROXY, 'GET', '/api/session', { jar });
    expect(r.status, show(r)).toBe(200);
    by.push(r.headers.get('x-served-by') ?? '?');
    first ??= r.json.views;
    expect(r.json.views, `views counted by both instances (${by.join(', ')})`).toBe(first! + i);
  }
  expect(new Set(by).size, `the calls were served by both instances: ${by.join(', ')}`).toBe(2);
}

interface Window {
  /** From the kill to the end of the first round in which every session answered 200. */
  backMs?: number;
  slowestMs: number;
  slowestLabel: string;
  requests: number;
  count503: number;
  first503Ms?: number;
  last503Ms?: number;
  problems: string[];
}

/**
 * After `killedAt`: rounds of one GET /api/me per session, one new login and one /health,
 * all through HAProxy, until a round where every session answers 200 (or the budget ends).
 * Every answer must come within ANSWER_BUDGET_MS as 200 or 503 JSON, never clearing a cookie.
 */
async function failoverWindow(sessions: Array<{ user: string; jar: CookieJar }>, killedAt: number, tag: string): Promise<Window> {
  const w: Window = { slowestMs: 0, slowestLabel: '', requests: 0, count503: 0, problems: [] };
  let round = 0;
  while (Date.now() - killedAt < FAILOVER_BUDGET_MS + ANSWER_BUDGET_MS) {
    const started = Date.now();
    round++;
    const probes: Array<{ label: string; run: () => Promise<Reply>; user?: string }> = [
      ...sessions.map(({ user, jar }) => ({ label: `GET /api/me (${user})`, user, run: () => me(HAPROXY, jar) })),
      {
        label: 'POST /api/login (new session)',
        run: () => call(HAPROXY, 'POST', '/api/login', { jar: new CookieJar(), json: { username: `${tag}-new-${round}` }, headers: { origin: HAPROXY } }),
      },
      { label: 'GET /health', run: () => call(HAPROXY, 'GET', '/health') },
    ];
    const replies = await Promise.all(
      probes.map(async (p) => {
        const t = Date.now();
        try {
          const r = await p.run();
          return { p, r, ms: Date.now() - t, at: t - killedAt };
        } catch (err) {
          return { p, r: undefined, ms: Date.now() - t, at: t - killedAt, err: err as Error };
        }
      }),
    );
    let allBack = true;
    for (const { p, r, ms, at, err } of replies) {
      w.requests++;
      if (ms > w.slowestMs) [w.slowestMs, w.slowestLabel] = [ms, `${p.label} at +${seconds(at)}`];
      const where = `${p.label} at +${seconds(at)}`;
      if (!r) {
        w.problems.push(`${where}: no answer after ${ms} ms (${err?.message})`);
        allBack = false;
        continue;
      }
      if (ms >= ANSWER_BUDGET_MS) w.problems.push(`${where}: answered after ${ms} ms (budget ${ANSWER_BUDGET_MS} ms)`);
      const cleared = r.setCookies.filter((c) => c.name === 'sid' && isDeletion(c));
      if (cleared.length) w.problems.push(`${where}: cleared the cookie (${cleared[0]!.raw})`);
      if (r.status === 503) {
        w.count503++;
        w.first503Ms ??= at;
        w.last503Ms = at;
        if (r.json === undefined) w.problems.push(`${where}: 503 without a JSON body: ${show(r)}`);
      } else if (r.status !== 200) {
        w.problems.push(`${where}: ${show(r)}`);
      } else if (p.user && r.json?.user?.name !== p.user) {
        w.problems.push(`${where}: 200 but not the user ${p.user}: ${show(r)}`);
      }
      if (p.user && r.status !== 200) allBack = false;
    }
    if (allBack && w.backMs === undefined) {
      w.backMs = Date.now() - killedAt;
      break;
    }
    await sleep(Math.max(0, 250 - (Date.now() - started)));
  }
  return w;
}

function describeWindow(w: Window): string {
  return (
    `all ${SESSIONS} sessions back ${w.backMs === undefined ? 'NEVER' : `${seconds(w.backMs)} after the kill`}; ` +
    `${w.requests} requests, ${w.count503} × 503` +
    (w.first503Ms !== undefined ? ` (from +${seconds(w.first503Ms)} to +${seconds(w.last503Ms!)})` : '') +
    `; slowest answer ${w.slowestMs} ms (${w.slowestLabel})`
  );
}

function expectWindow(w: Window, procs: StartedProcess[], what: string): void {
  expect(w.problems, `[${what}] every request during the failover answers within ${ANSWER_BUDGET_MS} ms with 200 or 503 JSON and keeps its cookie`).toEqual([]);
  expect(w.backMs, `[${what}] every session answers again within ${FAILOVER_BUDGET_MS / 1000} s of the kill (${describeWindow(w)})`).toBeDefined();
  expect(w.backMs!, `[${what}] every session back within ${FAILOVER_BUDGET_MS} ms`).toBeLessThan(FAILOVER_BUDGET_MS);
  for (const p of procs) expect(p.hasExited(), `[${what}] the app instance (pid ${p.pid}) is still running\n${p.output().slice(-3_000)}`).toBe(false);
}

// ------------------------------------------------------------------ apps

/** The describe block each shared app serves (below). */
const SECTIONS = {
  redis: 'redis × ts, two instances behind HAProxy',
  postgres: 'postgres × ts through PgBouncer (transaction pooling), two instances behind HAProxy',
  mysql: 'mysql × ts on MariaDB, two instances behind HAProxy',
};

// The apps of the sections that will run, installed before the first test.
beforeAll(({}, file) =>
  prepareSharedApps(
    Object.entries(SECTIONS)
      .filter(([, title]) => willRun(file, title))
      .map(([store]) => [store, 'ts'] as const),
  ),
);

// ------------------------------------------------------------------ Redis: Cluster and Sentinel

/** The app's name: its Redis keys are `<name>:sess:<id>`. */
const REDIS_APP = SHARED_APP_NAME;

describe(SECTIONS.redis, () => {
  let app = '';
  const needed = gates.cluster === 'up' || gates.sentinel === 'up';

  beforeAll(async () => {
    if (!needed) return;
    app = await installedApp('redis');
  });

  gated('Redis Cluster (3 masters + 3 replicas)', gates.cluster, () => {
    /** The cluster's masters now: id, port, slot ranges. */
    async function masters(): Promise<Array<{ id: string; port: number; slots: Array<[number, number]>; flags: string }>> {
      const ports = serviceUrl('redis-cluster').split(',').map((u) => Number(new URL(u.trim()).port));
      for (const port of ports) {
        try {
          const nodes = await redisCli(port, 'cluster', 'nodes');
          return nodes
            .split('\n')
            .map((line) => line.trim().split(' '))
            .filter((f) => f[2]!.includes('master') && !f[2]!.includes('fail') && f.length > 8)
            .map((f) => ({
              id: f[0]!,
              port: Number(/:(\d+)@/.exec(f[1]!)![1]),
              flags: f[2]!,
              slots: f.slice(8).filter((s) => /^\d/.test(s)).map((s) => (s.includes('-') ? (s.split('-').map(Number) as [number, number]) : [Number(s), Number(s)])),
            }));
        } catch {
          // that node is down: ask the next
        }
      }
      throw new Error('no cluster node answers CLUSTER NODES');
    }

    it("passes the app's own `npm test` against the Cluster (its tests read keys back and count them with KEYS)", async () => {
      const healthy = await startService('redis-cluster');
      expect(healthy.code, `the cluster is healthy before the test (services.sh redis-cluster)\n${describeRun(healthy)}`).toBe(0);
      const t = Date.now();
      const r = await run('npm', OWN_SUITE_ARGS, { cwd: app, env: userEnv(serviceEnv('redis-cluster')), timeoutMs: 300_000 });
      figures.push(`redis cluster: the app's own npm test against the Cluster: exit ${r.code} in ${seconds(Date.now() - t)}`);
      expect(r.code, `the generated app's own \`npm test\` passes with REDIS_CLUSTER_NODES\n${describeRun(r)}`).toBe(0);
      expect(`${r.stdout}\n${r.stderr}`, 'no test skipped').not.toMatch(/\b[1-9]\d* skipped\b/);
    });

    it('shares sessions, spreads them over the masters, and rides out a killed master', async () => {
      const healthy = await startService('redis-cluster');
      expect(healthy.code, `the cluster is healthy before the test (services.sh redis-cluster)\n${describeRun(healthy)}`).toBe(0);
      const procs = await startPair(app, serviceEnv('redis-cluster'));
      let killedPort: number | undefined;
      try {
        const sessions = await loginMany('cluster', SESSIONS);
        await viewsAcrossInstances(sessions[0]!.jar);

        // Where the sessions are: each key (the app's own prefix + id) on the master of its slot.
        const before = await masters();
        expect(before, 'three masters before the kill').toHaveLength(3);
        const perMaster = new Map<number, number>();
        for (const { jar } of sessions) {
          const key = `${REDIS_APP}:sess:${sidOf(jar)}`;
          const slot = Number(await redisCli(before[0]!.port, 'cluster', 'keyslot', key));
          const owner = before.find((m) => m.slots.some(([a, b]) => slot >= a && slot <= b))!;
          expect(await redisCli(owner.port, 'exists', key), `session key ${key} (slot ${slot}) is on the master of its slot (${owner.port})`).toBe('1');
          perMaster.set(owner.port, (perMaster.get(owner.port) ?? 0) + 1);
        }
        figures.push(`redis cluster: ${SESSIONS} sessions over masters ${[...perMaster].map(([p, n]) => `${p}: ${n}`).join(', ')}`);
        expect(perMaster.size, `sessions spread over at least two masters: ${JSON.stringify([...perMaster])}`).toBeGreaterThanOrEqual(2);

        // Kill the master holding the most sessions.
        const [victimPort] = [...perMaster].sort((a, b) => b[1] - a[1])[0]!;
        const victimId = before.find((m) => m.port === victimPort)!.id;
        const pid = await redisPid(victimPort);
        process.kill(pid, 'SIGKILL');
        killedPort = victimPort;
        const killedAt = Date.now();
        const w = await failoverWindow(sessions, killedAt, 'cluster');
        figures.push(`redis cluster: master ${victimPort} (${perMaster.get(victimPort)} sessions) SIGKILLed: ${describeWindow(w)}`);
        expectWindow(w, procs, 'redis cluster');

        // It was a real failover: the killed master's slots now belong to a promoted replica.
        const after = await masters();
        expect(after.map((m) => m.id), 'the killed master is no longer a master').not.toContain(victimId);
        expect(after, 'three masters again (a replica promoted)').toHaveLength(3);

        // Restore: the killed node starts again and rejoins as a replica.
        const restored = await startService('redis-cluster');
        expect(restored.code, `services.sh redis-cluster brings the cluster back\n${describeRun(restored)}`).toBe(0);
        killedPort = undefined;
        expect(await redisCli(victimPort, 'info', 'replication'), `node ${victimPort} rejoined as a replica`).toMatch(/role:slave/);
        for (const { user, jar } of sessions) expect((await me(HAPROXY, jar)).json, 'sessions intact after the restore').toEqual({ user: { name: user } });
      } catch (err) {
        withOutput(err, procs);
      } finally {
        if (killedPort !== undefined) await startService('redis-cluster');
        await stopAll(procs);
      }
    });
  });

  gated('Redis Sentinel (1 master, 2 replicas, 3 sentinels)', gates.sentinel, () => {
    const sentinels = () => serviceUrl('redis-sentinel').split(',').map((s) => Number(s.trim().split(':')[1]));
    async function masterPort(): Promise<number> {
      for (const port of sentinels()) {
        try {
          const out = await redisCli(port, 'sentinel', 'get-master-addr-by-name', sentinelName());
          return Number(out.split('\n')[1]);
        } catch {
          // ask the next sentinel
        }
      }
      throw new Error('no sentinel answers');
    }

    it('shares sessions and rides out a killed master (a replica promoted)', async () => {
      const healthy = await startService('redis-sentinel');
      expect(healthy.code, `the Sentinel group is healthy before the test (services.sh redis-sentinel)\n${describeRun(healthy)}`).toBe(0);
      const procs = await startPair(app, serviceEnv('redis-sentinel'));
      let killed = false;
      try {
        const sessions = await loginMany('sentinel', SESSIONS);
        await viewsAcrossInstances(sessions[0]!.jar);
        const master = await masterPort();
        const key = `${REDIS_APP}:sess:${sidOf(sessions[0]!.jar)}`;
        expect(await redisCli(master, 'exists', key), `the session key ${key} is on the master (${master})`).toBe('1');

        process.kill(await redisPid(master), 'SIGKILL');
        killed = true;
        const killedAt = Date.now();
        const w = await failoverWindow(sessions, killedAt, 'sentinel');
        const promoted = await masterPort();
        figures.push(`redis sentinel: master ${master} SIGKILLed, ${promoted} promoted: ${describeWindow(w)}`);
        expectWindow(w, procs, 'redis sentinel');
        expect(promoted, 'the sentinels promoted a replica').not.toBe(master);

        const restored = await startService('redis-sentinel');
        expect(restored.code, `services.sh redis-sentinel brings the group back\n${describeRun(restored)}`).toBe(0);
        killed = false;
        expect(await redisCli(master, 'info', 'replication'), `the old master ${master} is back as a replica`).toMatch(/role:slave/);
        for (const { user, jar } of sessions) expect((await me(HAPROXY, jar)).json, 'sessions intact after the restore').toEqual({ user: { name: user } });
      } catch (err) {
        withOutput(err, procs);
      } finally {
        if (killed) await startService('redis-sentinel');
        await stopAll(procs);
      }
    });
  });
});

// ------------------------------------------------------------------ PostgreSQL through PgBouncer

gated(SECTIONS.postgres, gates.pgbouncer, () => {
  let app = '';
  beforeAll(async () => {
    app = await installedApp('postgres');
  });

  it('shares sessions, no prepared-statement errors, pruning from both instances does not pile up', async () => {
    // PgBouncer really pools by transaction (its admin console).
    const admin = new pg.Client({ connectionString: serviceUrl('pgbouncer').replace(/\/[^/]*$/, '/pgbouncer') });
    await admin.connect();
    const config = await admin.query('SHOW CONFIG').finally(() => admin.end());
    expect(config.rows.find((r) => r.key === 'pool_mode')?.value, 'PgBouncer pool_mode').toBe('transaction');

    // Straight to PostgreSQL: one connection watches, one adds expired rows.
    const watcher = new pg.Client({ connectionString: serviceUrl('postgres') });
    const seeder = new pg.Client({ connectionString: serviceUrl('postgres') });
    await watcher.connect();
    await seeder.connect();
    // Each instance names itself (application_name, which PgBouncer passes on), so the
    // watcher can tell whose DELETE is running.
    const names = ['e2e-instance-a', 'e2e-instance-b'];
    const procs = await startPair(app, (i) => ({
      DATABASE_URL: `${serviceUrl('pgbouncer')}?application_name=${names[i]}`,
      NODE_OPTIONS: `--import=${PRELOAD}`,
    }));
    let running = true;
    const tag = `e2e-expired-${Date.now()}-`;
    try {
      // While the instances serve sessions, expired rows keep arriving (10,000 every 0.5 s),
      // so every prune has work, and the watcher samples the prune DELETEs in flight.
      let added = 0;
      const seeding = (async () => {
        while (running) {
          await seeder.query(
            `INSERT INTO "session" (sid, sess, expire) SELECT $1 || $2::text || '-' || g, '{"cookie":{}}', now() - interval '1 hour' FROM generate_series(1, 10000) g`,
            [tag, added],
          );
          added += 10_000;
          await sleep(500);
        }
      })();
      const inFlight = new Map<string, number>(); // most prune DELETEs seen at once, per instance
      let samplesWithPrune = 0;
      let samples = 0;
      const watching = (async () => {
        while (running) {
          const { rows } = await watcher.query(
            `SELECT application_name AS name, count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND state = 'active' AND query LIKE 'DELETE FROM "session" WHERE expire <%'
              GROUP BY application_name`,
          );
          samples++;
          if (rows.length) samplesWithPrune++;
          for (const { name, n } of rows) inFlight.set(name, Math.max(inFlight.get(name) ?? 0, n));
          await sleep(10);
        }
      })();

      const t = Date.now();
      const sessions = await loginMany('pgb', 20);
      await viewsAcrossInstances(sessions[0]!.jar);
      let slowest = 0;
      let requests = 0;
      while (Date.now() - t < 12_000) {
        const replies = await Promise.all(sessions.map(async ({ jar }) => [Date.now(), await call(HAPROXY, 'GET', '/api/session', { jar })] as const));
        for (const [at, r] of replies) {
          requests++;
          slowest = Math.max(slowest, Date.now() - at);
          expect(r.status, `session traffic through PgBouncer while both instances prune\n  got: ${show(r)}`).toBe(200);
        }
        await sleep(200);
      }
      running = false;
      await Promise.all([seeding, watching]);

      // Logout on one instance is final on the other.
      const [{ jar }] = sessions;
      const copy = jar.clone();
      const out = await call(HAPROXY, 'POST', '/api/logout', { jar, headers: { origin: HAPROXY } });
      expect(out.status, show(out)).toBe(204);
      for (let i = 0; i < 2; i++) expect((await me(HAPROXY, copy)).status, 'the old cookie after logout, on either instance').toBe(401);

      // The last rows go with the next prunes (every 1.5–4.5 s per instance here).
      let left = -1;
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        left = (await watcher.query(`SELECT count(*)::int AS n FROM "session" WHERE sid LIKE $1`, [`${tag}%`])).rows[0].n;
        if (left === 0) break;
        await sleep(250);
      }
      const live = await watcher.query(`SELECT count(*)::int AS n FROM "session" WHERE sid = ANY($1)`, [sessions.slice(1).map((s) => sidOf(s.jar))]);
      const fired = procs.map((p) => (p.output().match(/\[e2e\] prune timer fired/g) ?? []).length);
      figures.push(
        `pgbouncer: ${added} expired rows added during ${seconds(Date.now() - t)}; prune timers fired ${fired.join(' + ')} times; ` +
          `a prune DELETE in flight in ${samplesWithPrune} of ${samples} samples, at most ${JSON.stringify(Object.fromEntries(inFlight))} at once; ` +
          `${requests} session requests, slowest ${slowest} ms`,
      );
      expect(left, 'the instances deleted every expired row').toBe(0);
      expect(live.rows[0].n, 'and no live session').toBe(sessions.length - 1);
      for (const n of fired) expect(n, `each instance pruned more than once (its timer re-armed after the prune): ${fired}`).toBeGreaterThanOrEqual(2);
      expect(samplesWithPrune, 'the watcher saw prunes running (else the next check proves nothing)').toBeGreaterThan(0);
      for (const name of names) expect(inFlight.get(name) ?? 0, `${name}: never more than one prune DELETE in flight`).toBeLessThanOrEqual(1);
      for (const p of procs) {
        expect(p.output(), 'no prepared-statement error through PgBouncer').not.toMatch(/prepared statement/i);
        expect(p.output(), 'no failed prune').not.toMatch(/Failed to prune/i);
      }
    } catch (err) {
      withOutput(err, procs);
    } finally {
      running = false;
      await stopAll(procs);
      await seeder.query(`DELETE FROM "session" WHERE sid LIKE $1`, [`${tag}%`]).catch(() => {});
      await watcher.end();
      await seeder.end();
    }
  });
});

// ------------------------------------------------------------------ MariaDB

/**
 * A TCP relay in front of MariaDB that records every COM_QUERY the app sends (mysql2's
 * `query()` sends SQL text with the values already in it). Commands start a packet sequence
 * at 0; the handshake's reply (sequence 1) is never taken for one.
 */
async function mysqlRelay(target: { host: string; port: number }): Promise<{ port: number; statements: string[]; close: () => Promise<void> }> {
  const statements: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(target.port, target.host);
    sockets.add(client).add(upstream);
    let buffer = Buffer.alloc(0);
    client.on('data', (chunk) => {
      upstream.write(chunk);
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 4) {
        const length = buffer.readUIntLE(0, 3);
        if (buffer.length < 4 + length) break;
        const seq = buffer[3];
        if (seq === 0 && buffer[4] === 0x03) statements.push(buffer.subarray(5, 4 + length).toString('utf8'));
        buffer = buffer.subarray(4 + length);
      }
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    statements,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

gated(SECTIONS.mysql, gates.mysql, () => {
  let app = '';
  beforeAll(async () => {
    app = await installedApp('mysql');
  });

  it('shares sessions; a new session is one INSERT … ON DUPLICATE KEY UPDATE; pruning goes 1,000 rows at a time', async () => {
    const url = new URL(serviceUrl('mysql'));
    const relay = await mysqlRelay({ host: url.hostname, port: Number(url.port || 3306) });
    const viaRelay = new URL(url);
    viaRelay.port = String(relay.port);
    const db = await mysql.createConnection({ uri: url.toString() });
    const procs = await startPair(app, { DATABASE_URL: viaRelay.toString(), NODE_OPTIONS: `--import=${PRELOAD}` });
    try {
      const EXPIRED = 2_500;
      const now = Date.now();
      const rows = Array.from({ length: EXPIRED }, (_, i) => [`e2e-expired-${now}-${i}`, '{"cookie":{}}', now - 3_600_000]);
      await db.query('INSERT INTO `sessions` (sid, sess, expires) VALUES ?', [rows]);

      // Concurrent logins through both instances.
      const logins = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const jar = new CookieJar();
          const r = await call(HAPROXY, 'POST', '/api/login', { jar, json: { username: `my-${i}` }, headers: { origin: HAPROXY } });
          expect(r.status, `concurrent login ${i}\n  got: ${show(r)}`).toBe(200);
          return { user: `my-${i}`, jar };
        }),
      );
      for (const { user, jar } of logins) {
        for (let k = 0; k < 2; k++) expect((await me(HAPROXY, jar)).json, 'read through either instance').toEqual({ user: { name: user } });
      }
      await viewsAcrossInstances(logins[0]!.jar);

      // Both instances' prune timers run every 3 s here: wait for the rows to go.
      const deadline = Date.now() + 15_000;
      let left = EXPIRED;
      while (Date.now() < deadline) {
        const [[row]] = (await db.query("SELECT count(*) AS n FROM `sessions` WHERE sid LIKE 'e2e-expired-%'")) as any;
        left = Number(row.n);
        if (left === 0) break;
        await sleep(250);
      }
      expect(left, 'the instances deleted every expired row').toBe(0);

      // What the store sent.
      const statements = relay.statements;
      for (const { jar } of logins) {
        const sid = sidOf(jar);
        const first = statements.find((s) => s.includes(`'${sid}'`));
        expect(first, `the first statement that names new session ${sid.slice(0, 6)}… writes it in one statement`).toMatch(
          /^INSERT INTO `sessions` \(sid, sess, expires\) VALUES \(.*\) ON DUPLICATE KEY UPDATE sess = .*, expires = \d+$/s,
        );
      }
      expect(statements.filter((s) => /^\s*(BEGIN|START TRANSACTION|LOCK TABLES)/i.test(s) || /FOR UPDATE/i.test(s)), 'no transaction or lock around the writes').toEqual([]);
      const prunes = statements.filter((s) => /^DELETE FROM `sessions` WHERE expires </.test(s));
      expect(prunes.length, 'pruning ran in several batches').toBeGreaterThanOrEqual(3);
      for (const s of prunes) expect(s, 'every prune DELETE is bounded').toMatch(/ LIMIT 1000$/);
      const fired = procs.map((p) => (p.output().match(/\[e2e\] prune timer fired/g) ?? []).length);
      figures.push(`mysql: ${EXPIRED} expired rows deleted in ${prunes.length} DELETE … LIMIT 1000 statements; prune timers fired ${fired.join(' + ')} times; ${statements.length} statements seen`);
      for (const p of procs) expect(p.output(), 'no duplicate-key or deadlock error').not.toMatch(/ER_DUP_ENTRY|ER_LOCK_DEADLOCK|Deleting expired sessions failed/);
    } catch (err) {
      withOutput(err, procs);
    } finally {
      await stopAll(procs);
      await db.end();
      await relay.close();
    }
  });
});
