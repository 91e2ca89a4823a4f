#!/usr/bin/env node
// How much room a session takes in each server store: `npm run bench:capacity
// [-- --stores redis,postgres,mysql --sessions 2000]`.
//
// For each store, the generated TypeScript app (scaffolded from the current templates, as
// bench/apps.mjs does) is started and N sessions are created through it over HTTP, as a user
// creates them: POST /api/login, then GET /api/session (the "demo session": user, views,
// cookie). The same N sessions are then rewritten in place, straight in the store, with a
// `cart` field that brings each serialised session to 1 KB (the app has no route that stores
// that much), and measured again.
//
// - Redis: `MEMORY USAGE <key> SAMPLES 0` of every session key (value, key, expiry and Redis's
//   own overhead), on the shared Redis under a key prefix of the bench's own (deleted after).
// - PostgreSQL: in the bench's own database (sessions_bench, emptied first), after
//   `VACUUM FULL`: pg_total_relation_size of the table (heap, TOAST, the primary key and the
//   expire index) over the row count.
// - MariaDB/MySQL: in a database of its own (sessions_bench), after `OPTIMIZE TABLE` and
//   `ANALYZE TABLE`: data_length + index_length over the row count (InnoDB counts whole 16 KB
//   pages, so take N ≥ 2,000).
//
// "sessions per GB" is 1 GiB over those bytes: storage for the sessions alone, without the
// server's fixed overhead, replicas or (PostgreSQL) the dead rows that updates leave until
// autovacuum comes by.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { generatedApp, mysqlBenchUrl, postgresUrl, redisUrl } from './apps.mjs';
import { flags, load, table, userEnv } from './lib.mjs';
import { freePort, spawnServer, stopServer, waitFor } from './server.mjs';

const opts = flags(process.argv.slice(2), { stores: 'redis,postgres,mysql', sessions: 2000, json: false });
const N = opts.sessions;
const KB = 1024;
const GIB = 2 ** 30;

/** Starts the app's build on a free port; returns its base URL and a stop function. */
async function startApp(app, env) {
  const port = await freePort();
  const server = spawnServer(process.execPath, ['dist/server.js'], {
    cwd: app,
    env: userEnv({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      SESSION_SECRET: 'capacity-bench-secret-capacity-bench-secret',
      LOGIN_RATE_LIMIT: '10000000',
      NEW_SESSION_LIMIT: '10000000',
      ...env,
    }),
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(base, server);
  return { base, stop: () => stopServer(server) };
}

/** N demo sessions through the app (10 at a time); returns their ids. */
async function createSessions(base) {
  const ids = [];
  let next = 0;
  async function worker() {
    while (next < N) {
      const i = next++;
      const login = await fetch(`${base}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: base },
        body: JSON.stringify({ username: `capacity-user-${i}` }),
      });
      if (login.status !== 200) throw new Error(`POST /api/login → ${login.status} ${await login.text()}`);
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('sid='));
      const view = await fetch(`${base}/api/session`, { headers: { cookie } });
      if (view.status !== 200) throw new Error(`GET /api/session → ${view.status}`);
      await view.text();
      ids.push(/^sid=s%3A(.+)\.[^.]+$/.exec(cookie)[1]);
    }
  }
  await Promise.all(Array.from({ length: 10 }, worker));
  return ids;
}

/** The session padded with a `cart` so that its JSON is exactly `bytes` long. */
function padded(json, bytes) {
  const session = typeof json === 'string' ? JSON.parse(json) : json;
  const base = JSON.stringify({ ...session, cart: '' });
  return JSON.stringify({ ...session, cart: 'x'.repeat(Math.max(0, bytes - base.length)) });
}

const results = [];
function report(store, kind, bytes, jsonBytes, detail) {
  results.push({ store, kind, bytes: Math.round(bytes), jsonBytes: Math.round(jsonBytes), perGiB: Math.floor(GIB / bytes), detail });
  process.stderr.write(`  ${store} ${kind}: ${Math.round(bytes)} B per session (${detail})\n`);
}

// ------------------------------------------------------------------ redis

async function redis() {
  const { app } = await generatedApp('redis');
  const { createClient } = createRequire(join(app, 'package.json'))('redis');
  const prefix = `bench-capacity-${process.pid}:`;
  const client = createClient({ url: redisUrl });
  await client.connect();
  const server = await startApp(app, { REDIS_URL: redisUrl, REDIS_PREFIX: prefix });
  try {
    const ids = await createSessions(server.base);
    await server.stop();
    const keys = ids.map((id) => prefix + id);
    const measure = async (kind) => {
      let memory = 0;
      let json = 0;
      for (const key of keys) {
        memory += Number(await client.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']));
        json += await client.strLen(key);
      }
      report('redis', kind, memory / keys.length, json / keys.length, `MEMORY USAGE of ${keys.length} keys, Redis ${(await client.info('server')).match(/redis_version:(\S+)/)[1]}`);
    };
    await measure('demo session');
    for (const key of keys) await client.set(key, padded(await client.get(key), KB), { KEEPTTL: true });
    await measure('1 KB session');
  } finally {
    await server.stop();
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (batch.length) await client.del(batch);
    await client.close();
  }
}

// ------------------------------------------------------------------ postgres

async function postgres() {
  const { app } = await generatedApp('postgres');
  const db = new pg.Client({ connectionString: postgresUrl });
  await db.connect();
  // A first boot creates the table; then it is emptied (this is the bench's own database).
  let server = await startApp(app, { DATABASE_URL: postgresUrl });
  await server.stop();
  await db.query('TRUNCATE "session"');
  server = await startApp(app, { DATABASE_URL: postgresUrl });
  try {
    const ids = await createSessions(server.base);
    await server.stop();
    const measure = async (kind) => {
      await db.query('VACUUM FULL ANALYZE "session"');
      const { rows } = await db.query(
        `SELECT count(*)::int AS n, pg_total_relation_size('"session"')::bigint AS total, pg_relation_size('"session"')::bigint AS heap,
                pg_indexes_size('"session"')::bigint AS indexes, avg(octet_length(sess::text))::float AS json FROM "session"`,
      );
      const r = rows[0];
      report('postgres', kind, Number(r.total) / r.n, r.json, `${r.n} rows: table ${Number(r.heap)} B + indexes ${Number(r.indexes)} B + TOAST, after VACUUM FULL`);
    };
    await measure('demo session');
    const { rows } = await db.query('SELECT sid, sess FROM "session" WHERE sid = ANY($1)', [ids]);
    for (const { sid, sess } of rows) await db.query('UPDATE "session" SET sess = $1::json WHERE sid = $2', [padded(sess, KB), sid]);
    await measure('1 KB session');
  } finally {
    await server.stop();
    await db.query('TRUNCATE "session"');
    await db.end();
  }
}

// ------------------------------------------------------------------ mysql

async function mysqlStore() {
  const { app } = await generatedApp('mysql');
  const mysqlUrl = await mysqlBenchUrl();
  const db = await mysql.createConnection({ uri: mysqlUrl });
  let server = await startApp(app, { DATABASE_URL: mysqlUrl });
  await server.stop();
  await db.query('TRUNCATE TABLE `sessions`');
  server = await startApp(app, { DATABASE_URL: mysqlUrl });
  try {
    const ids = await createSessions(server.base);
    await server.stop();
    const measure = async (kind) => {
      await db.query('OPTIMIZE TABLE `sessions`');
      await db.query('ANALYZE TABLE `sessions`');
      const [[r]] = await db.query(
        `SELECT (SELECT count(*) FROM sessions) AS n, data_length AS data, index_length AS idx, (SELECT avg(length(sess)) FROM sessions) AS json
           FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'sessions'`,
      );
      const [[{ version }]] = await db.query('SELECT version() AS version');
      report('mysql', kind, (Number(r.data) + Number(r.idx)) / Number(r.n), Number(r.json), `${r.n} rows: data ${r.data} B + indexes ${r.idx} B, ${version}`);
    };
    await measure('demo session');
    const [rows] = await db.query('SELECT sid, sess FROM `sessions` WHERE sid IN (?)', [ids]);
    for (const { sid, sess } of rows) await db.query('UPDATE `sessions` SET sess = ? WHERE sid = ?', [padded(sess, KB), sid]);
    await measure('1 KB session');
  } finally {
    await server.stop();
    await db.query('TRUNCATE TABLE `sessions`');
    await db.end();
  }
}

// ------------------------------------------------------------------ main

const runners = { redis, postgres, mysql: mysqlStore };
process.stderr.write(`capacity: ${N} sessions per store; load ${load()}\n`);
for (const store of opts.stores.split(',')) {
  if (!runners[store]) throw new Error(`--stores: no capacity runner for ${store} (have ${Object.keys(runners).join(', ')})`);
  await runners[store]();
}
if (opts.json) console.log(JSON.stringify({ sessions: N, results }, null, 2));
else {
  console.log(`Bytes per session (${N} sessions per store; "JSON" is the serialised session itself)\n`);
  console.log(
    table(
      ['store', 'session', 'JSON', 'bytes per session', 'sessions per GiB'],
      results.map((r) => [r.store, r.kind, `${r.jsonBytes} B`, `${r.bytes} B`, r.perGiB.toLocaleString('en-US')]),
    ),
  );
}
