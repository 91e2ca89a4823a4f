// The generated apps the benches run, scaffolded from the current templates, and the store
// servers they use.
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BENCH_TMP, REPO_ROOT, must, run } from './lib.mjs';

function servicesEnv() {
  const file = join(REPO_ROOT, '.e2e-tmp', 'services.env');
  const env = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) env[m[1]] = m[2];
    }
  }
  return env;
}
const services = servicesEnv();
/** The Redis and PostgreSQL the benches use (PostgreSQL: a database of their own). */
export const redisUrl = process.env.REDIS_URL ?? services.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const postgresUrl = process.env.DATABASE_URL ?? (await benchDatabase(services.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/sessions_test'));

/**
 * The MariaDB/MySQL database the benches use: sessions_bench beside the test one (created
 * when missing), or MYSQL_URL. A function, so benches without MySQL never connect.
 */
export async function mysqlBenchUrl() {
  if (process.env.MYSQL_URL) return process.env.MYSQL_URL;
  const url = new URL(services.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/sessions_test');
  const { default: mysql } = await import('mysql2/promise');
  const admin = new URL(url);
  admin.pathname = '/';
  const db = await mysql.createConnection({ uri: admin.href });
  try {
    await db.query('CREATE DATABASE IF NOT EXISTS sessions_bench');
  } finally {
    await db.end();
  }
  url.pathname = '/sessions_bench';
  return url.href;
}

/** A database of its own (sessions_bench) beside the test one, so tests that empty tables don't interfere. */
async function benchDatabase(testUrl) {
  const url = new URL(testUrl);
  const admin = new URL(testUrl);
  admin.pathname = '/postgres';
  const r = await run('psql', [admin.href, '-tAc', 'CREATE DATABASE sessions_bench'], { timeoutMs: 10_000 });
  if (r.code === 0 || /already exists/.test(r.stderr)) {
    url.pathname = '/sessions_bench';
    return url.href;
  }
  return testUrl; // no psql or no right to create: share the test database (tables differ)
}

/**
 * Scaffolds the app for a store from the current templates (every run, so the bench never
 * measures an old scaffold) and builds it; its node_modules are reused while package.json
 * is unchanged.
 */
export async function generatedApp(store, opts = { fresh: false, build: true }) {
  const dir = join(BENCH_TMP, 'apps', store);
  const app = join(dir, 'app');
  const staging = join(dir, 'staging'); // scaffolded as `app` there too: the same package name
  const next = join(staging, 'app');
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  must(
    await run(process.execPath, [join(REPO_ROOT, 'bin', 'create-express-session-app.js'), 'app', '--store', store, '--lang', 'ts', '--pm', 'npm', '--no-git', '--no-docker', '--no-install'], {
      cwd: staging,
      timeoutMs: 60_000,
    }),
    `scaffolding the ${store} app`,
  );
  const manifest = (root) => (existsSync(join(root, 'package.json')) ? readFileSync(join(root, 'package.json'), 'utf8') : null);
  const reuse = !opts.fresh && existsSync(join(app, 'node_modules', 'express-session')) && manifest(app) === manifest(next);
  if (reuse) await rename(join(app, 'node_modules'), join(next, 'node_modules'));
  await rm(app, { recursive: true, force: true });
  await rename(next, app);
  await rm(staging, { recursive: true, force: true });
  if (!reuse) {
    process.stderr.write(`  installing the ${store} app (kept in ${dir} while its package.json is unchanged)…\n`);
    must(await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: app, timeoutMs: 600_000 }), `installing the ${store} app`);
  }
  // The bench sets every variable itself; a .env would only fill gaps, but leave none.
  await rm(join(app, '.env'), { force: true });
  if (opts.build) must(await run('npm', ['run', 'build'], { cwd: app, timeoutMs: 300_000 }), `building the ${store} app`);
  await rm(join(app, 'bench-baseline'), { recursive: true, force: true });
  await mkdir(join(app, 'bench-baseline'));
  for (const file of ['common.mjs', `${store}.mjs`]) {
    const from = join(REPO_ROOT, 'bench', 'baseline', file);
    if (existsSync(from)) await cp(from, join(app, 'bench-baseline', file)); // not every store has a baseline
  }
  const versions = {};
  for (const name of ['express', 'express-session', 'memorystore', 'connect-redis', 'redis', 'connect-pg-simple', 'pg', 'better-sqlite3']) {
    const pkg = join(app, 'node_modules', name, 'package.json');
    if (existsSync(pkg)) versions[name] = JSON.parse(readFileSync(pkg, 'utf8')).version;
  }
  return { app, versions };
}

