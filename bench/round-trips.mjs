#!/usr/bin/env node
// Store round trips per request, counted by the store server itself: `npm run bench:round-trips
// [-- --stores redis,postgres]`.
//
// The generated TypeScript app of each store (scaffolded from the current templates and built,
// as for bench:throughput) runs in production mode behind a pretend TLS proxy. For each kind of
// request the bench asks the server what it executed:
//   - Redis: `CONFIG RESETSTAT` before, `INFO commandstats` after (every command, by name);
//   - PostgreSQL: the statement log of the bench database (`log_statement = all` on that
//     database only, for the app's connections), read between two marker statements.
// Requests run one at a time, each after the previous has fully ended, so nothing else is
// counted (run it on a quiet machine: other clients of the same Redis are counted too).
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generatedApp, postgresUrl, redisUrl } from './apps.mjs';
import { flags, must, run, table, userEnv } from './lib.mjs';
import { freePort, spawnServer, stopServer, waitFor } from './server.mjs';

const opts = flags(process.argv.slice(2), { stores: 'redis,postgres', fresh: false, build: true });

/** The requests counted, in order, on one client: [label, method, path, body]. */
const STEPS = [
  ['first visit (new session, counted)', 'GET', '/api/session'],
  ['counting request', 'GET', '/api/session'],
  ['read-only request (GET /api/me, logged out)', 'GET', '/api/me'],
  ['login', 'POST', '/api/login', { username: 'alice' }],
  ['read-only request (GET /api/me)', 'GET', '/api/me'],
  ['counting request (logged in)', 'GET', '/api/session'],
  ['logout', 'POST', '/api/logout'],
];

const redisCli = (...args) => run('redis-cli', ['-u', redisUrl, ...args], { timeoutMs: 10_000 });
const psql = (sql, url = postgresUrl) => run('psql', [url, '-XtAc', sql], { timeoutMs: 10_000 });

/** Counters for Redis: per command name, from INFO commandstats. */
const redisCounter = {
  async reset() {
    must(await redisCli('CONFIG', 'RESETSTAT'), 'CONFIG RESETSTAT');
  },
  async read() {
    const info = must(await redisCli('INFO', 'commandstats'), 'INFO commandstats').stdout;
    const counts = {};
    for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (!/^(info|config)/.test(m[1])) counts[m[1].toUpperCase()] = Number(m[2]);
    }
    // Commands a Lua script runs (rate-limit-redis's EVALSHA) are counted too, but travel in one round trip.
    if (counts.EVALSHA) for (const inScript of ['INCR', 'PTTL', 'PEXPIRE']) delete counts[inScript];
    return counts;
  },
};

/** Counters for PostgreSQL: statements of the bench database in the server's log, by verb. */
async function postgresCounter() {
  const db = new URL(postgresUrl).pathname.slice(1);
  must(await psql(`ALTER DATABASE "${db}" SET log_statement = 'all'`), 'turning on the statement log of the bench database');
  const clusters = must(await run('pg_lsclusters', ['-h'], { timeoutMs: 10_000 }), 'pg_lsclusters').stdout;
  const logFile = clusters.trim().split('\n')[0]?.split(/\s+/).pop();
  let mark = '';
  return {
    logFile,
    async reset() {
      mark = `bench-mark-${randomBytes(6).toString('hex')}`;
      await psql(`SELECT '${mark}'`);
    },
    async read() {
      await sleep(200); // the log is written by the server process: let it catch up
      const text = readFileSync(logFile, 'utf8');
      const after = text.slice(text.lastIndexOf(mark));
      const counts = {};
      for (const m of after.matchAll(/LOG:\s+(?:statement|execute [^:]*):\s+(\w+)/g)) {
        if (/bench-mark/.test(m.input.slice(m.index, m.index + 200))) continue;
        const verb = m[1].toUpperCase();
        counts[verb] = (counts[verb] ?? 0) + 1;
      }
      return counts;
    },
    async stop() {
      await psql(`ALTER DATABASE "${db}" RESET log_statement`);
    },
  };
}

const describe = (counts) =>
  Object.entries(counts)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, n]) => `${n} ${name}`)
    .join(', ') || 'none';

const rows = [];
for (const store of opts.stores.split(',')) {
  const counter = store === 'redis' ? redisCounter : await postgresCounter();
  if (store === 'postgres' && !statSync(counter.logFile, { throwIfNoEntry: false })) {
    console.error(`postgres: the server log ${counter.logFile} is not readable here: skipped`);
    continue;
  }
  const { app } = await generatedApp(store, opts);
  const port = await freePort();
  await mkdir(join(app, 'data'), { recursive: true });
  const env = userEnv({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    SESSION_SECRET: randomBytes(30).toString('base64url'),
    TRUST_PROXY: '1',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `bench-rt-${process.pid}:`,
    DATABASE_URL: postgresUrl,
  });
  const server = spawnServer(process.execPath, ['dist/server.js'], { cwd: app, env });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(base, server);
    await sleep(500); // boot-time work (table creation, first prune) is over
    let cookie = '';
    for (const [label, method, path, body] of STEPS) {
      await counter.reset();
      const headers = { 'x-forwarded-proto': 'https', ...(cookie && { cookie }), ...(body && { 'content-type': 'application/json' }) };
      const res = await fetch(base + path, { method, headers, body: body && JSON.stringify(body) });
      await res.text();
      const setCookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('__Host-sid='));
      if (setCookie) cookie = setCookie.endsWith('=') ? '' : setCookie;
      rows.push([store, label, `${res.status}`, describe(await counter.read())]);
    }
  } finally {
    await stopServer(server);
    await counter.stop?.();
  }
}

console.log(table(['store', 'request', 'status', 'round trips counted by the server'], rows));
console.log('EVALSHA is the rate limit (rate-limit-redis: one script, one round trip).');
