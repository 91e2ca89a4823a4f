/**
 * Every package a generated app can depend on, with the exact version it gets.
 * Pinned here so a run needs no network and a misspelt dependency fails to compile.
 * All of them install and run on Node 20.12+ (newer majors of several need Node 22).
 */
export const versions = {
  express: '5.3.0',
  'express-rate-limit': '8.7.4',
  'http-errors': '2.0.1', // the version express 5 depends on
  'rate-limit-redis': '6.0.1',
  'express-session': '1.19.0',
  memorystore: '1.6.8',
  'cookie-session': '2.1.1',
  'client-sessions': '0.8.0', // legacy: unmaintained upstream since 2020 (MPL-2.0)
  'iron-session': '8.0.4', // 9 needs Node 22
  'connect-mongo': '6.0.0',
  mongodb: '6.22.0', // 7 needs Node 20.19; the apps' engines is >=20.12
  'better-sqlite3': '12.11.1',
  'connect-redis': '9.0.0', // 10 needs Node 22
  redis: '6.3.1',
  'connect-memcached': '3.0.0',
  'memcache-client': '1.0.5', // per-command timeouts (memcached 2.2 loses the callbacks of a hung server)
  'connect-pg-simple': '10.0.0',
  pg: '8.23.1',
  mysql2: '3.24.6', // not express-mysql-session: it pins mysql2 3.10.2 (advisories)

  vitest: '4.1.12',
  supertest: '7.3.2',
  typescript: '5.9.3',
  tsx: '4.23.15',
  '@types/node': '20.19.9',
  '@types/express': '5.0.6',
  '@types/express-session': '1.19.0',
  '@types/http-errors': '2.0.5',
  '@types/cookie-session': '2.0.49',
  '@types/client-sessions': '0.8.7',
  '@types/better-sqlite3': '7.6.13',
  '@types/connect-memcached': '1.0.0',
  '@types/memcached': '2.2.10',
  '@types/connect-pg-simple': '7.0.3',
  '@types/pg': '8.23.1',
  '@types/supertest': '7.2.1',
} as const;

export type PackageName = keyof typeof versions;

/** The `engines.node` range of generated apps (process.loadEnvFile needs 20.12). */
export const nodeEngines = '>=20.12';
