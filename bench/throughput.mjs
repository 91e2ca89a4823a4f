#!/usr/bin/env node
// Requests/s of the generated app against a minimal Express 5 + express-session app with the
// same store and the same installed versions: `npm run bench:throughput [-- --duration 4
// --rounds 10 --warmup 3 --connections 50 --stores memory,sqlite,redis,postgres --fresh --no-pin]`.
//
// Per store: the generated app (TypeScript) is scaffolded from the current templates and built
// under .e2e-tmp/bench/apps/<store>; its node_modules are kept while its package.json does
// not change (the first run installs; sqlite compiles better-sqlite3, ~2 min; --fresh
// installs again). Both servers run with NODE_ENV=production, a 40-character
// SESSION_SECRET and trust proxy 1. One session cookie is obtained per server with
// `X-Forwarded-Proto: https` (production cookies are __Host- and Secure) and sent back with
// every request of the load (`GET /api/session`, which reads and writes the session) by
// autocannon at 50 connections. Both servers are started and warmed up, then take the load
// in turns, `--duration` seconds each, for `--rounds` rounds. On a shared machine one slice
// can be 30 % off the next: the headline ratio is the median of each round's ratio (ours
// over the baseline slice next to it), which drifts in load mostly cancel.
// Needs Redis and PostgreSQL: URLs from .e2e-tmp/services.env (TEST_REDIS_URL,
// TEST_POSTGRES_URL) or REDIS_URL / DATABASE_URL; a store whose server is down is skipped.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { generatedApp, postgresUrl, redisUrl } from './apps.mjs';
import { BENCH_TMP, flags, load, median, run, table, userEnv } from './lib.mjs';
import { cpuMs, freePort, spawnServer, stopServer, waitFor } from './server.mjs';

const opts = flags(process.argv.slice(2), {
  duration: 4,
  warmup: 3,
  connections: 50,
  rounds: 10,
  stores: 'memory,sqlite,redis,postgres',
  fresh: false,
  build: true,
  pin: true,
  json: false,
});

async function storeUp(store) {
  if (store === 'redis') return (await run('redis-cli', ['-u', redisUrl, 'ping'], { timeoutMs: 5_000 })).stdout.includes('PONG');
  if (store === 'postgres') return (await run('pg_isready', ['-d', postgresUrl], { timeoutMs: 5_000 })).code === 0;
  return true;
}

/** One session cookie, as a browser behind a TLS proxy gets it. */
async function sessionCookie(base) {
  let problem;
  for (let attempt = 0; attempt < 3; attempt++) {
    const res = await fetch(`${base}/api/session`, { headers: { 'x-forwarded-proto': 'https' } });
    // The whole body first: express-session holds back the last byte until the store has the session.
    const body = await res.text();
    const setCookie = res.headers.get('set-cookie');
    if (res.status !== 200 || !setCookie) throw new Error(`GET /api/session gave ${res.status} and no cookie: ${body}`);
    const cookie = setCookie.split(';')[0];
    const again = await fetch(`${base}/api/session`, { headers: { 'x-forwarded-proto': 'https', cookie } });
    const text = await again.text();
    if (again.status === 200 && JSON.parse(text).views === 2) return cookie;
    problem = `the cookie did not carry the session (HTTP ${again.status}: ${text.slice(0, 200)})`;
    await sleep(500);
  }
  throw new Error(problem);
}

function cannon(url, cookie, duration) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, connections: opts.connections, duration, headers: { cookie, 'x-forwarded-proto': 'https' } },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

/** Starts one server (ours or the baseline) with its session cookie, warmed up. */
async function startServer(kind, store, app) {
  const port = await freePort();
  const env = userEnv({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    SESSION_SECRET: randomBytes(30).toString('base64url'), // 40 characters
    TRUST_PROXY: '1',
    REDIS_URL: redisUrl,
    // A prefix of this run's own: the app's rate-limit counters live in Redis, and another run's
    // (or the e2e tests') new sessions from 127.0.0.1 would otherwise count against this one.
    REDIS_PREFIX: `bench:${process.pid}:${kind}:`,
    DATABASE_URL: postgresUrl,
    SQLITE_PATH: join(app, 'data', `${kind}.db`),
  });
  await mkdir(join(app, 'data'), { recursive: true });
  const args = kind === 'ours' ? ['dist/server.js'] : [join('bench-baseline', `${store}.mjs`)];
  const server = pinning
    ? spawnServer('taskset', ['-c', '1', process.execPath, ...args], { cwd: app, env }) // taskset execs node: same pid
    : spawnServer(process.execPath, args, { cwd: app, env });
  try {
    const url = `http://127.0.0.1:${port}/api/session`;
    await waitFor(`http://127.0.0.1:${port}`, server);
    const cookie = await sessionCookie(`http://127.0.0.1:${port}`);
    await cannon(url, cookie, opts.warmup);
    return { kind, server, url, cookie };
  } catch (error) {
    await stopServer(server);
    throw error;
  }
}

/** One slice of load on a running server. */
async function measure({ server, url, cookie }) {
  const cpuBefore = cpuMs(server.child.pid);
  const r = await cannon(url, cookie, opts.duration);
  const cpuAfter = cpuMs(server.child.pid);
  // The server's own CPU per request, beside req/s.
  const cpuUs = cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1000) / r.requests.total;
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx, total: r.requests.total, cpuUs };
}

// On two or more CPUs the servers run on CPU 1 and this process (autocannon) on CPU 0:
// left to the scheduler, they trade places and one slice can be 30 % off the next.
// (A store server — Redis, PostgreSQL — still goes wherever the scheduler puts it.)
const pinning = opts.pin && availableParallelism() >= 2 && (await run('taskset', ['-a', '-cp', '0', String(process.pid)])).code === 0;
if (opts.pin && !pinning) console.error('taskset is missing or failed: processes not pinned, expect noisier figures.');

const results = [];
const loadBefore = load();
for (const store of opts.stores.split(',')) {
  if (!(await storeUp(store))) {
    console.error(`${store}: the server is not reachable, skipped (start it with npm run services).`);
    continue;
  }
  const { app, versions } = await generatedApp(store, opts);
  // Both servers stay up, warmed, and take the load in turns (only one at a time), so a
  // drift in the machine's speed hits both alike; each round's ratio compares neighbours.
  const servers = {};
  try {
    for (const kind of ['ours', 'baseline']) servers[kind] = await startServer(kind, store, app);
    const samples = { ours: [], baseline: [] };
    const roundRatios = [];
    for (let round = 0; round < opts.rounds; round++) {
      const order = round % 2 === 0 ? ['ours', 'baseline'] : ['baseline', 'ours'];
      const pair = {};
      for (const kind of order) {
        const sample = await measure(servers[kind]);
        samples[kind].push(sample);
        pair[kind] = sample;
        process.stderr.write(
          `  ${store} ${kind}: ${sample.rps.toFixed(0)} req/s, p99 ${sample.p99} ms, ${sample.errors} errors, ${sample.cpuUs?.toFixed(0) ?? '?'} µs CPU/request\n`,
        );
      }
      roundRatios.push(pair.ours.rps / pair.baseline.rps);
    }
    const sum = (kind) => ({
      rps: median(samples[kind].map((x) => x.rps)),
      p99: median(samples[kind].map((x) => x.p99)),
      errors: samples[kind].reduce((n, x) => n + x.errors, 0),
      cpuUs: samples[kind].every((x) => x.cpuUs !== null) ? median(samples[kind].map((x) => x.cpuUs)) : null,
    });
    results.push({ store, versions, ours: sum('ours'), baseline: sum('baseline'), ratio: median(roundRatios), roundRatios, samples });
  } catch (error) {
    console.error(`  ${store}: not measured: ${error.message}`);
    process.exitCode = 1;
  } finally {
    await Promise.all(Object.values(servers).map((s) => stopServer(s.server)));
  }
}
const loadAfter = load();

const result = { date: new Date().toISOString(), node: process.version, ...opts, load: { before: loadBefore, after: loadAfter }, results };
await mkdir(BENCH_TMP, { recursive: true });
await writeFile(join(BENCH_TMP, 'throughput.json'), JSON.stringify(result, null, 2));
if (opts.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(
    `\nGET /api/session with a session cookie (read + write), ${opts.connections} connections, ${opts.rounds} rounds of ${opts.duration} s per server, medians; ours / baseline is the median of the rounds' ratios.`,
  );
  console.log(`Node ${process.version}, autocannon on the same machine; load average ${loadBefore} → ${loadAfter}.\n`);
  console.log(
    table(
      ['store', 'ours req/s', 'ours p99 ms', 'ours errors', 'baseline req/s', 'baseline p99 ms', 'baseline errors', 'ours / baseline', 'each round', 'CPU µs/req ours / baseline'],
      results.map((r) => [
        r.store,
        r.ours.rps.toFixed(0),
        r.ours.p99,
        r.ours.errors,
        r.baseline.rps.toFixed(0),
        r.baseline.p99,
        r.baseline.errors,
        r.ratio.toFixed(2),
        r.roundRatios.map((x) => x.toFixed(2)).join(' '),
        r.ours.cpuUs === null || r.baseline.cpuUs === null ? 'n/a' : `${r.ours.cpuUs.toFixed(0)} / ${r.baseline.cpuUs.toFixed(0)}`,
      ]),
    ),
  );
  console.log('\nTarget: ours / baseline ≥ 0.90 with zero errors.');
}
