/**
 * The store servers end-to-end tests talk to: where they are, whether they answer, and a
 * gate that skips a test locally (with how to start the server) but fails it in CI.
 *
 * Addresses come from, in order: the environment (TEST_REDIS_URL, TEST_MEMCACHED_SERVERS,
 * TEST_POSTGRES_URL, TEST_MYSQL_URL, TEST_MONGODB_URL; for the several-instances tests
 * TEST_REDIS_CLUSTER_NODES, TEST_REDIS_SENTINELS + TEST_REDIS_SENTINEL_NAME,
 * TEST_PGBOUNCER_URL, TEST_HAPROXY_URL + TEST_HAPROXY_BACKENDS + TEST_HAPROXY_STATS), then
 * `.e2e-tmp/services.env` that `scripts/services.sh` writes (it may have had to create a
 * password user), then the defaults on 127.0.0.1 (the ports services.sh uses).
 */
import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { managedServices, testServices } from '../../src/stores/index.js';
import { databaseProblem, ensureTestDatabase } from './databases.js';
import { run as runCommand, type RunResult as CommandResult } from './process.js';

export { freePort, startProcess, stop, waitForHttp, run, describeRun, userEnv } from './process.js';
export type { StartedProcess, RunResult } from './process.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * A server the tests talk to: a store's (`server.service` in src/stores), one of the
 * several-instances tests built on it (`server.instanceServices`), or the harness's own
 * load balancer (HARNESS_SERVICES). SPEC below says where each one is.
 */
export type ServiceName = string;

/** Servers of the test harness itself, not of any store: the load balancer of the several-instances tests. */
export const HARNESS_SERVICES: readonly ServiceName[] = ['haproxy'];

/** Every server the tests know, from the catalogue, then the harness's. */
export const SERVICES: readonly ServiceName[] = [...testServices(), ...HARNESS_SERVICES];

/**
 * Services `scripts/services.sh` can start on this machine: the catalogue's `managed` servers
 * (MongoDB has no server package here), then the harness's.
 */
export const MANAGED_SERVICES: readonly ServiceName[] = [...managedServices(), ...HARNESS_SERVICES];

/** The Sentinel group's master name when neither the environment nor services.env gives one. */
const SENTINEL_NAME_FALLBACK = 'cesa-master';

/** appEnv: the variable a generated app reads it from (none for the load balancer). */
const SPEC: Record<ServiceName, { envKey: string; fallback: string; appEnv?: string } | undefined> = {
  redis: { envKey: 'TEST_REDIS_URL', fallback: 'redis://127.0.0.1:6379', appEnv: 'REDIS_URL' },
  memcached: { envKey: 'TEST_MEMCACHED_SERVERS', fallback: '127.0.0.1:11211', appEnv: 'MEMCACHED_SERVERS' },
  postgres: {
    envKey: 'TEST_POSTGRES_URL',
    fallback: 'postgres://postgres@127.0.0.1:5432/sessions_test',
    appEnv: 'DATABASE_URL',
  },
  mysql: { envKey: 'TEST_MYSQL_URL', fallback: 'mysql://root@127.0.0.1:3306/sessions_test', appEnv: 'DATABASE_URL' },
  mongodb: { envKey: 'TEST_MONGODB_URL', fallback: 'mongodb://127.0.0.1:27017/sessions_test', appEnv: 'MONGODB_URL' },
  'redis-cluster': {
    envKey: 'TEST_REDIS_CLUSTER_NODES',
    fallback: [7001, 7002, 7003, 7004, 7005, 7006].map((port) => `redis://127.0.0.1:${port}`).join(','),
    appEnv: 'REDIS_CLUSTER_NODES',
  },
  'redis-sentinel': { envKey: 'TEST_REDIS_SENTINELS', fallback: '127.0.0.1:26381,127.0.0.1:26382,127.0.0.1:26383', appEnv: 'REDIS_SENTINELS' },
  pgbouncer: { envKey: 'TEST_PGBOUNCER_URL', fallback: 'postgres://postgres@127.0.0.1:6432/sessions_test', appEnv: 'DATABASE_URL' },
  haproxy: { envKey: 'TEST_HAPROXY_URL', fallback: 'http://127.0.0.1:8090' },
};

/** A test setting: the environment, else services.env, else `fallback`. */
function setting(key: string, fallback: string): string {
  return process.env[key] || servicesEnvFile()[key] || fallback;
}

function servicesEnvFile(): Record<string, string> {
  try {
    const text = readFileSync(join(REPO_ROOT, '.e2e-tmp', 'services.env'), 'utf8');
    const out: Record<string, string> = {};
    for (const line of text.split('\n')) {
      const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
      if (m) out[m[1]!] = m[2]!;
    }
    return out;
  } catch {
    return {};
  }
}

/** Where the tests find a service; a server the catalogue names needs its line in SPEC (test/unit/catalogue.test.ts checks). */
export function serviceSpec(name: ServiceName): { envKey: string; fallback: string; appEnv?: string } {
  const spec = SPEC[name];
  if (!spec) throw new Error(`test/support/services.ts: no address known for service "${name}" (add it to SPEC)`);
  return spec;
}

/** The connection string for a service (memcached: `host:port`, as MEMCACHED_SERVERS takes). */
export function serviceUrl(name: ServiceName): string {
  const spec = serviceSpec(name);
  return setting(spec.envKey, spec.fallback);
}

/** The environment variables a generated app needs to reach this service. */
export function serviceEnv(name: ServiceName): Record<string, string> {
  const appEnv = serviceSpec(name).appEnv;
  if (!appEnv) return {};
  if (name === 'redis-sentinel') return { [appEnv]: serviceUrl(name), REDIS_SENTINEL_NAME: sentinelName() };
  return { [appEnv]: serviceUrl(name) };
}

/** The Sentinel group's master name (TEST_REDIS_SENTINEL_NAME). */
export function sentinelName(): string {
  return setting('TEST_REDIS_SENTINEL_NAME', SENTINEL_NAME_FALLBACK);
}

/** The ports HAProxy sends requests to (TEST_HAPROXY_BACKENDS): the tests start the app instances there. */
export function haproxyBackends(): Array<{ host: string; port: number }> {
  return setting('TEST_HAPROXY_BACKENDS', '127.0.0.1:3181,127.0.0.1:3182')
    .split(',')
    .map((entry) => {
      const [host, port] = entry.trim().split(':');
      return { host: host || '127.0.0.1', port: Number(port) };
    });
}

/** HAProxy's statistics as CSV (TEST_HAPROXY_STATS): which backend servers it sees up. */
export function haproxyStatsUrl(): string {
  return setting('TEST_HAPROXY_STATS', 'http://127.0.0.1:8091/stats;csv');
}

/** host and port of a service, from its URL. */
export function serviceAddress(name: ServiceName): { host: string; port: number } {
  const raw = serviceUrl(name);
  if (name === 'memcached' || name === 'redis-sentinel') {
    const first = raw.split(',')[0]!.trim();
    const [host, port] = first.split(':');
    return { host: host || '127.0.0.1', port: Number(port || (name === 'memcached' ? 11211 : 26379)) };
  }
  const url = new URL(raw.split(',')[0]!.trim());
  const defaults: Record<string, number> = {
    redis: 6379,
    'redis-cluster': 6379,
    postgres: 5432,
    pgbouncer: 6432,
    mysql: 3306,
    mongodb: 27017,
    haproxy: 80,
  };
  return { host: url.hostname || '127.0.0.1', port: Number(url.port || defaults[name]) };
}

/** Whether something accepts a TCP connection on the service's address (short timeout). */
export function isServiceUp(name: ServiceName, timeoutMs = 1_000): Promise<boolean> {
  const { host, port } = serviceAddress(name);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

export function startHint(name: ServiceName): string {
  return MANAGED_SERVICES.includes(name)
    ? `start it with \`npm run services -- ${name}\` (i.e. \`bash scripts/services.sh ${name}\`)`
    : `no server for ${name} can be started on this machine; set ${serviceSpec(name).envKey} to one you have`;
}

/**
 * Gate for tests that need a store server. Use at the top level of a test file:
 *
 *   const hasRedis = await requireService('redis');
 *   describe.skipIf(!hasRedis)('redis app', () => { … });
 *
 * Up → true. Down in CI (`CI` set) → throws, failing the file: CI must have run
 * `scripts/services.sh`. Down elsewhere → logs why and how to start it, returns false so the
 * tests are skipped. A service this machine cannot start (MongoDB) is skipped even in CI.
 */
export async function requireService(name: ServiceName): Promise<boolean> {
  const why = await serviceProblem(name);
  if (why === undefined) return true;
  if (isCI() && MANAGED_SERVICES.includes(name)) {
    throw new Error(`[CI] ${why}. In CI this is a failure, not a skip (.ci/run starts all services).`);
  }
  console.warn(`skipping tests that need ${name}: ${why}`);
  return false;
}

/** Why the tests cannot use this service (server down, test database unusable), or undefined. */
async function serviceProblem(name: ServiceName): Promise<string | undefined> {
  const { host, port } = serviceAddress(name);
  if (!(await isServiceUp(name))) return `${name} is not reachable at ${host}:${port} (${serviceUrl(name)}): ${startHint(name)}`;
  if (name !== 'postgres' && name !== 'mysql' && name !== 'pgbouncer') return undefined;
  const problem = await databaseProblem(name === 'pgbouncer' ? 'postgres' : name, serviceUrl(name));
  return (
    problem &&
    `${name} answers at ${host}:${port}, but the test database in ${serviceUrl(name)} cannot be used (${problem}); ` +
      `create it with \`npm run services -- ${name}\``
  );
}

/**
 * Create the PostgreSQL and MySQL test databases on the servers that answer (the e2e global
 * setup, so `npm test` needs nothing run before it). Returns one line per server for the log;
 * a database it cannot create is left to `requireService`, which skips or fails its tests.
 */
export async function prepareTestDatabases(): Promise<string[]> {
  const lines: string[] = [];
  for (const name of ['postgres', 'mysql'] as const) {
    if (!(await isServiceUp(name))) continue;
    const result = await ensureTestDatabase(name, serviceUrl(name));
    lines.push(result instanceof Error ? `${name}: ${result.message}` : `${name}: test database ${result}`);
  }
  return lines;
}

export function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/**
 * Stop a managed service for real (`bash scripts/services.sh --stop <name>`), waiting until
 * it no longer answers. For outage tests: always start it again (`startService`) in a
 * `finally`, the servers are shared with everything else on the machine.
 */
export function stopService(name: ServiceName, timeoutMs = 90_000): Promise<CommandResult> {
  return runCommand('bash', [join(REPO_ROOT, 'scripts', 'services.sh'), '--stop', name], {
    cwd: REPO_ROOT,
    timeoutMs,
  });
}

/** Start a managed service (`bash scripts/services.sh <name>`) and wait until it answers. */
export function startService(name: ServiceName, timeoutMs = 120_000): Promise<CommandResult> {
  return runCommand('bash', [join(REPO_ROOT, 'scripts', 'services.sh'), name], {
    cwd: REPO_ROOT,
    timeoutMs,
  });
}

/**
 * The pid of the process listening on a service's TCP port (from `ss -ltnp`), or undefined.
 * For hang tests: SIGSTOP it, then ALWAYS SIGCONT it in a `finally`.
 */
export async function servicePid(name: ServiceName): Promise<number | undefined> {
  const { port } = serviceAddress(name);
  const r = await runCommand('ss', ['-Hltnp', `sport = :${port}`], { cwd: REPO_ROOT, timeoutMs: 10_000 });
  const m = /pid=(\d+)/.exec(r.stdout);
  return m ? Number(m[1]) : undefined;
}
